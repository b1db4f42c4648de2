package okauth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockingTokens is the in-memory store made shareable the way a TokenLocker
// is meant to work: one lock per key, held until unlock or ttl.
type lockingTokens struct {
	memoryTokens
	locks   sync.Map // key → chan struct{} of capacity 1
	lockErr error
}

func (l *lockingTokens) LockToken(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	if l.lockErr != nil {
		return nil, l.lockErr
	}
	ch, _ := l.locks.LoadOrStore(key, make(chan struct{}, 1))
	select {
	case ch.(chan struct{}) <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-ch.(chan struct{}) }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// refreshCounter is a token endpoint that counts refreshes and takes a
// while over each, so that concurrent callers overlap.
func refreshCounter(t *testing.T) (*tokenEndpoint, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		time.Sleep(30 * time.Millisecond)
		io.WriteString(w, `{"access_token":"fresh","expires_in":3600}`)
	}))
	t.Cleanup(srv.Close)
	return &tokenEndpoint{url: srv.URL, clientID: "app", secret: "s", hc: srv.Client()}, &n
}

// twoInstances: two tokenSources (two instances of an app) over one store,
// each with 10 callers needing the same expired token at once.
func twoInstances(t *testing.T, store TokenStore) (refreshes int32, fresh int32) {
	te, n := refreshCounter(t)
	u := &User{AccessToken: "old", TokenExpires: time.Now().Add(-time.Minute), RefreshToken: "r"}
	var wg sync.WaitGroup
	var freshN atomic.Int32
	for range 2 {
		src := &tokenSource{store: store, endpoint: te, timeout: 5 * time.Second, logger: slog.New(slog.DiscardHandler), now: time.Now}
		for range 10 {
			wg.Go(func() {
				tok, refreshed, err := src.token(context.Background(), u, "")
				assert.NoError(t, err)
				assert.Equal(t, Secret("fresh"), tok)
				if refreshed {
					freshN.Add(1)
				}
			})
		}
	}
	wg.Wait()
	return n.Load(), freshN.Load()
}

// TestTokenLockOneRefreshAcrossInstances: with a TokenLocker store, two
// instances needing the same token refresh it once; the other reads it
// from the store after the lock.
func TestTokenLockOneRefreshAcrossInstances(t *testing.T) {
	refreshes, fresh := twoInstances(t, &lockingTokens{memoryTokens: memoryTokens{now: time.Now}})
	assert.EqualValues(t, 1, refreshes, "refreshes at OK")
	assert.EqualValues(t, 1, fresh, "callers told they refreshed")
}

// TestTokenWithoutLockRefreshesPerInstance is the baseline the lock
// improves on: a store without it is refreshed once per instance.
func TestTokenWithoutLockRefreshesPerInstance(t *testing.T) {
	refreshes, _ := twoInstances(t, &memoryTokens{now: time.Now})
	assert.EqualValues(t, 2, refreshes, "one refresh per instance, each deduplicated in-process")
}

// TestTokenLockFailureStillRefreshes: a lock that cannot be taken does not
// stop the refresh.
func TestTokenLockFailureStillRefreshes(t *testing.T) {
	store := &lockingTokens{memoryTokens: memoryTokens{now: time.Now}, lockErr: errors.New("store down")}
	te, n := refreshCounter(t)
	src := &tokenSource{store: store, endpoint: te, timeout: time.Second, logger: slog.New(slog.DiscardHandler), now: time.Now}
	u := &User{AccessToken: "old", TokenExpires: time.Now().Add(-time.Minute), RefreshToken: "r"}
	tok, refreshed, err := src.token(context.Background(), u, "")
	require.NoError(t, err)
	assert.Equal(t, Secret("fresh"), tok)
	assert.True(t, refreshed)
	assert.EqualValues(t, 1, n.Load())
}

// A TokenStore of the app's own, maybe shared, holds the access tokens
// sealed with the session keys and bound to their key: the store alone
// gives no usable token, and one key's token does not open as another's.
func TestStoredTokensAreSealed(t *testing.T) {
	te, n := refreshCounter(t)
	codec, err := newCookieCodec(0, [][]byte{make([]byte, 32), make([]byte, 32)})
	require.NoError(t, err)
	store := &memoryTokens{now: time.Now}
	src := &tokenSource{store: store, endpoint: te, timeout: time.Second, logger: slog.New(slog.DiscardHandler), now: time.Now, codec: codec}
	u := &User{AccessToken: "old", TokenExpires: time.Now().Add(-time.Minute), RefreshToken: "r"}

	tok, fresh, err := src.token(context.Background(), u, "")
	require.NoError(t, err)
	assert.Equal(t, Secret("fresh"), tok)
	assert.True(t, fresh)
	kept, ok, err := store.Get(context.Background(), tokenKey("r"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.NotContains(t, kept.AccessToken.Reveal(), "fresh", "the store holds no usable token")

	tok, fresh, err = src.token(context.Background(), u, "")
	require.NoError(t, err)
	assert.Equal(t, Secret("fresh"), tok, "read back from the store")
	assert.False(t, fresh)
	assert.Equal(t, int32(1), n.Load())

	// Moved under another refresh token's key, it does not open: that
	// user's call refreshes instead.
	require.NoError(t, store.Put(context.Background(), tokenKey("r2"), kept))
	other := &User{AccessToken: "old", TokenExpires: time.Now().Add(-time.Minute), RefreshToken: "r2"}
	_, fresh, err = src.token(context.Background(), other, "")
	require.NoError(t, err)
	assert.True(t, fresh)
	assert.Equal(t, int32(2), n.Load())
}

// TestMemoryTokensBounded: the default store never holds more than its
// bound, and keeps what was just put.
func TestMemoryTokensBounded(t *testing.T) {
	now := time.Now()
	m := &memoryTokens{now: func() time.Time { return now }}
	ctx := context.Background()
	for i := range maxMemoryTokens + 10 {
		require.NoError(t, m.Put(ctx, strconv.Itoa(i), Token{AccessToken: "t", Expires: now.Add(time.Hour)}))
		require.LessOrEqual(t, len(m.m), maxMemoryTokens)
	}
	_, ok, err := m.Get(ctx, strconv.Itoa(maxMemoryTokens+9))
	require.NoError(t, err)
	assert.True(t, ok, "the last token put is kept")
}
