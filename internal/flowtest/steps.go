package flowtest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// Get fetches path on the app (or an absolute URL) as a browser page load.
func Get(t testing.TB, c *http.Client, rawURL string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// Body reads resp's body.
func Body(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// StartLogin asks the app to start a sign-in returning to next, follows the
// redirect through the fake OK's dialog and returns what OK put on the
// redirect back to the callback: the fragment, or in the code flow the
// query (an error is in the fragment in both).
func (e *Env) StartLogin(t testing.TB, c *http.Client, next string) url.Values {
	t.Helper()
	loginURL := e.App.URL + e.Prefix + "/login"
	if next != "" {
		loginURL += "?next=" + url.QueryEscape(next)
	}
	resp := Get(t, c, loginURL)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	dialog := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(dialog, e.OK.URL+"/oauth/authorize?"), dialog)
	resp = Get(t, c, dialog)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, e.Prefix+"/callback", back.Path)
	params := back.EscapedFragment()
	if params == "" {
		params = back.RawQuery
	}
	frag, err := url.ParseQuery(params)
	require.NoError(t, err)
	return frag
}

// Finish ends a sign-in with what OK sent back, as a browser would: in the
// code flow, a code comes back in the callback's query; anything else
// comes in the fragment, for the relay page to POST.
func (e *Env) Finish(t testing.TB, c *http.Client, params url.Values) *http.Response {
	t.Helper()
	if e.Flow == okauth.FlowCode && params.Get("error") == "" {
		return Get(t, c, e.App.URL+e.Prefix+"/callback?"+params.Encode())
	}
	return e.Relay(t, c, params)
}

// Relay does what fragment.js does in a browser: load the relay page (the
// fragment is not sent), then POST the fragment's parameters to it.
func (e *Env) Relay(t testing.TB, c *http.Client, frag url.Values) *http.Response {
	t.Helper()
	page := Get(t, c, e.App.URL+e.Prefix+"/callback")
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, Body(t, page), `src="`+e.Prefix+`/fragment.js"`)
	return e.PostForm(t, c, e.Prefix+"/callback", frag.Encode())
}

// PostForm POSTs an urlencoded body to path on the app.
func (e *Env) PostForm(t testing.TB, c *http.Client, path, form string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.App.URL+path, strings.NewReader(form))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// SignIn runs a whole sign-in and requires it to succeed.
func (e *Env) SignIn(t testing.TB, c *http.Client, next string) *http.Response {
	t.Helper()
	resp := e.Finish(t, c, e.StartLogin(t, c, next))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, Body(t, resp))
	return resp
}

// SessionCookie returns the Set-Cookie of resp that names the session, or
// nil.
func SessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == SessionName {
			return c
		}
	}
	return nil
}

// LogoutWith signs browser c out through the logout route, as the site's
// own page would, requires the redirect, and returns the answer.
func (e *Env) LogoutWith(t testing.TB, c *http.Client) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.App.URL+e.Prefix+"/logout", nil)
	req.Header.Set("Origin", e.App.URL)
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	return resp
}
