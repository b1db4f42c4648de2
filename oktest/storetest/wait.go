package storetest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/okauth/okauth"
)

// RevocationWait is how long [WaitSignedOut] and [WaitRevoked] wait for a
// session ended on one instance to be refused on another: well past
// [Revocation], and past the 2 seconds in which okredis stops trusting its
// client-side cache when Redis's invalidations stop reaching it, so a
// slow, busy CI machine does not fail a test; a store that takes longer
// does fail it.
const RevocationWait = 5 * time.Second

// WaitSignedOut waits until app, the handler of one instance of an app,
// refuses the session r carries: until it answers r with 401 or a
// redirect, as [okauth.Auth.RequireLogin] answers a request that is not
// signed in, so r should ask for a page behind RequireLogin. It fails t
// if app still accepts the session after [RevocationWait].
//
// A test that signs out on one instance and at once asks another calls
// it before checking that instance: a store shared by instances (okredis
// with its client-side cache, for one) ends a session everywhere within
// [Revocation], not at the instant the sign-out returns. r is served again
// and again, so it must have no body.
func WaitSignedOut(t testing.TB, app http.Handler, r *http.Request) {
	t.Helper()
	waitSignedOut(t, app, r, RevocationWait)
}

func waitSignedOut(t testing.TB, app http.Handler, r *http.Request, limit time.Duration) {
	t.Helper()
	status := 0
	if within(limit, func() bool {
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, r.Clone(r.Context()))
		status = rec.Code
		return status == http.StatusUnauthorized || status >= 300 && status < 400
	}) {
		return
	}
	t.Fatalf("storetest: %s %s still answers %d %v after the session was ended; every instance must refuse an ended session within %v",
		r.Method, r.URL.Path, status, limit, Revocation)
}

// WaitRevoked waits until store, one instance's SessionStore, no longer
// loads the session id that another instance ended, and fails t if it
// still loads it after [RevocationWait], or fails otherwise than with
// [okauth.ErrNoSession]. It is [WaitSignedOut] for a test that holds
// session IDs, such as a test of a store.
func WaitRevoked(t testing.TB, store okauth.SessionStore, id string) {
	t.Helper()
	waitRevoked(t, store, id, RevocationWait)
}

func waitRevoked(t testing.TB, store okauth.SessionStore, id string, limit time.Duration) {
	t.Helper()
	switch err := loadFails(t.Context(), store, id, limit); {
	case err == nil:
		t.Fatalf("storetest: the session still loads %v after it was ended; every instance must refuse an ended session within %v", limit, Revocation)
	case !errors.Is(err, okauth.ErrNoSession):
		t.Fatalf("storetest: loading the ended session failed with %v, not okauth.ErrNoSession", err)
	}
}
