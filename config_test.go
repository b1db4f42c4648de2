package okauth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

func validConfig() okauth.Config {
	return okauth.Config{
		AppID: "512000000001", AppKey: "CBAKEY", RedirectURL: "https://example.com/auth/ok/callback",
		SessionKeys: testKeys,
	}
}

// TestNewValidates: each bad field gets an error that wraps ErrConfig and
// names the field.
func TestNewValidates(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*okauth.Config)
		field string
	}{
		{"no app id", func(c *okauth.Config) { c.AppID = "" }, "AppID"},
		{"no app key", func(c *okauth.Config) { c.AppKey = "" }, "AppKey"},
		{"no redirect", func(c *okauth.Config) { c.RedirectURL = "" }, "RedirectURL"},
		{"relative redirect", func(c *okauth.Config) { c.RedirectURL = "/auth/ok/callback" }, "RedirectURL"},
		{"redirect path", func(c *okauth.Config) { c.RedirectURL = "https://example.com/cb" }, "RedirectURL"},
		{"redirect fragment", func(c *okauth.Config) { c.RedirectURL = "https://example.com/auth/ok/callback#x" }, "RedirectURL"},
		{"http without InsecureCookies", func(c *okauth.Config) { c.RedirectURL = "http://example.com/auth/ok/callback" }, "RedirectURL"},
		{"layout", func(c *okauth.Config) { c.Layout = "x" }, "Layout"},
		{"prefix", func(c *okauth.Config) { c.Prefix = "auth" }, "Prefix"},
		{"prefix /", func(c *okauth.Config) { c.Prefix = "/" }, `Prefix is "/"`},
		{"language", func(c *okauth.Config) { c.Language = "fr" }, `Language is "fr"`},
		{"messages", func(c *okauth.Config) { c.Messages = map[string]*okauth.Messages{"uk": nil} }, "Messages"},
		{"landing", func(c *okauth.Config) { c.LandingPath = "https://evil.example" }, "LandingPath"},
		{"logout path", func(c *okauth.Config) { c.LogoutPath = "//evil.example" }, "LogoutPath"},
		{"scope with separator", func(c *okauth.Config) { c.Scopes = []string{"A;B"} }, "Scopes"},
		{"no keys", func(c *okauth.Config) { c.SessionKeys = nil }, "SessionKeys"},
		{"odd keys", func(c *okauth.Config) { c.SessionKeys = testKeys[:1] }, "SessionKeys"},
		{"short hash key", func(c *okauth.Config) { c.SessionKeys = [][]byte{make([]byte, 16), make([]byte, 32)} }, "SessionKeys"},
		{"bad block key", func(c *okauth.Config) { c.SessionKeys = [][]byte{make([]byte, 32), make([]byte, 20)} }, "SessionKeys"},
		{"short session", func(c *okauth.Config) { c.SessionEndsWithToken, c.SessionLifetime = true, time.Second }, "SessionLifetime"},
		{"bad api url", func(c *okauth.Config) { c.Endpoint.APIURL = "ftp://x" }, "Endpoint.APIURL"},
		{"bad token url", func(c *okauth.Config) { c.Endpoint.TokenURL = "token.do" }, "Endpoint.TokenURL"},
		{"short lifetime", func(c *okauth.Config) { c.SessionLifetime = time.Second }, "SessionLifetime"},
		{"unknown flow", func(c *okauth.Config) { c.Flow = "implicit" }, "Flow"},
		{"code flow without secret", func(c *okauth.Config) { c.Flow = okauth.FlowCode }, "AppSecret"},
		// Without uid every sign-in failed as "OK.ru could not be reached".
		{"fields without uid", func(c *okauth.Config) { c.Fields = []string{"name", "email"} }, `lacks "uid"`},
		{"field with a comma", func(c *okauth.Config) { c.Fields = []string{"uid", "name,email"} }, "Fields"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := validConfig()
			tc.edit(&cfg)
			_, err := okauth.New(cfg)
			require.Error(t, err)
			assert.True(t, errors.Is(err, okauth.ErrConfig))
			assert.Contains(t, err.Error(), tc.field)
		})
	}
	_, err := okauth.New(validConfig())
	assert.NoError(t, err)

	cfg := validConfig()
	cfg.RedirectURL = "http://localhost:8080/auth/ok/callback"
	cfg.InsecureCookies = true
	_, err = okauth.New(cfg)
	assert.NoError(t, err, "plain http is allowed for development with InsecureCookies")
}

// TestDeriveKeys: the same secret gives the same usable keys; a short one
// is refused.
func TestDeriveKeys(t *testing.T) {
	a, err := okauth.DeriveKeys("0123456789abcdef0123456789abcdef")
	require.NoError(t, err)
	b, _ := okauth.DeriveKeys("0123456789abcdef0123456789abcdef")
	c, _ := okauth.DeriveKeys("0123456789abcdef0123456789abcdeX")
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
	require.Len(t, a, 2)
	assert.Len(t, a[0], 32)
	assert.Len(t, a[1], 32)
	assert.NotEqual(t, a[0], a[1])
	_, err = okauth.DeriveKeys("short")
	assert.ErrorIs(t, err, okauth.ErrConfig)
	_, err = okauth.DeriveKeys("")
	assert.ErrorContains(t, err, "DeriveKeys: the secret is 0 bytes", "the error names what refused it")
}
