// The root package's tests: each X_test.go tests X.go, and these theme
// suites test the package as a whole.
//
//   - attack_test.go: forged, replayed and tampered sign-ins (the attack
//     table, a token of another app): status, words, no session written.
//   - floods_test.go: floods and costs anyone can cause: replay memory,
//     failure logs, slow bodies, identical callbacks, one token posted
//     again and again, long Accept-Language headers.
//   - faults_test.go: OK's outages and odd answers.
//   - load_test.go: many users at once, key rotation.
//   - fuzz_test.go: the callback form, next, session decoding, Sign.
//   - lifetime_test.go: a session against OK's token: expiry, refresh.
//   - bench_test.go: benchmarks and their allocation goals.
//   - contrast_test.go: the colour contrast of the pages.
//
// The harness (a fake OK, the app and browser-like clients, one locked log
// buffer) is internal/flowtest, shared with oktest/storetest, the adapters
// and the examples; this file only names its parts for these tests. The
// tests in a real browser (Chromium) are the e2e module's.

package okauth_test

import (
	"net/http"
	"testing"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
)

// testKeys are fixed session keys for tests.
var testKeys = flowtest.Keys

// mustKeys derives session keys from secret.
var mustKeys = flowtest.MustKeys

// testEnv is an app on an httptest TLS server, wired to a fake OK: a
// flowtest.Env whose Browser is a plain *http.Client.
type testEnv struct{ *flowtest.Env }

// The two flows, the fake's AppSecret and how to sign in in either flow,
// as flowtest has them.
var (
	flows      = flowtest.Flows
	fakeSecret = flowtest.FakeSecret
	inFlow     = flowtest.InFlow
)

// appHandler is the app under test: flowtest.DefaultApp.
var appHandler = flowtest.DefaultApp

// newEnv starts a fake OK and an app using it (flowtest.Start with its
// default app); edit changes the config, and each before runs on the new
// Auth before the app serves its first request.
func newEnv(t testing.TB, edit func(*okauth.Config), before ...func(*okauth.Auth)) *testEnv {
	t.Helper()
	return &testEnv{flowtest.Start(t, edit, nil, before...)}
}

// Browser returns a client with its own cookie jar that does not follow
// redirects, so each step can be checked.
func (e *testEnv) Browser(t testing.TB) *http.Client {
	return e.Env.Browser(t).Client
}

// The steps of a sign-in, as flowtest has them.
var (
	get           = flowtest.Get
	body          = flowtest.Body
	sessionCookie = flowtest.SessionCookie
)

// jarSession is the session cookie the browser holds for the app, or "".
func (e *testEnv) jarSession(c *http.Client) string { return e.JarSession(c) }

// sessionName is the session cookie's default name over https.
const sessionName = flowtest.SessionName

// stateName is the state cookie's name over https.
const stateName = flowtest.StateName

// logout signs browser c out through the logout route, as the site's own
// page would, requires the redirect, and returns the answer.
func logout(t *testing.T, e *testEnv, c *http.Client) *http.Response {
	t.Helper()
	return e.LogoutWith(t, c)
}
