package okredis

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessionUserSetBounded: the set listing a user's sessions drops
// ended and expired ones, and expires with the last session.
func TestSessionUserSetBounded(t *testing.T) {
	srv := redistest.Start(t)
	c := open(t, srv, Options{})
	s := c.Sessions()
	ctx := context.Background()
	zcard := func() int64 {
		n, err := c.rc.Do(ctx, c.rc.B().Zcard().Key(s.ukey("7")).Build()).AsInt64()
		require.NoError(t, err)
		return n
	}
	saved := time.Now()
	for range 20 {
		require.NoError(t, s.Save(ctx, sid("7"), "7", []byte("x"), saved.Add(time.Second)))
	}
	if time.Since(saved) < 900*time.Millisecond { // not measurable on a machine that slow
		assert.EqualValues(t, 20, zcard())
	}
	time.Sleep(time.Until(saved.Add(1100 * time.Millisecond)))
	live := sid("7")
	require.NoError(t, s.Save(ctx, live, "7", []byte("x"), time.Now().Add(300*time.Millisecond)))
	assert.EqualValues(t, 1, zcard(), "expired members pruned on Save")
	require.NoError(t, s.Delete(ctx, live))
	assert.EqualValues(t, 0, zcard(), "Delete removes the member")

	require.NoError(t, s.Save(ctx, sid("7"), "7", []byte("x"), time.Now().Add(100*time.Millisecond)))
	pttl, err := c.rc.Do(ctx, c.rc.B().Pttl().Key(s.ukey("7")).Build()).AsInt64()
	require.NoError(t, err)
	assert.True(t, pttl > 0 && pttl <= 100, "the set expires with its last session: PTTL %d", pttl)
}

// TestSessionRevocationReachesOtherInstance: instance B has the session
// in its client-side cache; A deletes it; B stops returning it within
// 100 ms (polled, bounded), and never again. Same for DeleteUser.
func TestSessionRevocationReachesOtherInstance(t *testing.T) {
	srv := redistest.Start(t)
	a, b := open(t, srv, Options{}).Sessions(), open(t, srv, Options{}).Sessions()
	ctx := context.Background()
	for _, byUser := range []bool{false, true} {
		t.Run(fmt.Sprintf("DeleteUser=%v", byUser), func(t *testing.T) {
			id := sid("42")
			require.NoError(t, a.Save(ctx, id, "42", []byte("session"), time.Now().Add(time.Hour)))
			for range 3 { // B reads it: cached from now on
				_, err := b.Load(ctx, id)
				require.NoError(t, err)
			}
			start := time.Now()
			if byUser {
				require.NoError(t, a.DeleteUser(ctx, "42"))
			} else {
				require.NoError(t, a.Delete(ctx, id))
			}
			var took time.Duration
			for i := 0; ; i++ {
				if _, err := b.Load(ctx, id); err != nil {
					require.ErrorIs(t, err, okauth.ErrNoSession)
					took = time.Since(start)
					break
				}
				require.Less(t, time.Since(start), 100*time.Millisecond, "B still serves the ended session after %d loads", i)
				time.Sleep(time.Millisecond)
			}
			t.Logf("B saw the session ended after %v", took)
			for range 50 {
				_, err := b.Load(ctx, id)
				require.ErrorIs(t, err, okauth.ErrNoSession)
			}
		})
	}
}

// TestSessionDeleteThenLoadSameInstance: right after Delete returns, the
// same instance never serves the session from its cache, however fast it
// asks (the tombstone covers the moment before Redis's invalidation
// arrives).
func TestSessionDeleteThenLoadSameInstance(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, srv, Options{}).Sessions()
	ctx := context.Background()
	for i := range 300 {
		id := sid("9")
		require.NoError(t, s.Save(ctx, id, "9", []byte("x"), time.Now().Add(time.Hour)))
		_, err := s.Load(ctx, id)
		require.NoError(t, err)
		if i%2 == 0 {
			require.NoError(t, s.Delete(ctx, id))
		} else {
			require.NoError(t, s.DeleteUser(ctx, "9"))
		}
		_, err = s.Load(ctx, id)
		require.ErrorIs(t, err, okauth.ErrNoSession, "round %d", i)
	}
}

// TestSessionConcurrent: many goroutines on two instances save, load and
// delete; every Load sees either the session or ErrNoSession, and after
// DeleteUser none survives.
func TestSessionConcurrent(t *testing.T) {
	srv := redistest.Start(t)
	stores := []*SessionStore{open(t, srv, Options{}).Sessions(), open(t, srv, Options{}).Sessions()}
	ctx := context.Background()
	var wg sync.WaitGroup
	ids := make(chan string, 400)
	for g := range 8 {
		wg.Go(func() {
			s := stores[g%2]
			for i := range 50 {
				id := sid("55")
				data := fmt.Sprintf("g%d-%d", g, i)
				if !assert.NoError(t, s.Save(ctx, id, "55", []byte(data), time.Now().Add(time.Hour))) {
					return
				}
				got, err := stores[(g+1)%2].Load(ctx, id)
				if assert.NoError(t, err) {
					assert.Equal(t, data, string(got))
				}
				if i%5 == 0 {
					assert.NoError(t, s.Delete(ctx, id))
				} else {
					ids <- id
				}
			}
		})
	}
	wg.Wait()
	close(ids)
	require.NoError(t, stores[0].DeleteUser(ctx, "55"))
	for id := range ids {
		require.Eventually(t, func() bool {
			_, err := stores[1].Load(ctx, id)
			return err != nil
		}, 100*time.Millisecond, time.Millisecond)
	}
}

// TestDeleteUserEndsASessionSavedMeanwhile: a session another instance
// saves after DeleteUser read the user's set, and before it ended what it
// read, is ended too: DeleteUser returns only once the set is empty.
func TestDeleteUserEndsASessionSavedMeanwhile(t *testing.T) {
	srv := redistest.Start(t)
	a, b := open(t, srv, Options{}).Sessions(), open(t, srv, Options{}).Sessions()
	ctx := context.Background()
	hour := time.Now().Add(time.Hour)
	first, meanwhile := sid("app:9"), sid("app:9")
	require.NoError(t, a.Save(ctx, first, "app:9", []byte("first"), hour))
	afterMembersRead = func() {
		afterMembersRead = nil
		require.NoError(t, b.Save(ctx, meanwhile, "app:9", []byte("meanwhile"), hour))
	}
	t.Cleanup(func() { afterMembersRead = nil })
	require.NoError(t, a.DeleteUser(ctx, "app:9"))
	for _, id := range []string{first, meanwhile} {
		_, err := b.Load(ctx, id)
		assert.ErrorIs(t, err, okauth.ErrNoSession)
	}
}
