package storetest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// lagging ends a session only lag after Delete returns, as a store whose
// other instances hear of the end a little later.
type lagging struct {
	okauth.SessionStore
	lag time.Duration
	wg  sync.WaitGroup
}

func (l *lagging) Delete(ctx context.Context, id string) error {
	if l.lag < 0 {
		return nil // never ends it
	}
	l.wg.Go(func() {
		time.Sleep(l.lag)
		_ = l.SessionStore.Delete(context.Background(), id)
	})
	return nil
}

// fatal records a test's failure instead of ending it.
type fatal struct {
	testing.TB
	msg string
}

func (f *fatal) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

// laggingApp is an app on a store that ends sessions after lag, signed
// in once, with the request for its protected page and its logout.
func laggingApp(t *testing.T, lag time.Duration) (app http.Handler, me *http.Request, logout func()) {
	store := &lagging{SessionStore: okauth.NewMemorySessions(), lag: lag}
	t.Cleanup(store.wg.Wait)
	fake := oktest.NewServer()
	t.Cleanup(fake.Close)
	keys, err := okauth.DeriveKeys(appSecret)
	require.NoError(t, err)
	auth, err := okauth.New(okauth.Config{AppID: fake.AppID, AppKey: fake.AppKey, Endpoint: fake.Endpoint(),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys, SessionStore: store})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/me", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	cookies, err := fake.SignIn(mux, "/auth/ok/login", oktest.DefaultUser)
	require.NoError(t, err)
	me = httptest.NewRequest(http.MethodGet, "/me", nil)
	out := httptest.NewRequest(http.MethodPost, auth.LogoutURL(), nil)
	for _, c := range cookies {
		me.AddCookie(c)
		out.AddCookie(c)
	}
	return mux, me, func() {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, out)
		require.Equal(t, http.StatusSeeOther, rec.Code)
	}
}

// status is what app answers r.
func status(app http.Handler, r *http.Request) int {
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, r.Clone(r.Context()))
	return rec.Code
}

// TestWaitSignedOut: a session a store ends a little after sign-out is
// still accepted right after it, and WaitSignedOut returns once it is
// refused; a session never ended fails the test with why.
func TestWaitSignedOut(t *testing.T) {
	app, me, logout := laggingApp(t, 200*time.Millisecond)
	require.Equal(t, http.StatusOK, status(app, me))
	logout()
	assert.Equal(t, http.StatusOK, status(app, me), "the store has not ended it yet")
	WaitSignedOut(t, app, me)
	assert.Equal(t, http.StatusUnauthorized, status(app, me))

	app, me, logout = laggingApp(t, -1)
	logout()
	f := &fatal{TB: t}
	waitSignedOut(f, app, me, 20*time.Millisecond)
	assert.True(t, strings.HasPrefix(f.msg, "storetest: GET /me still answers 200 20ms after the session was ended"), f.msg)
}

// TestWaitRevoked: the same, for a test that holds session IDs.
func TestWaitRevoked(t *testing.T) {
	ctx := context.Background()
	for _, lag := range []time.Duration{200 * time.Millisecond, -1} {
		store := &lagging{SessionStore: okauth.NewMemorySessions(), lag: lag}
		uid := randomUID()
		id := okauth.NewSessionID(store, uid)
		require.NoError(t, store.Save(ctx, id, uid, []byte("session"), time.Now().Add(time.Hour)))
		require.NoError(t, store.Delete(ctx, id))
		f := &fatal{TB: t}
		if lag > 0 {
			_, err := store.Load(ctx, id)
			require.NoError(t, err, "not ended yet")
			waitRevoked(f, store, id, RevocationWait)
			assert.Empty(t, f.msg)
			_, err = store.Load(ctx, id)
			assert.ErrorIs(t, err, okauth.ErrNoSession)
		} else {
			waitRevoked(f, store, id, 20*time.Millisecond)
			assert.Contains(t, f.msg, "the session still loads 20ms after it was ended", f.msg)
			assert.NotContains(t, f.msg, id, "the failure does not show the session's ID")
		}
		store.wg.Wait()
	}
}
