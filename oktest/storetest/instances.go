package storetest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/oktest"
)

// appSecret is the session secret the instances of the app share.
const appSecret = "the session secret every instance of the app shares"

// world is what the instances of one test share: the fake OK, how to
// open stores, and every token, secret and session cookie any of them
// handled. When the test ends, it checks that none reached any
// instance's log.
type world struct {
	fake      *oktest.Server
	open      func(t *testing.T) Stores
	mu        sync.Mutex
	secrets   map[string]bool
	instances []*instance
}

func newWorld(t *testing.T, fake *oktest.Server, open func(t *testing.T) Stores) *world {
	w := &world{fake: fake, open: open, secrets: map[string]bool{}}
	t.Cleanup(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, in := range w.instances {
			logs := in.logs.String()
			for s := range w.secrets {
				if strings.Contains(logs, s) {
					t.Errorf("a token, secret or session cookie reached the log: %s", logs)
				}
			}
		}
	})
	return w
}

// keep adds values no log may show.
func (w *world) keep(values ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, v := range values {
		if len(v) >= 8 { // shorter ones would match by chance
			w.secrets[v] = true
		}
	}
}

// instance is one instance of an app, served over loopback HTTP: its own
// okauth.Auth and stores, sharing keys, the fake OK and the stores' data
// with the others.
type instance struct {
	w    *world
	auth *okauth.Auth
	mux  *http.ServeMux
	srv  *httptest.Server
	logs *flowtest.LogBuffer
}

// instance starts an instance of the app on stores from w.open, with the
// session keys of secret.
func (w *world) instance(t *testing.T, secret string) *instance {
	t.Helper()
	stores := w.open(t)
	require.NotNil(t, stores.Sessions, "open returned no SessionStore")
	require.NotNil(t, stores.Replay, "open returned no ReplayStore")
	keys, err := okauth.DeriveKeys(secret)
	require.NoError(t, err)
	var mux *http.ServeMux
	env := flowtest.StartWith(t, flowtest.Options{OK: w.fake, Plain: true}, func(c *okauth.Config) {
		c.RedirectURL, c.Scopes, c.SessionKeys = "https://app.example/auth/ok/callback", nil, keys
		c.SessionStore, c.ReplayStore = stores.Sessions, stores.Replay
	}, func(auth *okauth.Auth) http.Handler {
		mux = http.NewServeMux()
		mux.Handle("/auth/ok/", auth)
		mux.Handle("/account", auth.RequireLogin(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			u, _ := okauth.UserFrom(r.Context())
			io.WriteString(rw, "uid "+u.UID)
		})))
		return mux
	})
	in := &instance{w: w, auth: env.Auth, mux: mux, srv: env.App, logs: env.Logs}
	w.mu.Lock()
	w.instances = append(w.instances, in)
	w.mu.Unlock()
	return in
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// callback is a sign-in started on an instance: the callback request
// that finishes it (built for a handler, with its state cookie) and its
// body.
type callback struct {
	req  *http.Request
	body []byte
}

// startSignIn starts a sign-in of uid on in, as far as OK's answer.
func (in *instance) startSignIn(t *testing.T, uid string) callback {
	t.Helper()
	req, err := in.w.fake.CallbackRequest(in.mux, "/auth/ok/login", oktest.User{UID: uid, Name: "Иван Петров"})
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	c := callback{req, body}
	for _, ck := range req.Cookies() {
		in.w.keep(ck.Value)
	}
	form, err := url.ParseQuery(string(body))
	require.NoError(t, err)
	for _, q := range []url.Values{form, req.URL.Query()} {
		in.w.keep(q.Get("access_token"), q.Get("session_secret_key"), q.Get("code"))
	}
	return c
}

// try sends the callback to in, over HTTP, with extra cookies (a session
// the browser already has), and returns the answer and its body. It
// fails no test, so goroutines and polls may call it.
func (in *instance) try(c callback, extra ...*http.Cookie) (*http.Response, string, error) {
	req, err := http.NewRequest(c.req.Method, in.srv.URL+c.req.URL.RequestURI(), bytes.NewReader(c.body))
	if err != nil {
		return nil, "", err
	}
	req.Header = c.req.Header.Clone()
	req.Header.Set("Accept-Language", "en")
	return in.send(req, extra)
}

// finish is try for the test's own goroutine: an error fails the test.
func (in *instance) finish(t *testing.T, c callback, extra ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	resp, page, err := in.try(c, extra...)
	require.NoError(t, err)
	return resp, page
}

// send sends req with cookies and returns the answer and its body; the
// session cookies it sets join the world's secrets.
func (in *instance) send(req *http.Request, cookies []*http.Cookie) (*http.Response, string, error) {
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	in.w.keep(cookieValues(sessionCookies(resp))...)
	return resp, string(page), err
}

// signIn signs uid in on in and returns the session cookies.
func (in *instance) signIn(t *testing.T, uid string) []*http.Cookie {
	t.Helper()
	resp, _ := in.finish(t, in.startSignIn(t, uid))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "sign-in")
	c := sessionCookies(resp)
	require.NotEmpty(t, c, "sign-in set a session cookie")
	return c
}

// sessionCookies are the cookies resp set for a session (not deletions,
// not the state cookie).
func sessionCookies(resp *http.Response) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range resp.Cookies() {
		if c.MaxAge >= 0 && c.Value != "" && !strings.Contains(c.Name, "state") {
			out = append(out, c)
		}
	}
	return out
}

func cookieValues(cookies []*http.Cookie) []string {
	var out []string
	for _, c := range cookies {
		out = append(out, c.Value)
	}
	return out
}

// account asks in for /account with cookies and returns the status and
// the page: 200 "uid …" signed in, 401 not (RequireLogin's answer to a
// request that is not a browser's page load), 503 when the session could
// not be checked. A request that fails gets status 0.
func (in *instance) account(cookies []*http.Cookie) (int, string) {
	return in.do(http.MethodGet, "/account", cookies)
}

// do sends a request with cookies to in, as from in's own pages, and
// returns the status (0 when the request failed) and the page.
func (in *instance) do(method, path string, cookies []*http.Cookie) (int, string) {
	resp, page, err := in.request(method, path, "", cookies)
	if err != nil {
		return 0, err.Error()
	}
	return resp.StatusCode, page
}

// request sends a request with cookies to in, as from in's own pages, in
// the language lang (none when ""), and returns the answer and its body.
func (in *instance) request(method, path, lang string, cookies []*http.Cookie) (*http.Response, string, error) {
	req, err := http.NewRequest(method, in.srv.URL+path, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Origin", in.srv.URL)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return in.send(req, cookies)
}

// words are what in's pages say about err to a browser that prefers lang.
func (in *instance) words(err error, lang string) okauth.ErrorText {
	req, _ := http.NewRequest(http.MethodGet, in.srv.URL, nil)
	req.Header.Set("Accept-Language", lang)
	return in.auth.Message(req, err)
}

// signedInAs reports whether cookies sign uid in on in.
func (in *instance) signedInAs(cookies []*http.Cookie, uid string) bool {
	status, page := in.account(cookies)
	return status == http.StatusOK && page == "uid "+uid
}

// signedOutWithin reports whether in refuses cookies within limit: the
// last probe starts after the limit, however slow the one before.
func (in *instance) signedOutWithin(t *testing.T, cookies []*http.Cookie, limit time.Duration) bool {
	t.Helper()
	start := time.Now()
	return within(limit, func() bool {
		if status, _ := in.account(cookies); status == http.StatusUnauthorized {
			if limit > 0 {
				t.Logf("signed out after %v", time.Since(start))
			}
			return true
		}
		return false
	})
}

// within reports whether cond holds within limit, polling each
// millisecond; a probe that starts before the limit is always made.
func within(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		began := time.Now()
		if cond() {
			return true
		}
		if began.After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// logout signs cookies out on in, as the site's own "Sign out" button.
func (in *instance) logout(t *testing.T, cookies []*http.Cookie) {
	t.Helper()
	status, page := in.do(http.MethodPost, in.auth.LogoutURL(), cookies)
	require.Equal(t, http.StatusSeeOther, status, "logout: %s", page)
}

// eventually waits up to limit for f to return nil, reporting f's last
// error if it never does. f must not fail the test itself.
func eventually(t *testing.T, limit time.Duration, f func() error, msg string) bool {
	t.Helper()
	var last error
	if within(limit, func() bool { last = f(); return last == nil }) {
		return true
	}
	return assert.Fail(t, msg, "after %v: %v", limit, last)
}
