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
	"github.com/okauth/okauth/oktest"
)

// testKeys are fixed session keys for tests.
var testKeys = flowtest.Keys

func mustKeys(secret string) [][]byte {
	k, err := okauth.DeriveKeys(secret)
	if err != nil {
		panic(err)
	}
	return k
}

// testEnv is an app on an httptest TLS server, wired to a fake OK: a
// flowtest.Env whose Browser is a plain *http.Client.
type testEnv struct{ *flowtest.Env }

// flows are the two ways into a session that tests walk alike.
var flows = []okauth.Flow{okauth.FlowToken, okauth.FlowCode}

// fakeSecret is the application secret key every oktest server has.
var fakeSecret = oktest.NewUnstartedServer().AppSecret

// inFlow returns edit preceded by what flow needs: for the code flow,
// Config.Flow and the fake's AppSecret.
func inFlow(flow okauth.Flow, edit func(*okauth.Config)) func(*okauth.Config) {
	return func(c *okauth.Config) {
		if flow == okauth.FlowCode {
			c.Flow, c.AppSecret = okauth.FlowCode, fakeSecret
		}
		if edit != nil {
			edit(c)
		}
	}
}

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
