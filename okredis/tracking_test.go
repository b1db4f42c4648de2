package okredis

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCacheDistrustedWhenInvalidationsStop: instance B reaches Redis
// through a proxy that reopens B's connections behind its back, so
// Redis's invalidations stop while B's connections stay open. A session
// B cached and A then ended is refused by B within 2×TrackingCheck (1 s
// here, polled up to 5 s), not served for CacheTTL (1 minute).
func TestCacheDistrustedWhenInvalidationsStop(t *testing.T) {
	srv := redistest.Start(t)
	proxy := startProxy(t, srv.Addr())
	a := open(t, srv, Options{})
	b, err := Open("redis://"+proxy.addr()+"/0", Options{TrackingCheck: 500 * time.Millisecond, HangTimeout: time.Minute})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	ctx := context.Background()
	id := sid("app:7")
	require.NoError(t, a.Sessions().Save(ctx, id, "app:7", []byte("alice"), time.Now().Add(time.Hour)))
	for range 3 { // B caches it
		_, err := b.Sessions().Load(ctx, id)
		require.NoError(t, err)
	}

	proxy.reopenAll()
	require.Eventually(t, proxy.allReopened, 10*time.Second, 10*time.Millisecond, "B's checks went through every reopened connection")
	require.NoError(t, a.Sessions().Delete(ctx, id))
	start := time.Now()
	assert.Eventually(t, func() bool {
		_, err := b.Sessions().Load(ctx, id)
		return errors.Is(err, okauth.ErrNoSession)
	}, 5*time.Second, 10*time.Millisecond, "the session ended on A is refused by B although no invalidation reaches it")
	t.Logf("refused by B after %v", time.Since(start))

	id2 := sid("app:7")
	require.NoError(t, a.Sessions().Save(ctx, id2, "app:7", []byte("bob"), time.Now().Add(time.Hour)))
	got, err := b.Sessions().Load(ctx, id2)
	require.NoError(t, err, "B still reads sessions, from Redis")
	assert.Equal(t, "bob", string(got))
}
