package okauth_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// TestCodeFlowRedirectURLWithQuery: in the code flow, a RedirectURL with a
// query of its own still routes the callback by what OK sent. A Deny,
// which OK reports after "#", reaches the relay page and shows "Sign-in
// cancelled", writing no session and leaving the old one as it was; an
// Allow signs in with the query kept.
func TestCodeFlowRedirectURLWithQuery(t *testing.T) {
	e := newEnv(t, inFlow(okauth.FlowCode, func(c *okauth.Config) { c.RedirectURL += "?from=ok" }))
	c := e.Browser(t)

	t.Run("allow", func(t *testing.T) {
		params := e.StartLogin(t, c, "/account")
		assert.Equal(t, "ok", params.Get("from"))
		require.NotEmpty(t, params.Get("code"))
		resp := e.Finish(t, c, params)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
		assert.Equal(t, "/account", resp.Header.Get("Location"))
		require.NotEmpty(t, e.jarSession(c))
	})

	t.Run("deny", func(t *testing.T) {
		before := e.jarSession(c)
		require.NotEmpty(t, before)
		e.OK.SetAuthError("access_denied")
		frag := e.StartLogin(t, c, "/")
		require.Equal(t, "access_denied", frag.Get("error"))

		// The browser loads the callback without the fragment: only
		// RedirectURL's own query reaches the server.
		page := get(t, c, e.App.URL+"/auth/ok/callback?from=ok")
		require.Equal(t, http.StatusOK, page.StatusCode)
		require.Contains(t, body(t, page), `src="/auth/ok/fragment.js"`)

		resp := e.PostForm(t, c, "/auth/ok/callback", frag.Encode())
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Contains(t, body(t, resp), "Sign-in cancelled")
		assert.Nil(t, sessionCookie(resp), "no session cookie on failure")
		assert.Equal(t, before, e.jarSession(c), "the old session is untouched")
	})
}
