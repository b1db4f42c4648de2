package okredis

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	_ okauth.TokenStore  = (*TokenStore)(nil)
	_ okauth.TokenLocker = (*TokenStore)(nil)
)

// TestTokenStore: a token put on A is read on B, and forgotten when it
// expires.
func TestTokenStore(t *testing.T) {
	srv := redistest.Start(t)
	a, b := open(t, srv, Options{}).Tokens(), open(t, srv, Options{}).Tokens()
	ctx := context.Background()
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	require.NoError(t, a.Put(ctx, "k1", okauth.Token{AccessToken: "tok", Expires: exp}))
	got, ok, err := b.Get(ctx, "k1")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, okauth.Secret("tok"), got.AccessToken)
	assert.True(t, exp.Equal(got.Expires))

	_, ok, err = b.Get(ctx, "k2")
	require.NoError(t, err)
	assert.False(t, ok)

	require.NoError(t, a.Put(ctx, "k3", okauth.Token{AccessToken: "brief", Expires: time.Now().Add(100 * time.Millisecond)}))
	require.Eventually(t, func() bool { _, ok, _ := b.Get(ctx, "k3"); return !ok }, 2*time.Second, 10*time.Millisecond)
}

// TestTokenLock: of lockers on two instances, one holds the lock at a
// time; a lock expires after its ttl; unlock never frees another's lock;
// a waiter gives up when its context ends.
func TestTokenLock(t *testing.T) {
	srv := redistest.Start(t)
	stores := []*TokenStore{open(t, srv, Options{}).Tokens(), open(t, srv, Options{}).Tokens()}
	ctx := context.Background()

	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			unlock, err := stores[i%2].LockToken(ctx, "k", 5*time.Second)
			if !assert.NoError(t, err) {
				return
			}
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(10 * time.Millisecond)
			inside.Add(-1)
			unlock()
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, most.Load(), "one holder at a time")

	unlockStale, err := stores[0].LockToken(ctx, "ttl", 100*time.Millisecond)
	require.NoError(t, err)
	start := time.Now()
	unlockB, err := stores[1].LockToken(ctx, "ttl", time.Minute)
	require.NoError(t, err, "taken once the first lock's ttl ran out")
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	unlockStale() // the first holder, late: must not free B's lock
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = stores[0].LockToken(short, "ttl", time.Minute)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "B still holds it")
	unlockB()
	unlock, err := stores[0].LockToken(ctx, "ttl", time.Minute)
	require.NoError(t, err)
	unlock()
}
