// Package flowtest is the one harness of okauth's tests: a fake OK, an
// app served over real HTTP (TLS by default, or loopback HTTP), and
// browser-like clients (a cookie jar, redirects not followed) that walk
// the whole sign-in, in the token flow or the code flow. The root
// package's tests, oktest/storetest, the adapter modules (okgin/, okecho/)
// and the examples' tests share it, so each tests the same flow through
// its own router; LogBuffer is the one log sink they and the e2e module
// read while handlers write it.
package flowtest

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// Keys are the session keys of every app Start starts.
var Keys = MustKeys("test secret that is at least thirty-two bytes long")

// MustKeys derives session keys from secret, or panics.
func MustKeys(secret string) [][]byte {
	k, err := okauth.DeriveKeys(secret)
	if err != nil {
		panic(err)
	}
	return k
}

// Flows are the two ways into a session that tests walk alike.
var Flows = []okauth.Flow{okauth.FlowToken, okauth.FlowCode}

// FakeSecret is the application secret key every oktest server has.
var FakeSecret = oktest.NewUnstartedServer().AppSecret

// InFlow returns edit preceded by what flow needs: for the code flow,
// Config.Flow and the fake's AppSecret.
func InFlow(flow okauth.Flow, edit func(*okauth.Config)) func(*okauth.Config) {
	return func(c *okauth.Config) {
		if flow == okauth.FlowCode {
			c.Flow, c.AppSecret = okauth.FlowCode, FakeSecret
		}
		if edit != nil {
			edit(c)
		}
	}
}

// Env is a fake OK and an app, on a TLS test server, signing in with it.
type Env struct {
	OK     *oktest.Server
	App    *httptest.Server
	Auth   *okauth.Auth
	Logs   *LogBuffer  // the Auth's log, debug included
	Flow   okauth.Flow // Config.Flow, FlowToken when unset
	Prefix string      // Config.Prefix: where okauth's routes are
}

// Start starts a fake OK and an app whose handler routes builds from the
// Auth (nil: DefaultApp). The Config signs in with the fake, asks for the
// e-mail scope, uses Keys and logs into Env.Logs; edit, if not nil,
// changes it first. RedirectURL follows the Prefix edit sets unless edit
// sets RedirectURL too. Each before runs on the new Auth before the app
// serves its first request, the race-free moment to install test hooks.
func Start(t testing.TB, edit func(*okauth.Config), routes func(*okauth.Auth) http.Handler, before ...func(*okauth.Auth)) *Env {
	t.Helper()
	return StartWith(t, Options{}, edit, routes, before...)
}

// Options change where Start serves the app and which fake OK it uses.
type Options struct {
	// OK is the fake OK to sign in with, shared by several apps (the
	// instances of one app); nil starts one for this app alone.
	OK *oktest.Server
	// Plain serves the app over loopback HTTP instead of TLS.
	Plain bool
}

// StartWith is Start with options.
func StartWith(t testing.TB, o Options, edit func(*okauth.Config), routes func(*okauth.Auth) http.Handler, before ...func(*okauth.Auth)) *Env {
	t.Helper()
	ok := o.OK
	if ok == nil {
		ok = oktest.NewServer()
		t.Cleanup(ok.Close)
	}
	app := httptest.NewUnstartedServer(nil)
	logs := &LogBuffer{}
	origin := "https://" + app.Listener.Addr().String()
	cfg := okauth.Config{
		AppID:       ok.AppID,
		AppKey:      ok.AppKey,
		RedirectURL: origin + defaultPrefix + "/callback",
		Scopes:      []string{okauth.ScopeGetEmail},
		SessionKeys: Keys,
		Endpoint:    ok.Endpoint(),
		Logger:      Logger(logs),
	}
	if edit != nil {
		edit(&cfg)
	}
	prefix := cmp.Or(cfg.Prefix, defaultPrefix)
	if cfg.RedirectURL == origin+defaultPrefix+"/callback" {
		cfg.RedirectURL = origin + prefix + "/callback"
	}
	auth, err := okauth.New(cfg)
	require.NoError(t, err)
	for _, f := range before {
		f(auth)
	}
	if routes == nil {
		routes = DefaultApp
	}
	app.Config.Handler = routes(auth)
	if o.Plain {
		app.Start()
	} else {
		app.StartTLS()
	}
	t.Cleanup(app.Close)
	return &Env{OK: ok, App: app, Auth: auth, Logs: logs, Flow: cmp.Or(cfg.Flow, okauth.FlowToken), Prefix: prefix}
}

// defaultPrefix is Config.Prefix's default.
const defaultPrefix = "/auth/ok"

// SessionName is the session cookie's default name over https.
const SessionName = "__Host-okauth"

// StateName is the state cookie's name over https.
const StateName = "__Secure-okauth_state"

// JarSession is the session cookie c's jar holds for the app, or "".
func (e *Env) JarSession(c *http.Client) string {
	u, _ := url.Parse(e.App.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == SessionName {
			return ck.Value
		}
	}
	return ""
}

// Browser is one browser: its own cookie jar, and redirects are returned
// rather than followed so each step can be checked.
type Browser struct {
	t      testing.TB
	env    *Env
	Client *http.Client
}

// Browser returns a new browser for the app.
func (e *Env) Browser(t testing.TB) *Browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &Browser{t: t, env: e, Client: &http.Client{
		Transport:     e.App.Client().Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Response is an answer with its body read.
type Response struct {
	*http.Response
	Text string
}

// Do sends a request to target (a path on the app, or an absolute URL)
// with the given Accept header and, if form is not empty, a urlencoded
// body sent from the app's own origin.
func (b *Browser) Do(method, target, accept, form string) Response {
	b.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = b.env.App.URL + target
	}
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequest(method, target, body)
	require.NoError(b.t, err)
	req.Header.Set("Accept", accept)
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.env.App.URL)
	}
	resp, err := b.Client.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return Response{Response: resp, Text: string(text)}
}

// Page loads path as a browser page load.
func (b *Browser) Page(path string) Response {
	b.t.Helper()
	return b.Do(http.MethodGet, path, "text/html", "")
}

// SignIn signs in, step by step, returning to next: the login route
// redirects to OK's dialog, the dialog redirects to the callback with the
// token in the fragment, the relay page loads with fragment.js, and the
// relay's POST starts a session and redirects to next.
func (b *Browser) SignIn(next string) {
	b.t.Helper()
	t, e := b.t, b.env
	frag := e.StartLogin(t, b.Client, next)
	require.NotEmpty(t, frag.Get("access_token"))
	script := b.Page(e.Prefix + "/fragment.js")
	require.Equal(t, http.StatusOK, script.StatusCode)
	require.Contains(t, script.Header.Get("Content-Type"), "javascript")
	done := e.Relay(t, b.Client, frag)
	require.Equal(t, http.StatusSeeOther, done.StatusCode, Body(t, done))
	require.Equal(t, next, done.Header.Get("Location"))
	require.NotEmpty(t, b.Session(), "no session cookie after sign-in")
}

// Logout signs out with the logout route's POST.
func (b *Browser) Logout() {
	b.t.Helper()
	resp := b.Do(http.MethodPost, b.env.Prefix+"/logout", "text/html", "x=1")
	require.Equal(b.t, http.StatusSeeOther, resp.StatusCode, resp.Text)
	require.Empty(b.t, b.Session(), "session cookie kept after logout")
}

// Session is the session cookie the browser holds, or "".
func (b *Browser) Session() string {
	return b.env.JarSession(b.Client)
}

// AsksForSignIn requires that path, loaded by a browser, redirects to the
// login route with path as next, and that an API client gets 401 JSON
// naming the same login URL.
func (b *Browser) AsksForSignIn(path string) {
	b.t.Helper()
	login := b.env.Prefix + "/login?next=" + url.QueryEscape(path)
	page := b.Page(path)
	require.Equal(b.t, http.StatusSeeOther, page.StatusCode, page.Text)
	require.Equal(b.t, login, page.Header.Get("Location"))
	api := b.Do(http.MethodGet, path, "application/json", "")
	require.Equal(b.t, http.StatusUnauthorized, api.StatusCode, api.Text)
	require.Equal(b.t, "application/json", api.Header.Get("Content-Type"))
	require.JSONEq(b.t, `{"error":"not_signed_in","message":"Please sign in with OK.ru first.","login_url":"`+login+`"}`, api.Text)
}

// Walk is the whole story on protected, a page that must print "uid=" and
// the signed-in user's uid: it asks an anonymous browser to sign in, shows
// the user after sign-in, and asks again after logout.
func (e *Env) Walk(t testing.TB, protected string) {
	t.Helper()
	b := e.Browser(t)
	b.AsksForSignIn(protected)
	b.SignIn(protected)
	page := b.Page(protected)
	require.Equal(t, http.StatusOK, page.StatusCode, page.Text)
	require.Contains(t, page.Text, "uid="+oktest.DefaultUser.UID)
	b.Logout()
	b.AsksForSignIn(protected)
}

// NewAuth is an Auth for tests that make no requests.
func NewAuth(t testing.TB) *okauth.Auth {
	t.Helper()
	keys, err := okauth.DeriveKeys("a secret that is at least thirty-two bytes long")
	require.NoError(t, err)
	auth, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K",
		RedirectURL: "https://example.com/auth/ok/callback", SessionKeys: keys})
	require.NoError(t, err)
	return auth
}

// WhoAmI is a plain net/http handler that sees only the request: it writes
// "request_uid=" and the uid on the request's context, or "anonymous".
var WhoAmI = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if u, ok := okauth.UserFrom(r.Context()); ok {
		_, _ = io.WriteString(w, "request_uid="+u.UID)
		return
	}
	_, _ = io.WriteString(w, "anonymous")
})

// ShowUser is what the adapters' test pages write: the uid as the
// adapter's User, its context key and the request's context each see it,
// and the error of calling OK as the user with the request's context.
func ShowUser(user, keyed, onRequest okauth.User, callErr error) string {
	return fmt.Sprintf("uid=%s key_uid=%s request_uid=%s friends_err=%v", user.UID, keyed.UID, onRequest.UID, callErr)
}

// SignedInPage requires that text, written by ShowUser, shows the fake's
// user every way and a successful call.
func SignedInPage(t testing.TB, text string) {
	t.Helper()
	uid := oktest.DefaultUser.UID
	require.Equal(t, ShowUser(okauth.User{UID: uid}, okauth.User{UID: uid}, okauth.User{UID: uid}, nil), text)
}
