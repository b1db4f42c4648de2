package okredis

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/redis/rueidis"
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
	id := sid("1")
	require.NoError(t, a.Save(ctx, id, "1", []byte("shop session"), time.Now().Add(time.Hour)))
	_, err := b.Load(ctx, id)
	assert.ErrorIs(t, err, okauth.ErrNoSession)
	require.NoError(t, b.DeleteUser(ctx, "1"))
	require.NoError(t, b.Delete(ctx, id))
	got, err := a.Load(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "shop session", string(got))
}

// TestURLForms: each form of URL Open documents names the deployment it
// should, with its TLS and credentials; Configure sees what the URL said
// and adds what it cannot say; a Prefix with a brace is refused.
func TestURLForms(t *testing.T) {
	opts := Options{}.withDefaults()
	single, err := clientOption("rediss://app:pw1@redis.example:6380/2", opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"redis.example:6380"}, single.InitAddress)
	assert.Equal(t, 2, single.SelectDB)
	assert.Equal(t, "redis.example", single.TLSConfig.ServerName)
	assert.Equal(t, [2]string{"app", "pw1"}, [2]string{single.Username, single.Password})
	assert.Empty(t, single.Sentinel.MasterSet)

	cluster, err := clientOption("rediss://app:pw2@n1:7000?addr=n2:7000&addr=n3:7000", opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"n1:7000", "n2:7000", "n3:7000"}, cluster.InitAddress)
	assert.Empty(t, cluster.TLSConfig.ServerName, "each node is checked under its own name")
	assert.Equal(t, [2]string{"app", "pw2"}, [2]string{cluster.Username, cluster.Password})

	var seen rueidis.ClientOption
	sentinel, err := clientOption("rediss://app:pw3@s1:26379?addr=s2:26379&addr=s3:26379&master_set=main",
		Options{Configure: func(co *rueidis.ClientOption) {
			seen = *co
			co.Sentinel.Password = "sentinel secret"
		}}.withDefaults())
	require.NoError(t, err)
	assert.Equal(t, []string{"s1:26379", "s2:26379", "s3:26379"}, sentinel.InitAddress)
	assert.Equal(t, "main", sentinel.Sentinel.MasterSet)
	assert.Equal(t, [2]string{"app", "pw3"}, [2]string{sentinel.Username, sentinel.Password}, "the primary's credentials")
	assert.Equal(t, "sentinel secret", sentinel.Sentinel.Password)
	require.NotNil(t, sentinel.Sentinel.TLSConfig, "rediss: the sentinels speak TLS too")
	assert.Equal(t, "pw3", seen.Password, "Configure sees what the URL said")
	assert.True(t, sentinel.DisableRetry, "okredis's settings come after Configure")

	_, err = Open("redis://127.0.0.1:1", Options{Prefix: "app{1}:"})
	assert.ErrorContains(t, err, "brace")
}

// TestOpenTLSWithPassword: a rediss:// URL with a password reaches a
// Redis that speaks only TLS and requires the password, its certificate
// trusted through Options.Configure; without that trust, or with a wrong
// password, Open fails as Redis unavailable, naming no password.
func TestOpenTLSWithPassword(t *testing.T) {
	srv := redistest.StartTLS(t, "s3cret-pass")
	trust := func(o *rueidis.ClientOption) { o.TLSConfig.RootCAs = srv.CAs }
	c, err := Open(srv.URL(), Options{Configure: trust})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	ctx := context.Background()
	id := sid("app:1")
	require.NoError(t, c.Sessions().Save(ctx, id, "app:1", []byte("over TLS"), time.Now().Add(time.Hour)))
	got, err := c.Sessions().Load(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "over TLS", string(got))

	_, err = Open(srv.URL(), Options{})
	assert.ErrorIs(t, err, okauth.ErrStoreUnavailable, "a certificate not trusted")
	wrong := strings.Replace(srv.URL(), "s3cret-pass", "wrong-pass", 1)
	_, err = Open(wrong, Options{Configure: trust})
	require.ErrorIs(t, err, okauth.ErrStoreUnavailable, "a wrong password")
	assert.NotContains(t, err.Error(), "wrong-pass")
}
