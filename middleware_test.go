package okauth_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestFullFlow walks sign-in → protected page → API call → logout over
// real HTTP, with a cookie jar and the fake OK, in each flow: with the
// relay POST (token flow) or the code in the callback's query (code flow).
func TestFullFlow(t *testing.T) {
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) { testFullFlow(t, flow) })
	}
}

func testFullFlow(t *testing.T, flow okauth.Flow) {
	e := newEnv(t, inFlow(flow, nil))
	e.OK.HandleMethod("friends.get", func(tok *oktest.Token, _ map[string]string) (any, error) {
		return []string{"111", "222"}, nil
	})
	c := e.Browser(t)

	// An anonymous browser is sent to sign in, remembering where it was.
	resp := get(t, c, e.App.URL+"/account?tab=1")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	loc := resp.Header.Get("Location")
	require.Equal(t, "/auth/ok/login?next="+url.QueryEscape("/account?tab=1"), loc)

	frag := e.StartLogin(t, c, "/account?tab=1")
	want := []string{"access_token", "session_secret_key", "state", "expires_in"}
	if flow == okauth.FlowCode {
		want = []string{"code", "state"}
		assert.Empty(t, frag.Get("access_token"), "no token reaches the browser")
	}
	for _, k := range want {
		require.NotEmpty(t, frag.Get(k), k)
	}
	callsBefore, tokenCallsBefore := e.OK.APICalls(), e.OK.TokenCalls()
	resp = e.Finish(t, c, frag)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
	assert.Equal(t, "/account?tab=1", resp.Header.Get("Location"))
	assert.Equal(t, 1, e.OK.APICalls()-callsBefore, "the callback makes exactly one call to OK's API")
	wantTokenCalls := 0
	if flow == okauth.FlowCode {
		wantTokenCalls = 1
	}
	assert.Equal(t, wantTokenCalls, e.OK.TokenCalls()-tokenCallsBefore, "calls to OK's token endpoint")

	ck := sessionCookie(resp)
	require.NotNil(t, ck, "a session cookie is set")
	assert.True(t, ck.HttpOnly)
	assert.True(t, ck.Secure)
	assert.Equal(t, http.SameSiteLaxMode, ck.SameSite)
	assert.Equal(t, "/", ck.Path)
	week := 7 * 24 * 60 * 60
	assert.Greater(t, ck.MaxAge, week-60, "the session lasts SessionLifetime (7 days), not the token's 30 minutes")
	assert.LessOrEqual(t, ck.MaxAge, week)
	assert.Less(t, len(ck.String()), 1024, "the whole Set-Cookie stays under 1 KB")

	// The protected page sees the user OK named.
	resp = get(t, c, e.App.URL+"/account?tab=1")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hello Иван Петров uid=574385021466 path=/account", body(t, resp))

	// The API call goes out signed as the user.
	resp = get(t, c, e.App.URL+"/friends")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "friends=111,222", body(t, resp))

	// Logout ends the session and goes to /.
	resp = logout(t, e, c)
	assert.Equal(t, "/", resp.Header.Get("Location"))
	require.NotNil(t, sessionCookie(resp))
	assert.Less(t, sessionCookie(resp).MaxAge, 0, "logout deletes the cookie")
	assert.Empty(t, e.jarSession(c))

	resp = get(t, c, e.App.URL+"/account")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "signed out again")

	logs := e.Logs.String()
	assert.Contains(t, logs, "okauth: signed in")
	for _, k := range []string{"access_token", "session_secret_key", "code"} {
		if v := frag.Get(k); v != "" {
			assert.NotContains(t, logs, v)
		}
	}
}

// TestTwoTabs starts two sign-ins in one browser and finishes them in the
// opposite order: each has its own state, so both succeed.
func TestTwoTabs(t *testing.T) {
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) {
			e := newEnv(t, inFlow(flow, nil))
			c := e.Browser(t)
			first := e.StartLogin(t, c, "/one")
			second := e.StartLogin(t, c, "/two")
			require.NotEqual(t, first.Get("state"), second.Get("state"))

			resp := e.Finish(t, c, second)
			require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
			assert.Equal(t, "/two", resp.Header.Get("Location"))
			resp = e.Finish(t, c, first)
			require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
			assert.Equal(t, "/one", resp.Header.Get("Location"))
		})
	}
}

// TestCallbackFailures: every bad callback gets its status and message, no
// session cookie, and the session the browser already had stays as it was.
func TestCallbackFailures(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(e *testEnv)
		form    func(frag url.Values) string
		status  int
		message string
	}{
		{name: "user refused", setup: func(e *testEnv) { e.OK.SetAuthError("access_denied") },
			status: http.StatusForbidden, message: "You did not allow this site"},
		{name: "state missing", form: func(f url.Values) string { f.Del("state"); return f.Encode() },
			status: http.StatusBadRequest, message: "was not started in this browser"},
		{name: "state wrong", form: func(f url.Values) string { f.Set("state", "AAAA"+f.Get("state")[4:]); return f.Encode() },
			status: http.StatusBadRequest, message: "was not started in this browser"},
		{name: "token missing", form: func(f url.Values) string { f.Del("access_token"); return f.Encode() },
			status: http.StatusBadRequest, message: "answer was incomplete"},
		{name: "token expired at OK", setup: func(e *testEnv) { e.OK.SetAPIError(okauth.CodeSessionExpired) },
			status: http.StatusUnauthorized, message: "did not accept the sign-in token"},
		{name: "OK down", setup: func(e *testEnv) { e.OK.SetFault(oktest.FaultHTTP503) },
			status: http.StatusBadGateway, message: "OK.ru could not be reached"},
		{name: "OK answers HTML", setup: func(e *testEnv) { e.OK.SetFault(oktest.FaultHTML) },
			status: http.StatusBadGateway, message: "OK.ru could not be reached"},
		{name: "repeated field", form: func(f url.Values) string { return f.Encode() + "&state=" + f.Get("state") },
			status: http.StatusBadRequest, message: "could not be read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.Browser(t)
			e.SignIn(t, c, "/")
			before := e.jarSession(c)
			require.NotEmpty(t, before)

			if tc.setup != nil {
				tc.setup(e)
			}
			frag := e.StartLogin(t, c, "/")
			form := frag.Encode()
			if tc.form != nil {
				form = tc.form(frag)
			}
			resp := e.PostForm(t, c, "/auth/ok/callback", form)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Contains(t, body(t, resp), tc.message)
			assert.Nil(t, sessionCookie(resp), "no session cookie on failure")
			assert.Equal(t, before, e.jarSession(c), "the old session is untouched")
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			if tok := frag.Get("access_token"); tok != "" {
				assert.NotContains(t, e.Logs.String(), tok)
			}
		})
	}
}

// TestNextIsSameSite: a next that could leave the site falls back to the
// landing path; a good one is kept.
func TestNextIsSameSite(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) { c.LandingPath = "/home" })
	for _, tc := range []struct{ next, want string }{
		{"/account?x=1#top", "/account?x=1#top"},
		{"//evil.example", "/home"},
		{`/\evil.example`, "/home"},
		{"https://evil.example/", "/home"},
		{"javascript:alert(1)", "/home"},
		{"/ok\r\nSet-Cookie: x=1", "/home"},
		{"/tab\there", "/home"},
		{"", "/home"},
	} {
		t.Run(tc.next, func(t *testing.T) {
			c := e.Browser(t)
			resp := e.SignIn(t, c, tc.next)
			assert.Equal(t, tc.want, resp.Header.Get("Location"))
		})
	}
}

// TestRequireLogin: browsers are redirected, API clients get 401 JSON.
func TestRequireLogin(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)

	req, _ := http.NewRequest(http.MethodGet, e.App.URL+"/api/me", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var got map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	assert.Equal(t, "not signed in", got["error"])
	assert.Equal(t, "/auth/ok/login?next=%2Fapi%2Fme", got["login_url"])

	resp = get(t, c, e.App.URL+"/public")
	assert.Equal(t, "public, anonymous", body(t, resp))
	e.SignIn(t, c, "/")
	resp = get(t, c, e.App.URL+"/public")
	assert.Equal(t, "public, signed in as 574385021466", body(t, resp))
}

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
		{http.MethodGet, "/auth/ok/logout", "POST"},
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

// TestLogoutRefusesCrossOrigin: a POST from another site cannot sign the
// user out.
func TestLogoutRefusesCrossOrigin(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	before := e.jarSession(c)

	req, _ := http.NewRequest(http.MethodPost, e.App.URL+"/auth/ok/logout", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body(t, resp), "came from another site")
	assert.Nil(t, sessionCookie(resp))
	assert.Equal(t, before, e.jarSession(c))
}
