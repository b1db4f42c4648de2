package okauth_test

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// testKeys are fixed session keys for tests.
var testKeys = mustKeys("test secret that is at least thirty-two bytes long")

func mustKeys(secret string) [][]byte {
	k, err := okauth.DeriveKeys(secret)
	if err != nil {
		panic(err)
	}
	return k
}

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is an app on an httptest TLS server, wired to a fake OK.
type testEnv struct {
	OK   *oktest.Server
	App  *httptest.Server
	Auth *okauth.Auth
	Logs *syncBuffer
	Flow okauth.Flow
}

// flows are the two ways into a session that tests walk alike.
var flows = []okauth.Flow{okauth.FlowToken, okauth.FlowCode}

// fakeSecret is the application secret key every oktest server has.
var fakeSecret = oktest.NewUnstartedServer().AppSecret

// inFlow returns edit preceded by what flow needs: for the code flow,
// Config.Flow and the fake's AppSecret.
func inFlow(flow okauth.Flow, edit func(*okauth.Config)) func(*okauth.Config) {
	return func(c *okauth.Config) {
		if flow == okauth.FlowCode {
			c.Flow, c.AppSecret = okauth.FlowCode, fakeSecret
		}
		if edit != nil {
			edit(c)
		}
	}
}

// appHandler is the app under test: a public page, a protected page that
// prints the user, and a protected API call.
func appHandler(auth *okauth.Auth) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.HandleFunc("/public", func(w http.ResponseWriter, r *http.Request) {
		if u, ok := okauth.UserFrom(r.Context()); ok {
			io.WriteString(w, "public, signed in as "+u.UID)
			return
		}
		io.WriteString(w, "public, anonymous")
	})
	mux.Handle("/", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		io.WriteString(w, "hello "+u.Name+" uid="+u.UID+" path="+r.URL.Path)
	})))
	mux.Handle("/friends", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var friends []string
		if err := auth.Call(r.Context(), "friends.get", nil, &friends); err != nil {
			http.Error(w, err.Error(), okauth.StatusOf(err))
			return
		}
		io.WriteString(w, "friends="+strings.Join(friends, ","))
	})))
	mux.Handle("/perm", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		perm := r.URL.Query().Get("p")
		ok, err := auth.HasPermission(r.Context(), perm)
		if err != nil {
			http.Error(w, err.Error(), okauth.StatusOf(err))
			return
		}
		fmt.Fprintf(w, "claimed=%v verified=%v", u.HasPermission(perm), ok)
	})))
	mux.Handle("/photos", auth.RequireToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := auth.Call(r.Context(), "friends.get", nil, nil); err != nil {
			http.Error(w, err.Error(), okauth.StatusOf(err))
			return
		}
		io.WriteString(w, "live token")
	})))
	mux.Handle("/session", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		fmt.Fprintf(w, "expires=%d token_expires=%d account=%s extra=%v",
			u.Expires.Unix(), u.TokenExpires.Unix(), u.AccountID, u.Extra)
	})))
	return auth.Middleware(mux)
}

// newEnv starts a fake OK and an app using it; edit changes the config.
// Each before runs on the new Auth before the app serves its first
// request, which is the race-free moment to install test hooks.
func newEnv(t testing.TB, edit func(*okauth.Config), before ...func(*okauth.Auth)) *testEnv {
	t.Helper()
	ok := oktest.NewServer()
	t.Cleanup(ok.Close)
	app := httptest.NewUnstartedServer(nil)
	logs := &syncBuffer{}
	cfg := okauth.Config{
		AppID:       ok.AppID,
		AppKey:      ok.AppKey,
		RedirectURL: "https://" + app.Listener.Addr().String() + "/auth/ok/callback",
		Scopes:      []string{okauth.ScopeGetEmail},
		SessionKeys: testKeys,
		Endpoint:    ok.Endpoint(),
		Logger:      slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	auth, err := okauth.New(cfg)
	require.NoError(t, err)
	for _, f := range before {
		f(auth)
	}
	app.Config.Handler = appHandler(auth)
	app.StartTLS()
	t.Cleanup(app.Close)
	return &testEnv{OK: ok, App: app, Auth: auth, Logs: logs, Flow: cmp.Or(cfg.Flow, okauth.FlowToken)}
}

// Browser returns a client with its own cookie jar that does not follow
// redirects, so each step can be checked.
func (e *testEnv) Browser(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := e.App.Client()
	return &http.Client{
		Transport:     c.Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// get fetches path on the app (or an absolute URL) as a browser page load.
func get(t testing.TB, c *http.Client, rawURL string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// body reads resp's body.
func body(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// StartLogin asks the app to start a sign-in returning to next, follows the
// redirect through the fake OK's dialog and returns what OK put on the
// redirect back to the callback: the fragment, or in the code flow the
// query (an error is in the fragment in both).
func (e *testEnv) StartLogin(t testing.TB, c *http.Client, next string) url.Values {
	t.Helper()
	loginURL := e.App.URL + "/auth/ok/login"
	if next != "" {
		loginURL += "?next=" + url.QueryEscape(next)
	}
	resp := get(t, c, loginURL)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	dialog := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(dialog, e.OK.URL+"/oauth/authorize?"), dialog)
	resp = get(t, c, dialog)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "/auth/ok/callback", back.Path)
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
func (e *testEnv) Finish(t testing.TB, c *http.Client, params url.Values) *http.Response {
	t.Helper()
	if e.Flow == okauth.FlowCode && params.Get("error") == "" {
		return get(t, c, e.App.URL+"/auth/ok/callback?"+params.Encode())
	}
	return e.Relay(t, c, params)
}

// Relay does what fragment.js does in a browser: load the relay page (the
// fragment is not sent), then POST the fragment's parameters to it.
func (e *testEnv) Relay(t testing.TB, c *http.Client, frag url.Values) *http.Response {
	t.Helper()
	page := get(t, c, e.App.URL+"/auth/ok/callback")
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, body(t, page), `src="/auth/ok/fragment.js"`)
	return e.PostForm(t, c, "/auth/ok/callback", frag.Encode())
}

// PostForm POSTs an urlencoded body to path on the app.
func (e *testEnv) PostForm(t testing.TB, c *http.Client, path, form string) *http.Response {
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
func (e *testEnv) SignIn(t testing.TB, c *http.Client, next string) *http.Response {
	t.Helper()
	resp := e.Finish(t, c, e.StartLogin(t, c, next))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
	return resp
}

// sessionCookie returns the Set-Cookie of resp that names the session, or
// nil.
func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == sessionName {
			return c
		}
	}
	return nil
}

// jarSession is the session cookie the browser holds for the app, or "".
func (e *testEnv) jarSession(c *http.Client) string {
	u, _ := url.Parse(e.App.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionName {
			return ck.Value
		}
	}
	return ""
}

// sessionName is the session cookie's default name over https.
const sessionName = "__Host-okauth"

// stateName is the state cookie's name over https.
const stateName = "__Secure-okauth_state"

// logout signs browser c out through the logout route, as the site's own
// page would, requires the redirect, and returns the answer.
func logout(t *testing.T, e *testEnv, c *http.Client) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.App.URL+"/auth/ok/logout", nil)
	req.Header.Set("Origin", e.App.URL)
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	return resp
}
