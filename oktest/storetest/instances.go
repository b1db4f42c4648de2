package storetest

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// appSecret is the session secret the instances of the app share.
const appSecret = "the session secret every instance of the app shares"

// instance is one instance of an app, served over loopback HTTP: its own
// okauth.Auth and stores, sharing keys, the fake OK and the stores' data
// with the others.
type instance struct {
	auth *okauth.Auth
	mux  *http.ServeMux
	srv  *httptest.Server
	logs *logBuffer
}

func newInstance(t *testing.T, fake *oktest.Server, stores Stores, secret string) *instance {
	t.Helper()
	keys, err := okauth.DeriveKeys(secret)
	require.NoError(t, err)
	logs := new(logBuffer)
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, Endpoint: fake.Endpoint(),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys,
		SessionStore: stores.Sessions, Replay: stores.Replay,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/account", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		io.WriteString(w, "uid "+u.UID)
	})))
	in := &instance{auth: auth, mux: mux, srv: httptest.NewServer(mux), logs: logs}
	t.Cleanup(in.srv.Close)
	return in
}

// logBuffer collects an instance's log, safe for concurrent requests.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// callback is a sign-in of uid started on in: the callback request that
// finishes it (built for a handler, with its state cookie) and its body.
type callback struct {
	req  *http.Request
	body []byte
}

func startSignIn(t *testing.T, fake *oktest.Server, in *instance, uid string) callback {
	t.Helper()
	req, err := fake.CallbackRequest(in.mux, "/auth/ok/login", oktest.User{UID: uid, Name: "Иван Петров"})
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	return callback{req, body}
}

// secrets are the values in the callback no log may show.
func (c callback) secrets() []string {
	var out []string
	for _, kv := range strings.Split(string(c.body), "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k == "access_token" || k == "session_secret_key" || k == "code" {
			out = append(out, v)
		}
	}
	for _, ck := range c.req.Cookies() {
		out = append(out, ck.Value)
	}
	return out
}

// finish sends the callback to in, over HTTP, with extra cookies (a
// session the browser already has), and returns the answer and its body.
func (in *instance) finish(t *testing.T, c callback, extra ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(c.req.Method, in.srv.URL+c.req.URL.RequestURI(), bytes.NewReader(c.body))
	require.NoError(t, err)
	req.Header = c.req.Header.Clone()
	req.Header.Set("Accept-Language", "en")
	return send(t, req, extra)
}

// send sends req with cookies and returns the answer and its body.
func send(t *testing.T, req *http.Request, cookies []*http.Cookie) (*http.Response, string) {
	t.Helper()
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := noRedirects.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(page)
}

// signIn signs uid in on in and returns the session cookies.
func (in *instance) signIn(t *testing.T, fake *oktest.Server, uid string) []*http.Cookie {
	t.Helper()
	resp, _ := in.finish(t, startSignIn(t, fake, in, uid))
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

// account asks in for /account with cookies and returns the status and
// the page: 200 "uid …" signed in, 401 not (RequireLogin's answer to a
// request that is not a browser's page load), 503 when the session could
// not be checked.
func (in *instance) account(t *testing.T, cookies []*http.Cookie) (int, string) {
	t.Helper()
	return in.do(t, http.MethodGet, "/account", cookies)
}

// do sends a request with cookies to in, as from in's own pages, and
// returns the status and the page.
func (in *instance) do(t *testing.T, method, path string, cookies []*http.Cookie) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, in.srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Origin", in.srv.URL)
	resp, page := send(t, req, cookies)
	return resp.StatusCode, page
}

// signedInAs reports whether cookies sign uid in on in.
func (in *instance) signedInAs(t *testing.T, cookies []*http.Cookie, uid string) bool {
	t.Helper()
	status, page := in.account(t, cookies)
	return status == http.StatusOK && page == "uid "+uid
}

// signedOutWithin reports whether in refuses cookies within limit.
func (in *instance) signedOutWithin(t *testing.T, cookies []*http.Cookie, limit time.Duration) bool {
	t.Helper()
	start := time.Now()
	deadline := start.Add(limit)
	for {
		if status, _ := in.account(t, cookies); status == http.StatusUnauthorized {
			if limit > 0 {
				t.Logf("signed out after %v", time.Since(start))
			}
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// logout signs cookies out on in, as the site's own "Sign out" button.
func (in *instance) logout(t *testing.T, cookies []*http.Cookie) {
	t.Helper()
	status, _ := in.do(t, http.MethodPost, in.auth.LogoutURL(), cookies)
	require.Equal(t, http.StatusSeeOther, status, "logout")
}
