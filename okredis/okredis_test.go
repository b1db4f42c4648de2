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

// TestOpen: a URL that is not Redis's is a configuration error; a Redis
// that does not answer is ErrStoreUnavailable, at once.
func TestOpen(t *testing.T) {
	_, err := Open("http://127.0.0.1:1/", Options{})
	require.Error(t, err)
	assert.False(t, errors.Is(err, okauth.ErrStoreUnavailable), "%v", err)

	_, err = Open("redis://user:hunter2@127.0.0.1:bad port/0", Options{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2", "no password in the error")

	srv := redistest.Start(t)
	srv.Stop()
	start := time.Now()
	_, err = Open(srv.URL(), Options{})
	assert.ErrorIs(t, err, okauth.ErrStoreUnavailable)
	t.Logf("Open with Redis down failed after %v", time.Since(start))
}

// TestPrefixSeparatesApps: two apps on one Redis with their own Prefix
// never see or end each other's sessions.
func TestPrefixSeparatesApps(t *testing.T) {
	srv := redistest.Start(t)
	a, b := open(t, srv, Options{Prefix: "shop:"}).Sessions(), open(t, srv, Options{Prefix: "blog:"}).Sessions()
	ctx := context.Background()
	id := newID()
	require.NoError(t, a.Save(ctx, id, "1", []byte("shop session"), time.Now().Add(time.Hour)))
	_, err := b.Load(ctx, id)
	assert.ErrorIs(t, err, okauth.ErrNoSession)
	require.NoError(t, b.DeleteUser(ctx, "1"))
	require.NoError(t, b.Delete(ctx, id))
	got, err := a.Load(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "shop session", string(got))
}
