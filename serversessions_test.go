package okauth_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// flakyStore is a SessionStore that records what it was given and can be
// made to fail, as a shared store does when its server is down.
type flakyStore struct {
	okauth.SessionStore
	down  atomic.Bool
	loads atomic.Int32
	mu    sync.Mutex
	saved [][]byte
}

var errDown = errors.New("connection refused")

func (s *flakyStore) Save(ctx context.Context, id, uid string, data []byte, expires time.Time) error {
	if s.down.Load() {
		return errDown
	}
	s.mu.Lock()
	s.saved = append(s.saved, append([]byte(nil), data...))
	s.mu.Unlock()
	return s.SessionStore.Save(ctx, id, uid, data, expires)
}

func (s *flakyStore) Load(ctx context.Context, id string) ([]byte, error) {
	s.loads.Add(1)
	if s.down.Load() {
		return nil, errDown
	}
	return s.SessionStore.Load(ctx, id)
}

func (s *flakyStore) Delete(ctx context.Context, id string) error {
	if s.down.Load() {
		return errDown
	}
	return s.SessionStore.Delete(ctx, id)
}

func newServerSessionEnv(t *testing.T) (*testEnv, *flakyStore) {
	store := &flakyStore{SessionStore: okauth.NewMemorySessions()}
	return newEnv(t, func(c *okauth.Config) { c.SessionStore, c.AppSecret = store, fakeSecret }), store
}

// withCookie is a browser holding only the session cookie value.
func withCookie(t *testing.T, e *testEnv, value string) *http.Client {
	c := e.Browser(t)
	u, _ := url.Parse(e.App.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionName, Value: value, Path: "/", Secure: true}})
	return c
}

// With server-side sessions, signing out ends the session itself: a copy
// of the cookie taken before (a stolen laptop's, say) stops working. With
// the cookie store it would work until it expired.
func TestServerSessionLogoutEndsCopies(t *testing.T) {
	e, store := newServerSessionEnv(t)
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	value := e.jarSession(c)
	assert.Less(t, len(value), 200, "the cookie holds an ID, not the session")
	thief := withCookie(t, e, value)
	assert.Contains(t, body(t, get(t, thief, e.App.URL+"/")), "uid="+oktest.DefaultUser.UID, "a copy works while the session lives")

	logout(t, e, c)
	resp := get(t, thief, e.App.URL+"/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "the copy is signed out too")
	assert.Equal(t, "public, anonymous", body(t, get(t, thief, e.App.URL+"/public")))

	// What the store holds is sealed: neither OK's token nor the profile
	// is readable there.
	require.Len(t, store.saved, 1)
	for _, data := range store.saved {
		assert.NotContains(t, string(data), oktest.DefaultUser.Name)
		assert.NotContains(t, string(data), oktest.DefaultUser.UID)
		assert.NotContains(t, string(data), "-s-", "no token of the fake's")
	}
}

// SignOutEverywhere ends every session of a user: each browser's and a
// native app's bearer session, and no one else's.
func TestSignOutEverywhere(t *testing.T) {
	e, _ := newServerSessionEnv(t)
	laptop, phone := e.Browser(t), e.Browser(t)
	e.SignIn(t, laptop, "/")
	e.SignIn(t, phone, "/")
	bearer := nativeSession(t, e, e.OK.IssueToken(oktest.DefaultUser, okauth.ScopeGetEmail))

	other := oktest.User{UID: "575000999888", Name: "Ольга Смирнова", FirstName: "Ольга", LastName: "Смирнова"}
	e.OK.SetUser(other)
	someoneElse := e.Browser(t)
	e.SignIn(t, someoneElse, "/")

	require.NoError(t, e.Auth.SignOutEverywhere(context.Background(), oktest.DefaultUser.UID))
	for name, c := range map[string]*http.Client{"laptop": laptop, "phone": phone} {
		assert.Equal(t, http.StatusSeeOther, get(t, c, e.App.URL+"/").StatusCode, "%s signed out", name)
	}
	status, _ := bearerGet(t, e, "/", bearer)
	assert.Equal(t, http.StatusUnauthorized, status, "the native app signed out")
	assert.Contains(t, body(t, get(t, someoneElse, e.App.URL+"/")), "uid="+other.UID, "another user stays signed in")
}

// A sign-in ends the session the browser had before: an ID planted or
// copied before it never outlives it.
func TestServerSessionSignInReplacesTheOld(t *testing.T) {
	e, _ := newServerSessionEnv(t)
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	before := e.jarSession(c)
	e.SignIn(t, c, "/")
	require.NotEqual(t, before, e.jarSession(c), "a new ID")
	assert.Equal(t, http.StatusSeeOther, get(t, withCookie(t, e, before), e.App.URL+"/").StatusCode, "the old ID is ended")
	assert.Equal(t, http.StatusOK, get(t, c, e.App.URL+"/").StatusCode)
}

// The store is asked on every request, so that a session ended on
// another instance is ended here; a cached decode never answers for it.
func TestServerSessionAsksTheStoreEachTime(t *testing.T) {
	e, store := newServerSessionEnv(t)
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	before := store.loads.Load()
	for range 5 {
		require.Equal(t, http.StatusOK, get(t, c, e.App.URL+"/").StatusCode)
	}
	assert.Equal(t, int32(5), store.loads.Load()-before)
}

// Fail closed: with the store down, nothing is signed in and nothing is
// written; a signed-in user's pages answer 503 rather than sending them
// to sign in again; the failure is logged once, not per request; when
// the store answers again, the user is signed in as before.
func TestServerSessionStoreDown(t *testing.T) {
	e, store := newServerSessionEnv(t)
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	value := e.jarSession(c)
	store.down.Store(true)

	for range 20 {
		resp := get(t, c, e.App.URL+"/")
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.Contains(t, body(t, resp), "Sign-in unavailable")
	}
	assert.Equal(t, "public, anonymous", body(t, get(t, c, e.App.URL+"/public")), "public pages show no user")
	assert.Equal(t, 1, strings.Count(e.Logs.String(), "session store failed"), "logged once, not per request")

	// A sign-in now is refused, writes nothing and keeps the old session.
	resp := e.Finish(t, c, e.StartLogin(t, c, "/"))
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, body(t, resp), "Sign-in unavailable")
	assert.Nil(t, sessionCookie(resp), "no session cookie written")
	assert.Equal(t, value, e.jarSession(c), "the browser keeps its session")

	// So is a native app's.
	nat, ans, _ := postToken(t, e, "application/json", "", tokenBody(e.OK.IssueToken(oktest.DefaultUser, okauth.ScopeGetEmail)))
	assert.Equal(t, http.StatusServiceUnavailable, nat.StatusCode)
	assert.Equal(t, "store_unavailable", ans.Error)

	for _, s := range []string{string(testKeys[0]), value} {
		assert.NotContains(t, e.Logs.String(), s)
	}

	store.down.Store(false)
	assert.Contains(t, body(t, get(t, c, e.App.URL+"/")), "uid="+oktest.DefaultUser.UID, "back as before")
}

func TestServerSessionConfig(t *testing.T) {
	e := newEnv(t, nil)
	err := e.Auth.SignOutEverywhere(context.Background(), "1")
	assert.ErrorIs(t, err, okauth.ErrConfig, "without a SessionStore")
	assert.Contains(t, err.Error(), "SessionStore")
}

// nativeSession signs a native app in with tok and returns its bearer
// session.
func nativeSession(t *testing.T, e *testEnv, tok oktest.Token) string {
	t.Helper()
	resp, ans, raw := postToken(t, e, "application/json", "", tokenBody(tok))
	require.Equal(t, http.StatusOK, resp.StatusCode, raw)
	return ans.Session
}

// tokenBody is a native app's body for the token route with tok.
func tokenBody(tok oktest.Token) string {
	return jsonBody("access_token", tok.AccessToken, "session_secret_key", tok.SessionSecret)
}
