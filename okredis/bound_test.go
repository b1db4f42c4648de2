package okredis

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessionsPerUserBounded: past Options.MaxUserSessions a Save ends
// the user's oldest sessions, never the one it saves, so 300 sign-ins of
// one user leave the bound's worth of keys, and DeleteUser ends them all.
func TestSessionsPerUserBounded(t *testing.T) {
	srv := redistest.Start(t)
	c := open(t, srv, Options{MaxUserSessions: 3})
	s := c.Sessions()
	ctx := context.Background()
	hour := time.Now().Add(time.Hour)
	var ids []string
	for range 5 {
		id := sid("app:7")
		ids = append(ids, id)
		require.NoError(t, s.Save(ctx, id, "app:7", []byte("x"), hour))
	}
	for i, id := range ids {
		_, err := s.Load(ctx, id)
		if i < 2 {
			assert.ErrorIs(t, err, okauth.ErrNoSession, "session %d of 5, past the bound of 3: ended", i)
		} else {
			assert.NoError(t, err, "session %d of 5, within the bound", i)
		}
	}
	// A session saved with an earlier expiry than the others is still the
	// newest: the oldest saved goes.
	short := sid("app:7")
	require.NoError(t, s.Save(ctx, short, "app:7", []byte("x"), time.Now().Add(time.Minute)))
	_, err := s.Load(ctx, short)
	assert.NoError(t, err, "the session just saved is never the one ended")
	_, err = s.Load(ctx, ids[2])
	assert.ErrorIs(t, err, okauth.ErrNoSession, "the oldest went instead")

	for range 300 {
		require.NoError(t, s.Save(ctx, sid("app:7"), "app:7", []byte(strings.Repeat("x", 700)), hour))
	}
	keys := func() []string {
		keys, err := c.rc.Do(ctx, c.rc.B().Keys().Pattern("okauth:[su]:*").Build()).AsStrSlice()
		require.NoError(t, err)
		return keys
	}
	assert.Len(t, keys(), 4, "300 sign-ins of one user keep 3 sessions and their set")
	require.NoError(t, s.DeleteUser(ctx, "app:7"))
	assert.Empty(t, keys(), "DeleteUser ended every session")
}

// TestFullRedisKeepsSessions: with Redis over maxmemory (noeviction), an
// instance that never cached a session still reads it: A, whose cache is
// in use (its tracking check verified before Redis filled, and not due
// again), is refused the MULTI of a cached read and reads with a plain
// GET; B, opened once Redis is full, cannot write its tracking canary, so
// it reads from Redis anyway. Sessions can still be ended.
func TestFullRedisKeepsSessions(t *testing.T) {
	srv := redistest.Start(t, "--maxmemory", "4mb", "--maxmemory-policy", "noeviction")
	a := open(t, srv, Options{TrackingCheck: time.Hour})
	ctx := context.Background()
	id, other := sid("app:7"), sid("app:8")
	require.NoError(t, a.Sessions().Save(ctx, id, "app:7", []byte("alice"), time.Now().Add(time.Hour)))
	require.NoError(t, a.Sessions().Save(ctx, other, "app:8", []byte("bob"), time.Now().Add(time.Hour)))

	fill := strings.Repeat("f", 64<<10)
	full := false
	for i := 0; i < 200 && !full; i++ {
		err := a.rc.Do(ctx, a.rc.B().Set().Key("filler:"+newID()).Value(fill).Build()).Error()
		full = err != nil && strings.Contains(err.Error(), "OOM")
	}
	require.True(t, full, "Redis is full")

	require.True(t, a.cached(time.Now().UnixNano()), "A reads through its cache")
	b := open(t, srv, Options{})
	for _, in := range []*Client{a, b} { // neither has the session cached
		for range 2 {
			got, err := in.Sessions().Load(ctx, id)
			require.NoError(t, err, "a signed-in user stays signed in while Redis is full")
			assert.Equal(t, "alice", string(got))
		}
	}
	require.NoError(t, b.Sessions().Delete(ctx, id), "a session can be ended while Redis is full")
	for _, in := range []*Client{a, b} {
		_, err := in.Sessions().Load(ctx, id)
		assert.ErrorIs(t, err, okauth.ErrNoSession)
	}
	require.NoError(t, a.Sessions().DeleteUser(ctx, "app:8"), "and a user's sessions")
	_, err := b.Sessions().Load(ctx, other)
	assert.ErrorIs(t, err, okauth.ErrNoSession)
}
