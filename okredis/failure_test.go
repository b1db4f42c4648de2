package okredis

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allStores calls one method of each store and returns their errors.
func allStores(ctx context.Context, c *Client, id string) map[string]error {
	s, r, p, tk := c.Sessions(), c.Replay(), c.Payments(0, 0), c.Tokens()
	_, loadErr := s.Load(ctx, id)
	_, claimErr := p.Claim(ctx, "tx-"+id)
	_, _, getErr := tk.Get(ctx, "k")
	_, lockErr := tk.LockToken(ctx, "k", time.Second)
	return map[string]error{
		"Save":         s.Save(ctx, sid("1"), "1", []byte("x"), time.Now().Add(time.Hour)),
		"Load":         loadErr,
		"Delete":       s.Delete(ctx, id),
		"DeleteUser":   s.DeleteUser(ctx, "1"),
		"Reserve":      r.Reserve(ctx, "st-"+id, time.Minute),
		"Claim":        claimErr,
		"MarkCredited": p.MarkCredited(ctx, "tx-"+id),
		"Release":      p.Release(ctx, "tx-"+id),
		"Get":          getErr,
		"Put":          tk.Put(ctx, "k", okauth.Token{AccessToken: "t", Expires: time.Now().Add(time.Hour)}),
		"LockToken":    lockErr,
	}
}

// TestRedisDownFailsClosed: with Redis killed, every method of every
// store fails at once with ErrStoreUnavailable, a session cached before is
// not served, a payment is answered "retry" (2) without calling Credit,
// and nothing is left half-written; once Redis is back on the same port,
// the same Clients work again with no restart.
func TestRedisDownFailsClosed(t *testing.T) {
	srv := redistest.Start(t)
	fake := oktest.NewServer()
	defer fake.Close()
	c := open(t, srv, Options{Timeout: 300 * time.Millisecond})
	ctx := context.Background()

	cached := sid("1")
	require.NoError(t, c.Sessions().Save(ctx, cached, "1", []byte("x"), time.Now().Add(time.Hour)))
	_, err := c.Sessions().Load(ctx, cached)
	require.NoError(t, err)
	var credits atomic.Int32
	shop := payInstance(t, fake, open(t, srv, Options{}).Payments(0, 0), &credits)

	srv.Stop()
	start := time.Now()
	require.Eventually(t, func() bool {
		_, err := c.Sessions().Load(ctx, cached)
		return errors.Is(err, okauth.ErrStoreUnavailable)
	}, time.Second, 5*time.Millisecond, "the cached session stops being served")
	t.Logf("cached session refused %v after Redis died", time.Since(start))

	down := newID()
	start = time.Now()
	for name, err := range allStores(ctx, c, down) {
		assert.ErrorIs(t, err, okauth.ErrStoreUnavailable, name)
	}
	t.Logf("11 calls with Redis down took %v", time.Since(start))
	assert.Less(t, time.Since(start), 11*(300*time.Millisecond+time.Second), "each bounded by Timeout or DialTimeout")
	assert.False(t, c.Replay().Used(ctx, "st-"+down), "Used: false when it cannot tell")

	params := fake.PaymentParams(oktest.Payment{UID: "7", ProductCode: "coins100", Amount: 10})
	assert.Equal(t, 2, deliver(t, shop.URL, params), "OK's service error: it retries")
	assert.EqualValues(t, 0, credits.Load(), "not credited while the store is down")

	srv.Restart()
	require.Eventually(t, func() bool {
		_, err := c.Sessions().Load(ctx, newID())
		return errors.Is(err, okauth.ErrNoSession)
	}, 5*time.Second, 20*time.Millisecond, "the same Client reconnects by itself")
	for name, err := range allStores(ctx, c, newID()) {
		if name == "Load" {
			assert.ErrorIs(t, err, okauth.ErrNoSession)
			continue
		}
		assert.NoError(t, err, name)
	}
	_, err = c.Sessions().Load(ctx, down)
	assert.ErrorIs(t, err, okauth.ErrNoSession, "nothing of the refused calls was written")
	require.Eventually(t, func() bool { return deliver(t, shop.URL, params) == 0 }, 5*time.Second, 20*time.Millisecond,
		"OK's retries succeed once the shop's own Client has reconnected")
	assert.Equal(t, 0, deliver(t, shop.URL, params))
	assert.EqualValues(t, 1, credits.Load(), "credited once")
}

// TestRedisHungFailsClosed: a Redis that stops answering (SIGSTOP) makes
// every call fail after Timeout, a cached session included once the
// connection is given up (HangTimeout); after it answers again the Client
// works on.
func TestRedisHungFailsClosed(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for HangTimeout")
	}
	srv := redistest.Start(t)
	c := open(t, srv, Options{Timeout: 200 * time.Millisecond, HangTimeout: 500 * time.Millisecond})
	ctx := context.Background()
	id := sid("1")
	require.NoError(t, c.Sessions().Save(ctx, id, "1", []byte("x"), time.Now().Add(time.Hour)))
	_, err := c.Sessions().Load(ctx, id) // cached from now on
	require.NoError(t, err)

	srv.Pause()
	resumed := false
	defer func() {
		if !resumed {
			srv.Resume()
		}
	}()
	start := time.Now()
	err = c.Replay().Reserve(ctx, "s", time.Minute)
	assert.ErrorIs(t, err, okauth.ErrStoreUnavailable)
	t.Logf("Reserve on a hung Redis gave up after %v", time.Since(start))
	require.Eventually(t, func() bool {
		_, err := c.Sessions().Load(ctx, id)
		return errors.Is(err, okauth.ErrStoreUnavailable)
	}, 3*time.Second, 20*time.Millisecond)
	t.Logf("cached session refused %v after Redis hung", time.Since(start))

	srv.Resume()
	resumed = true
	require.Eventually(t, func() bool {
		got, err := c.Sessions().Load(ctx, id)
		return err == nil && string(got) == "x"
	}, 5*time.Second, 20*time.Millisecond, "back, with its data")
	_, err = c.Payments(0, 0).Claim(ctx, "after")
	assert.NoError(t, err)
}
