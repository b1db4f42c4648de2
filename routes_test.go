package okauth_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRoutes: methods, the relay page's headers and fragment.js.
func TestRoutes(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)

	resp := get(t, c, e.App.URL+"/auth/ok/callback")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self'")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
	page := body(t, resp)
	assert.Contains(t, page, "<noscript>")
	assert.NotContains(t, page, "<script>", "no inline script")

	resp = get(t, c, e.App.URL+"/auth/ok/fragment.js")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/javascript; charset=utf-8", resp.Header.Get("Content-Type"))
	js := body(t, resp)
	assert.Contains(t, js, "history.replaceState")
	assert.Contains(t, js, `form.method = "POST"`)

	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodPut, "/auth/ok/logout", "GET, HEAD, POST"},
		{http.MethodPost, "/auth/ok/login", "GET, HEAD"},
		{http.MethodPut, "/auth/ok/callback", "GET, HEAD, POST"},
	} {
		req, _ := http.NewRequest(tc.method, e.App.URL+tc.path, nil)
		resp, err := c.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, tc.method+" "+tc.path)
		assert.Equal(t, tc.allow, resp.Header.Get("Allow"))
	}
	resp = get(t, c, e.App.URL+"/auth/ok/nothing")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
