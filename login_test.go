package okauth_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// TestLoginRedirect checks the dialog URL okauth builds.
func TestLoginRedirect(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) {
		c.Scopes = []string{okauth.ScopeValuableAccess, okauth.ScopeLongAccessToken}
		c.Layout = okauth.LayoutMobile
	})
	resp := get(t, e.Browser(t), e.App.URL+"/auth/ok/login")
	require.Equal(t, http.StatusFound, resp.StatusCode)
	u, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	q := u.Query()
	assert.Equal(t, e.OK.AppID, q.Get("client_id"))
	assert.Equal(t, "VALUABLE_ACCESS;LONG_ACCESS_TOKEN", q.Get("scope"))
	assert.Equal(t, "token", q.Get("response_type"))
	assert.Equal(t, "m", q.Get("layout"))
	assert.Equal(t, e.App.URL+"/auth/ok/callback", q.Get("redirect_uri"))
	assert.Len(t, q.Get("state"), 43, "32 random bytes, base64url")

	var stateCookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == stateName {
			stateCookie = ck
		}
	}
	require.NotNil(t, stateCookie)
	assert.Equal(t, "/auth/ok", stateCookie.Path, "seen by both /login and /callback")
	assert.Equal(t, 600, stateCookie.MaxAge)
	assert.True(t, stateCookie.HttpOnly)
	assert.True(t, stateCookie.Secure)
	assert.Equal(t, http.SameSiteLaxMode, stateCookie.SameSite)
	assert.NotContains(t, stateCookie.Value, q.Get("state"), "the state cookie is encrypted")
}
