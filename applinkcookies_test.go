package okauth_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// TestAppLinkCookiesStaySecure: with InsecureCookies, the session cookie
// loses Secure and its prefix, but the App link's cookies keep both: the
// partitioned session a launch inside ok.ru starts (a SameSite=None,
// Partitioned cookie is kept only when Secure) and the confirmation of a
// launch opened at top level.
func TestAppLinkCookiesStaySecure(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) {
		c.AppLink, c.AppSecret, c.InsecureCookies = &okauth.AppLink{LandingPath: "/game"}, fakeSecret, true
	})
	e.OK.SetUser(launchUser)

	own := cookieNamed(e.SignIn(t, e.Browser(t), "/"), "okauth")
	require.NotNil(t, own, "the session cookie has no prefix")
	assert.False(t, own.Secure, "the session cookie is not Secure")

	resp := launch(t, e, e.Browser(t), e.OK.LaunchParams(launchUser).Encode())
	body(t, resp)
	app := cookieNamed(resp, appSessionName)
	require.NotNil(t, app, "the App link's cookie keeps its __Host- name")
	assert.True(t, app.Secure, "the App link's cookie is Secure")
	assert.Contains(t, strings.Join(resp.Header.Values("Set-Cookie"), "\n"), "; Partitioned")

	resp = do(t, e.Browser(t), http.MethodGet, e.App.URL+"/auth/ok/app?"+e.OK.LaunchParams(launchUser).Encode(), nil, typedIn)
	body(t, resp)
	confirm := cookieNamed(resp, confirmName)
	require.NotNil(t, confirm, "the confirmation cookie keeps its __Host- name")
	assert.True(t, confirm.Secure, "the confirmation cookie is Secure")
}
