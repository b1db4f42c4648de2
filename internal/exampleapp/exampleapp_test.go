package exampleapp

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
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

	cfg, err = Config(env(map[string]string{"OK_FLOW": "code", "OK_TOKEN_URL": "https://ok.example/token.do"}), "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.Equal(t, okauth.FlowCode, cfg.Flow)
	assert.Equal(t, "https://ok.example/token.do", cfg.Endpoint.TokenURL)
}
