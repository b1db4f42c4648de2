package okredis

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest"
	"github.com/okauth/okauth/oktest/storetest"
)

// signOutApp is one instance of an app on c: its handler, with a page
// behind RequireLogin at /me.
func signOutApp(t *testing.T, fake *oktest.Server, c *Client) http.Handler {
	t.Helper()
	keys, err := okauth.DeriveKeys("the keys every instance of this app shares")
	require.NoError(t, err)
	auth, err := okauth.New(okauth.Config{AppID: fake.AppID, AppKey: fake.AppKey, Endpoint: fake.Endpoint(),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys,
		SessionStore: c.Sessions(), ReplayStore: c.Replay(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/me", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	return mux
}

// signInOutAcross signs in on a, reads the session there (so a's
// client-side cache holds it), signs out on b, and returns the request
// for a's page with that session.
func signInOutAcross(t *testing.T, fake *oktest.Server, a, b http.Handler) *http.Request {
	t.Helper()
	cookies, err := fake.SignIn(a, "/auth/ok/login", oktest.DefaultUser)
	require.NoError(t, err)
	me := httptest.NewRequest(http.MethodGet, "/me", nil)
	out := httptest.NewRequest(http.MethodPost, "/auth/ok/logout", nil)
	for _, c := range cookies {
		me.AddCookie(c)
		out.AddCookie(c)
	}
	for range 2 {
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, me.Clone(me.Context()))
		require.Equal(t, http.StatusOK, rec.Code, "signed in on A")
	}
	rec := httptest.NewRecorder()
	b.ServeHTTP(rec, out)
	require.Equal(t, http.StatusSeeOther, rec.Code, "signed out on B")
	return me
}

// TestWaitSignedOutAcrossInstances: two instances on one Redis, with the
// client-side cache; a test that signs out on B waits with
// storetest.WaitSignedOut until A refuses the session, every time.
func TestWaitSignedOutAcrossInstances(t *testing.T) {
	srv := redistest.Start(t)
	fake := oktest.NewServer()
	defer fake.Close()
	a := signOutApp(t, fake, open(t, srv, Options{}))
	b := signOutApp(t, fake, open(t, srv, Options{}))
	for range 20 {
		me := signInOutAcross(t, fake, a, b)
		storetest.WaitSignedOut(t, a, me)
	}
}

// TestNoCacheRefusesAtOnce: with Options.NoCache every Load asks Redis,
// so A refuses a session the moment B's sign-out returns, with no wait:
// the strict setting for tests that check at once.
func TestNoCacheRefusesAtOnce(t *testing.T) {
	srv := redistest.Start(t)
	fake := oktest.NewServer()
	defer fake.Close()
	a := signOutApp(t, fake, open(t, srv, Options{NoCache: true}))
	b := signOutApp(t, fake, open(t, srv, Options{NoCache: true}))
	for i := range 50 {
		me := signInOutAcross(t, fake, a, b)
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, me)
		require.Equal(t, http.StatusUnauthorized, rec.Code, "sign-out %d: A refuses at once", i)
	}
}
