package exampleapp

import (
	"bytes"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfig: SESSION_KEY is checked, its absence is logged, and plain
// http is allowed only on loopback.
func TestConfig(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	_, err := Config(env(map[string]string{"SESSION_KEY": "short"}), "http://localhost:8080", logger)
	assert.ErrorContains(t, err, "SESSION_KEY")

	cfg, err := Config(env(map[string]string{"OK_REDIRECT_URL": "http://example.com/auth/ok/callback"}), "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.False(t, cfg.InsecureCookies, "never insecure cookies off loopback")

	logs.Reset()
	cfg, err = Config(env(nil), "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.True(t, cfg.InsecureCookies)
	assert.Equal(t, "http://localhost:8080/auth/ok/callback", cfg.RedirectURL)
	assert.Contains(t, logs.String(), "sessions end when the example restarts")

	logs.Reset()
	cfg, err = Config(env(map[string]string{"SESSION_KEY": "a fixed secret of thirty-two bytes+"}), "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.NotContains(t, logs.String(), "sessions end")
	again, _ := Config(env(map[string]string{"SESSION_KEY": "a fixed secret of thirty-two bytes+"}), "http://localhost:8080", logger)
	assert.Equal(t, cfg.SessionKeys, again.SessionKeys, "a fixed SESSION_KEY keeps sessions across restarts")
}

// TestServerTimeouts: every phase of a request has a deadline (issue 9: 50
// connections sending a callback body a byte every 15 s stayed open for
// minutes when only the header had one).
func TestServerTimeouts(t *testing.T) {
	srv := server(http.NotFoundHandler())
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": srv.ReadHeaderTimeout,
		"ReadTimeout": srv.ReadTimeout, "WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout} {
		assert.Positive(t, d, name)
		assert.LessOrEqual(t, d, 2*time.Minute, name)
	}
	assert.Greater(t, srv.WriteTimeout, 10*time.Second, "room for the callback's call to OK (okauth's Timeout)")
}
