package okauth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// Load sizes. The loops stop early, and the test fails, if loadDeadline
// passes first: a guard against a hang, not a speed target.
const (
	parallelLogins   = 200
	loadRequests     = 100_000
	loadGoroutines   = 50
	loadDeadline     = 4 * time.Minute
	loadLoginTimeout = time.Minute
)

// step does one request of a sign-in that runs off the test goroutine,
// so it reports errors instead of failing the test.
func step(c *http.Client, method, rawURL, form string, want int) (*http.Response, string, error) {
	var rd io.Reader
	if form != "" {
		rd = strings.NewReader(form)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Accept", "text/html")
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode != want {
		return nil, "", fmt.Errorf("%s %s: status %d, want %d: %.200s", method, rawURL, resp.StatusCode, want, b)
	}
	return resp, string(b), nil
}

// signInAs runs a whole sign-in in c for u, whose token OK issues when
// the dialog is passed, and checks the app then sees u. It returns the
// session cookie's value.
func (e *testEnv) signInAs(c *http.Client, u oktest.User) (string, error) {
	resp, _, err := step(c, http.MethodGet, e.App.URL+"/auth/ok/login?next=%2Fme", "", http.StatusFound)
	if err != nil {
		return "", err
	}
	if resp, _, err = step(c, http.MethodGet, resp.Header.Get("Location"), "", http.StatusFound); err != nil {
		return "", err
	}
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return "", err
	}
	frag, err := url.ParseQuery(back.Fragment)
	if err != nil {
		return "", err
	}
	// OK signs in whoever is at the keyboard: this browser's user.
	tok := e.OK.IssueToken(u)
	frag.Set("access_token", tok.AccessToken)
	frag.Set("session_secret_key", tok.SessionSecret)
	if _, _, err = step(c, http.MethodGet, e.App.URL+"/auth/ok/callback", "", http.StatusOK); err != nil {
		return "", err
	}
	if resp, _, err = step(c, http.MethodPost, e.App.URL+"/auth/ok/callback", frag.Encode(), http.StatusSeeOther); err != nil {
		return "", err
	}
	if loc := resp.Header.Get("Location"); loc != "/me" {
		return "", fmt.Errorf("sign-in of %s went to %q", u.UID, loc)
	}
	_, page, err := step(c, http.MethodGet, e.App.URL+"/me", "", http.StatusOK)
	if err != nil {
		return "", err
	}
	if !strings.Contains(page, "uid="+u.UID+" ") {
		return "", fmt.Errorf("signed in as %s, page says %q", u.UID, page)
	}
	if s := e.jarSession(c); s != "" {
		return s, nil
	}
	return "", errors.New("no session cookie after sign-in " + u.UID)
}

// loadUser is the n-th distinct user of the load test.
func loadUser(n int) oktest.User {
	uid := strconv.Itoa(910000000000 + n)
	return oktest.User{UID: uid, Name: "User " + uid, FirstName: "User", LastName: uid}
}

// TestLoad, under -race: 200 browsers sign in at once, each as its own
// user; then 50 goroutines send 100,000 requests with those sessions
// through the app's one handler. Every sign-in succeeds and every request
// sees its own user.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the load test takes seconds; run it without -short")
	}
	e := newEnv(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), loadDeadline)
	defer cancel()

	browsers := make([]*http.Client, parallelLogins)
	for i := range browsers {
		browsers[i] = e.Browser(t)
		browsers[i].Timeout = loadLoginTimeout
	}
	sessions := make([]string, parallelLogins)
	errs := make([]error, parallelLogins)
	var wg sync.WaitGroup
	for i := range parallelLogins {
		wg.Go(func() { sessions[i], errs[i] = e.signInAs(browsers[i], loadUser(i)) })
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...), "parallel sign-ins")
	assert.Equal(t, parallelLogins, e.OK.APICalls(), "one call to OK per sign-in")

	handler := appHandler(e.Auth)
	var done, failed atomic.Int64
	var firstErr atomic.Pointer[string]
	per := loadRequests / loadGoroutines
	for g := range loadGoroutines {
		wg.Go(func() {
			for j := range per {
				if ctx.Err() != nil {
					return
				}
				n := (g*per + j) % parallelLogins
				req := httptest.NewRequest(http.MethodGet, "/me", nil)
				req.Header.Set("Accept", "text/html")
				req.AddCookie(&http.Cookie{Name: sessionName, Value: sessions[n]})
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, req)
				done.Add(1)
				want := "uid=" + loadUser(n).UID + " "
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
					failed.Add(1)
					msg := fmt.Sprintf("session %d: %d %q, want %q", n, rec.Code, rec.Body.String(), want)
					firstErr.CompareAndSwap(nil, &msg)
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, ctx.Err(), "stopped after %d of %d requests", done.Load(), loadRequests)
	assert.EqualValues(t, loadRequests, done.Load())
	if p := firstErr.Load(); p != nil {
		t.Errorf("%d wrong answers, the first: %s", failed.Load(), *p)
	}
	assert.Equal(t, parallelLogins, e.OK.APICalls(), "requests with a session do not call OK")
}

// TestKeyRotation: sessions written under keys A still read once the
// config is [B, A], and new ones are written with B; under [B] alone A's
// sessions read as signed out (a redirect to sign in, not an error) while
// B's still work.
func TestKeyRotation(t *testing.T) {
	keysA := mustKeys("key set A: the secret the app started with")
	keysB := mustKeys("key set B: the secret the app rotated to")
	both := append(append([][]byte{}, keysB...), keysA...)
	withKeys := func(keys [][]byte) func(*okauth.Config) {
		return func(c *okauth.Config) { c.SessionKeys = keys }
	}
	// visit asks env's app for / with session, as a browser would.
	visit := func(e *testEnv, session string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept", "text/html")
		req.AddCookie(&http.Cookie{Name: sessionName, Value: session})
		rec := httptest.NewRecorder()
		appHandler(e.Auth).ServeHTTP(rec, req)
		return rec
	}
	// signedWith reports whether session is signed with keys.
	signedWith := func(session string, keys [][]byte) bool {
		var b []byte
		return securecookie.DecodeMulti(sessionName, session, &b, rawCodecs(24*time.Hour, keys)...) == nil
	}
	const user = "uid=574385021466 "

	envA := newEnv(t, withKeys(keysA))
	cA := envA.Browser(t)
	envA.SignIn(t, cA, "/")
	sessionA := envA.jarSession(cA)
	require.True(t, signedWith(sessionA, keysA))

	envBA := newEnv(t, withKeys(both))
	rec := visit(envBA, sessionA)
	require.Equal(t, http.StatusOK, rec.Code, "[B, A] reads A's session")
	assert.Contains(t, rec.Body.String(), user)
	cB := envBA.Browser(t)
	envBA.SignIn(t, cB, "/")
	sessionB := envBA.jarSession(cB)
	assert.True(t, signedWith(sessionB, keysB), "new sessions are written with B")
	assert.False(t, signedWith(sessionB, keysA))

	envB := newEnv(t, withKeys(keysB))
	rec = visit(envB, sessionA)
	assert.Equal(t, http.StatusSeeOther, rec.Code, "[B] reads A's session as signed out")
	assert.Equal(t, loginRedirect, rec.Header().Get("Location"))
	assert.Empty(t, rec.Result().Cookies(), "and writes no cookie")
	rec = visit(envB, sessionB)
	assert.Equal(t, http.StatusOK, rec.Code, "[B] reads B's session")
	assert.Contains(t, rec.Body.String(), user)
	assert.NotContains(t, envB.Logs.String(), "level=ERROR")
}
