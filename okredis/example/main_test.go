package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest"
)

// TestExampleKeepsStateInRedis runs the example as `go run
// ./okredis/example` would, with REDIS_URL, walks its site through the
// embedded fake OK, and checks that the session, the used state and the
// credited payment are in Redis, and that signing out deleted the session
// there.
func TestExampleKeepsStateInRedis(t *testing.T) {
	srv := redistest.Start(t)
	rc, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true})
	require.NoError(t, err)
	defer rc.Close()
	keys := func(pattern string) []string {
		k, err := rc.Do(context.Background(), rc.B().Keys().Pattern(pattern).Build()).AsStrSlice()
		require.NoError(t, err)
		return k
	}
	var stages []string
	flowtest.ExampleRun(t, run, func(stage string) {
		stages = append(stages, stage)
		switch stage {
		case "signed in":
			assert.Len(t, keys("okauth:s:*"), 1, "the session")
			assert.Len(t, keys("okauth:r:*"), 1, "the used state")
		case "paid":
			pay := keys("okauth:okpay:*")
			require.Len(t, pay, 1)
			v, err := rc.Do(context.Background(), rc.B().Get().Key(pay[0]).Build()).ToString()
			require.NoError(t, err)
			assert.Equal(t, "credited", v)
		case "signed out":
			assert.Empty(t, keys("okauth:s:*"), "sign-out ended the session in Redis")
		}
	}, "REDIS_URL", srv.URL())
	assert.Equal(t, []string{"signed in", "paid", "signed out"}, stages)
}

// TestExampleOnSentinelAndCluster: the example runs its site (sign-in,
// payment, sign-out) on a Sentinel set and on a Cluster with REDIS_URL
// alone.
func TestExampleOnSentinelAndCluster(t *testing.T) {
	for name, start := range map[string]func(testing.TB) string{
		"sentinel": func(t testing.TB) string { return redistest.StartSentinel(t).URL() },
		"cluster":  func(t testing.TB) string { return redistest.StartCluster(t).URL() },
	} {
		t.Run(name, func(t *testing.T) {
			var stages []string
			flowtest.ExampleRun(t, run, func(stage string) { stages = append(stages, stage) }, "REDIS_URL", start(t))
			assert.Equal(t, []string{"signed in", "paid", "signed out"}, stages)
		})
	}
}

// TestExampleWithoutRedis: with no Redis at REDIS_URL the example says so
// and stops, without the URL's password.
func TestExampleWithoutRedis(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	err := run(t.Context(), func(k string) string {
		if k == "REDIS_URL" {
			return "redis://user:hunter2@" + srv.Addr() + "/0"
		}
		return ""
	}, nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no Redis at redis://user:xxxxx@"+srv.Addr())
	assert.NotContains(t, err.Error(), "hunter2")
}

// TestSignOutEverywhere: POST /account/everywhere ends every session of
// the user, not only the browser's that asked; a cross-site POST is
// refused.
func TestSignOutEverywhere(t *testing.T) {
	fake := oktest.NewServer()
	defer fake.Close()
	keys, err := okauth.DeriveKeys("a test secret of at least 32 bytes!")
	require.NoError(t, err)
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, Endpoint: fake.Endpoint(), SessionKeys: keys,
		RedirectURL: "https://app.example/auth/ok/callback", SessionStore: okauth.NewMemorySessions(),
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	app := routes(auth)
	laptop, err := fake.SignIn(app, "/auth/ok/login", oktest.DefaultUser)
	require.NoError(t, err)
	phone, err := fake.SignIn(app, "/auth/ok/login", oktest.DefaultUser)
	require.NoError(t, err)
	do := func(method, path, origin string, cookies []*http.Cookie) int {
		req := httptest.NewRequest(method, "https://app.example"+path, nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		return rec.Code
	}
	require.Equal(t, http.StatusOK, do("GET", "/account", "", phone))
	assert.Equal(t, http.StatusForbidden, do("POST", "/account/everywhere", "https://evil.example", laptop), "cross-site")
	require.Equal(t, http.StatusOK, do("GET", "/account", "", phone))
	require.Equal(t, http.StatusSeeOther, do("POST", "/account/everywhere", "https://app.example", laptop))
	assert.NotEqual(t, http.StatusOK, do("GET", "/account", "", phone), "the phone is signed out too")
	assert.NotEqual(t, http.StatusOK, do("GET", "/account", "", laptop))
}
