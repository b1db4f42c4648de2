package flowtest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// OwnPolicy is a page's own Content-Security-Policy, which forbids every
// frame, for the adapters' Frameable tests.
const OwnPolicy = "default-src 'self'; frame-ancestors 'none'"

// NewFramingAuth is an Auth with an App link whose pages
// https://site.test may frame.
func NewFramingAuth(t testing.TB) *okauth.Auth {
	t.Helper()
	auth, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K",
		RedirectURL: "https://example.com/auth/ok/callback", SessionKeys: Keys,
		AppSecret: "s", AppLink: &okauth.AppLink{FrameAncestors: []string{"https://site.test"}}})
	require.NoError(t, err)
	return auth
}

// FramedPolicy is the Content-Security-Policy header lines that
// auth.Frameable sends for a page with OwnPolicy and X-Frame-Options DENY.
func FramedPolicy(t testing.TB, auth *okauth.Auth) []string {
	t.Helper()
	w := httptest.NewRecorder()
	auth.Frameable(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", OwnPolicy)
		w.Header().Set("X-Frame-Options", "DENY")
		w.WriteHeader(http.StatusOK)
	})).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	policy := w.Result().Header.Values("Content-Security-Policy")
	require.Equal(t, []string{"default-src 'self'; frame-ancestors https://site.test"}, policy)
	require.Empty(t, w.Result().Header.Values("X-Frame-Options"))
	return policy
}
