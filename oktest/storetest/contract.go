package storetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// Revocation is how soon a session ended on one instance must be refused
// on every other.
const Revocation = 100 * time.Millisecond

// gone reports whether id loads as okauth.ErrNoSession within limit.
func gone(ctx context.Context, s okauth.SessionStore, id string, limit time.Duration) bool {
	return errors.Is(loadFails(ctx, s, id, limit), okauth.ErrNoSession)
}

// loadFails loads id from s until that fails, for at most limit, and
// returns the last Load's error: nil if id still loads.
func loadFails(ctx context.Context, s okauth.SessionStore, id string, limit time.Duration) error {
	var err error
	within(limit, func() bool { _, err = s.Load(ctx, id); return err != nil })
	return err
}

// testSessions: what one instance saves another loads; an ID never saved,
// ended or expired loads as okauth.ErrNoSession everywhere, an ended one
// within Revocation; ending a user's sessions leaves the others.
func testSessions(t *testing.T, open func(t *testing.T) Stores) {
	a, b := open(t).Sessions, open(t).Sessions
	ctx := context.Background()
	hour := time.Now().Add(time.Hour)
	alice, bob := randomUID(), randomUID()
	a1, a2, b1 := okauth.NewSessionID(a, alice), okauth.NewSessionID(b, alice), okauth.NewSessionID(b, bob)
	require.NoError(t, a.Save(ctx, a1, alice, []byte("alice one\x00binary"), hour))
	require.NoError(t, b.Save(ctx, a2, alice, []byte("alice two"), hour)) // one user, two instances
	require.NoError(t, b.Save(ctx, b1, bob, []byte("bob"), hour))

	for range 2 { // the second read may come from a cache
		got, err := b.Load(ctx, a1)
		require.NoError(t, err, "what A saved, B loads")
		assert.Equal(t, "alice one\x00binary", string(got))
	}
	_, err := b.Load(ctx, okauth.NewSessionID(b, alice))
	assert.ErrorIs(t, err, okauth.ErrNoSession, "an ID never saved")
	assert.NotErrorIs(t, err, okauth.ErrStoreUnavailable, "an ID never saved")

	require.NoError(t, a.Delete(ctx, a1))
	assert.True(t, gone(ctx, b, a1, Revocation), "deleted on A, gone on B within %v", Revocation)
	assert.True(t, gone(ctx, a, a1, 0), "deleted on A, gone on A at once")
	require.NoError(t, b.Delete(ctx, a1), "deleting again is no error")
	require.NoError(t, b.Delete(ctx, okauth.NewSessionID(b, bob)), "deleting what never was is no error")

	_, err = b.Load(ctx, a2) // cached on B, if B caches
	require.NoError(t, err)
	require.NoError(t, a.DeleteUser(ctx, alice))
	assert.True(t, gone(ctx, b, a2, Revocation), "the user's sessions ended on A, gone on B within %v", Revocation)
	assert.True(t, gone(ctx, a, a2, 0), "a session B saved, ended on A: gone on A at once")
	got, err := b.Load(ctx, b1)
	require.NoError(t, err, "another user's session is left alone")
	assert.Equal(t, "bob", string(got))
	require.NoError(t, a.DeleteUser(ctx, randomUID()), "a user with no sessions")

	// A session lasts until it expires, and no longer.
	brief, saved := okauth.NewSessionID(a, bob), time.Now()
	require.NoError(t, a.Save(ctx, brief, bob, []byte("brief"), saved.Add(time.Second)))
	if _, err := b.Load(ctx, brief); time.Since(saved) < 500*time.Millisecond {
		require.NoError(t, err, "a session before it expires")
	}
	time.Sleep(time.Until(saved.Add(700 * time.Millisecond)))
	if _, err := b.Load(ctx, brief); time.Since(saved) < 900*time.Millisecond {
		assert.NoError(t, err, "a session 0.7 s into its second: not expired early")
	}
	assert.True(t, gone(ctx, b, brief, 3*time.Second), "expired on B, cached or not")
	assert.True(t, gone(ctx, a, brief, 0), "expired on A")

	past := okauth.NewSessionID(a, bob)
	err = a.Save(ctx, past, bob, []byte("past"), time.Now().Add(-time.Second))
	if err == nil {
		assert.True(t, gone(ctx, b, past, 0), "a session saved already expired never loads")
	}

	// Instances save, load and end sessions at once.
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			s := [2]okauth.SessionStore{a, b}[i%2]
			uid := randomUID()
			id := okauth.NewSessionID(s, uid)
			if assert.NoError(t, s.Save(ctx, id, uid, []byte(uid), hour)) {
				got, err := s.Load(ctx, id)
				assert.NoError(t, err)
				assert.Equal(t, uid, string(got), "each session keeps its own data")
				assert.NoError(t, s.DeleteUser(ctx, uid))
				assert.True(t, gone(ctx, s, id, Revocation))
			}
		})
	}
	wg.Wait()
}

// testReplay: a state reserved on one instance is refused on every other;
// of concurrent reservations on both, exactly one wins; Release frees it;
// the mark lasts the state's remaining lifetime and no longer.
func testReplay(t *testing.T, open func(t *testing.T) Stores) {
	a, b := open(t).Replay, open(t).Replay
	ctx := context.Background()
	s1, s2 := random(16), random(16)

	require.NoError(t, a.Reserve(ctx, s1, time.Minute))
	assert.ErrorIs(t, b.Reserve(ctx, s1, time.Minute), okauth.ErrStateReused, "reserved on A, refused on B")
	assert.ErrorIs(t, a.Reserve(ctx, s1, time.Minute), okauth.ErrStateReused, "and on A")
	assert.True(t, b.Used(ctx, s1))
	assert.False(t, b.Used(ctx, s2))

	b.Release(ctx, s1)
	assert.False(t, a.Used(ctx, s1), "released on B, free on A")
	require.NoError(t, a.Reserve(ctx, s1, time.Minute), "a released state can finish its sign-in")

	// A mark lasts the state's remaining lifetime, and no longer.
	brief, lasting, since := random(16), random(16), time.Now()
	require.NoError(t, a.Reserve(ctx, brief, 500*time.Millisecond))
	require.NoError(t, a.Reserve(ctx, lasting, 3*time.Second))
	if err := b.Reserve(ctx, brief, time.Minute); time.Since(since) < 250*time.Millisecond {
		assert.ErrorIs(t, err, okauth.ErrStateReused, "a mark before it expires")
	}
	assert.True(t, within(3*time.Second, func() bool { return !b.Used(ctx, brief) }), "the mark ends with the state's lifetime")
	require.NoError(t, b.Reserve(ctx, brief, time.Minute), "expired: usable again")
	time.Sleep(time.Until(since.Add(time.Second)))
	if err := b.Reserve(ctx, lasting, time.Minute); time.Since(since) < 2*time.Second {
		assert.ErrorIs(t, err, okauth.ErrStateReused, "a 3 s mark a second on: not expired early")
	}

	raced := random(16)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			err := [2]okauth.ReplayStore{a, b}[i%2].Reserve(ctx, raced, time.Minute)
			if err == nil {
				wins.Add(1)
			} else {
				assert.ErrorIs(t, err, okauth.ErrStateReused)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, wins.Load(), "of 20 concurrent reservations over two instances, one wins")

	long := strings.Repeat(random(16), 300)
	require.NoError(t, a.Reserve(ctx, long, time.Minute), "a 10 KB state")
	assert.ErrorIs(t, b.Reserve(ctx, long, time.Minute), okauth.ErrStateReused)
	assert.False(t, b.Used(ctx, long[:len(long)-1]), "a state that differs in its last byte")
}
