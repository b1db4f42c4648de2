package okredis_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// instance is one instance of an app: its own okauth.Auth and okredis
// Client, sharing the keys and the Redis of the others, served over real
// HTTP on loopback.
type instance struct {
	auth *okauth.Auth
	mux  *http.ServeMux
	srv  *httptest.Server
}

const secret = "a test secret of at least 32 bytes, shared by instances"

func newInstance(t *testing.T, fake *oktest.Server, redis *redistest.Server, keySecret string) *instance {
	t.Helper()
	rc, err := okredis.Open(redis.URL(), okredis.Options{Timeout: 300 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(rc.Close)
	keys, err := okauth.DeriveKeys(keySecret)
	require.NoError(t, err)
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, Endpoint: fake.Endpoint(),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys,
		SessionStore: rc.Sessions(), Replay: rc.Replay(), TokenStore: rc.Tokens(),
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/account", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		io.WriteString(w, "uid "+u.UID)
	})))
	in := &instance{auth: auth, mux: mux, srv: httptest.NewServer(mux)}
	t.Cleanup(in.srv.Close)
	return in
}

// send replays req, a request built for a handler, over HTTP to in.
func (in *instance) send(t *testing.T, req *http.Request, body []byte) *http.Response {
	t.Helper()
	out, err := http.NewRequest(req.Method, in.srv.URL+req.URL.RequestURI(), bytes.NewReader(body))
	require.NoError(t, err)
	out.Header = req.Header.Clone()
	resp, err := noRedirects.Do(out)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// account asks in for /account with cookies and returns the status:
// 200 signed in, 401 not (RequireLogin's answer to a request that is not
// a browser's page load), 503 when the session could not be checked.
func (in *instance) account(t *testing.T, cookies []*http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, in.srv.URL+"/account", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := noRedirects.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// callback is a sign-in's callback request, ready for in, and its body.
func callback(t *testing.T, fake *oktest.Server, in *instance, uid string) (*http.Request, []byte) {
	t.Helper()
	req, err := fake.CallbackRequest(in.mux, "/auth/ok/login", oktest.User{UID: uid, Name: "Иван Петров"})
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	return req, body
}

// sessionCookies are the cookies a response set for a session.
func sessionCookies(resp *http.Response) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range resp.Cookies() {
		if c.MaxAge >= 0 && c.Value != "" && !strings.Contains(c.Name, "state") {
			out = append(out, c)
		}
	}
	return out
}

// signIn signs uid in on in and returns the session cookies.
func signIn(t *testing.T, fake *oktest.Server, in *instance, uid string) []*http.Cookie {
	t.Helper()
	req, body := callback(t, fake, in, uid)
	resp := in.send(t, req, body)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	c := sessionCookies(resp)
	require.NotEmpty(t, c)
	return c
}

// signedOutWithin polls in until cookies no longer sign anyone in, at most
// limit, and returns how long it took.
func signedOutWithin(t *testing.T, in *instance, cookies []*http.Cookie, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for i := 0; ; i++ {
		if in.account(t, cookies) == http.StatusUnauthorized {
			return time.Since(start)
		}
		require.Less(t, time.Since(start), limit, "still signed in after %d requests", i)
		time.Sleep(time.Millisecond)
	}
}

// TestTwoInstancesShareRedis: sign in on A; the same callback replayed
// on B is refused; the session works on B; SignOutEverywhere on A signs
// the user out on B within 100 ms; Logout on A kills a copy of the cookie
// on B.
func TestTwoInstancesShareRedis(t *testing.T) {
	redis := redistest.Start(t)
	fake := oktest.NewServer()
	defer fake.Close()
	a, b := newInstance(t, fake, redis, secret), newInstance(t, fake, redis, secret)
	const uid = "574385021466"

	req, body := callback(t, fake, a, uid)
	resp := a.send(t, req, body)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	cookies := sessionCookies(resp)
	require.NotEmpty(t, cookies)
	assert.Equal(t, http.StatusBadRequest, b.send(t, req, body).StatusCode, "the same callback replayed on B")
	assert.Equal(t, http.StatusBadRequest, a.send(t, req, body).StatusCode, "and on A")

	for range 3 { // B reads the session: cached in B from now on
		require.Equal(t, http.StatusOK, b.account(t, cookies), "A's session works on B")
	}
	other := signIn(t, fake, b, "100200300")

	require.NoError(t, a.auth.SignOutEverywhere(context.Background(), uid))
	took := signedOutWithin(t, b, cookies, 100*time.Millisecond)
	t.Logf("SignOutEverywhere on A: B signed the user out after %v", took)
	assert.Equal(t, http.StatusUnauthorized, a.account(t, cookies))
	assert.Equal(t, http.StatusOK, b.account(t, other), "another user stays signed in")

	cookies = signIn(t, fake, a, uid)
	require.Equal(t, http.StatusOK, b.account(t, cookies))
	copied := append([]*http.Cookie(nil), cookies...) // a copy, as a thief would keep
	logout, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/auth/ok/logout", nil)
	logout.Header.Set("Origin", a.srv.URL)
	for _, c := range cookies {
		logout.AddCookie(c)
	}
	resp, err := noRedirects.Do(logout)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	took = signedOutWithin(t, b, copied, 100*time.Millisecond)
	t.Logf("Logout on A: the copied cookie died on B after %v", took)
}

// TestInstancesForgedCookies: cookies B did not issue sign nobody in, and
// none is a 5xx: garbled, truncated, random, an ID sealed with another
// key set (another app on the same Redis), an ended session's.
func TestInstancesForgedCookies(t *testing.T) {
	redis := redistest.Start(t)
	fake := oktest.NewServer()
	defer fake.Close()
	a, b := newInstance(t, fake, redis, secret), newInstance(t, fake, redis, secret)
	stranger := newInstance(t, fake, redis, "another app's secret, also 32 bytes long at least")
	good := signIn(t, fake, a, "574385021466")
	require.Equal(t, http.StatusOK, b.account(t, good))
	name, value := good[0].Name, good[0].Value

	with := func(v string) []*http.Cookie { return []*http.Cookie{{Name: name, Value: v}} }
	login, err := noRedirects.Get(b.srv.URL + "/auth/ok/login")
	require.NoError(t, err)
	login.Body.Close()
	require.NotEmpty(t, login.Cookies())
	stateValue := login.Cookies()[0].Value // sealed by the same keys, for another name
	flipped := []byte(value)
	flipped[len(flipped)/2] ^= 1
	for label, cookies := range map[string][]*http.Cookie{
		"garbled":                   with(string(flipped)),
		"truncated":                 with(value[:len(value)/2]),
		"random":                    with(strings.Repeat("A", len(value))),
		"empty":                     with(""),
		"huge":                      with(strings.Repeat("x", 3000)),
		"another key set's session": signIn(t, fake, stranger, "574385021466"),
		"the state cookie's value":  with(stateValue),
	} {
		assert.Equal(t, http.StatusUnauthorized, b.account(t, cookies), label)
	}
	require.NoError(t, a.auth.SignOutEverywhere(context.Background(), "574385021466"))
	signedOutWithin(t, b, good, 100*time.Millisecond)
}

// TestInstancesRedisDown: with Redis down a sign-in is refused with 503
// and sets no session; a signed-in request is refused with 503 (not
// served, not bounced to sign-in); once Redis is back, both work again
// on the same instances.
func TestInstancesRedisDown(t *testing.T) {
	redis := redistest.Start(t)
	fake := oktest.NewServer()
	defer fake.Close()
	a, b := newInstance(t, fake, redis, secret), newInstance(t, fake, redis, secret)
	cookies := signIn(t, fake, a, "574385021466")
	require.Equal(t, http.StatusOK, b.account(t, cookies))

	req, body := callback(t, fake, a, "574385021466") // started before the outage
	redis.Stop()
	resp := a.send(t, req, body)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "sign-in refused")
	assert.Empty(t, sessionCookies(resp), "no session set")
	assert.Equal(t, http.StatusServiceUnavailable, b.account(t, cookies), "a signed-in request is refused, not served")

	redis.Restart() // empty: it kept nothing (no persistence in tests)
	require.Eventually(t, func() bool {
		req, body := callback(t, fake, a, "574385021466")
		return a.send(t, req, body).StatusCode == http.StatusSeeOther
	}, 5*time.Second, 20*time.Millisecond, "sign-in works again without restarting the app")
	fresh := signIn(t, fake, a, "574385021466")
	require.Eventually(t, func() bool { return b.account(t, fresh) == http.StatusOK }, 5*time.Second, 20*time.Millisecond)
	assert.Equal(t, http.StatusUnauthorized, b.account(t, cookies), "the session Redis lost is gone, not revived")
}
