package storetest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// Notice is how long TestOutage gives the stores to notice that their
// server is down (a client may serve what it cached until it gives the
// connection up) and, once it is back, to answer again.
const Notice = 5 * time.Second

// TestOutage checks that okauth fails closed while the stores' server is
// down and recovers by itself when it returns, with two instances of an
// app on stores from open (as for [TestStores]). stop takes the server
// down; start brings it back.
//
// Within [Notice] of stop, a sign-in is refused with 503 and sets no
// session, and a signed-in request is refused with 503 (neither served
// nor sent to sign in again); 20 such requests log at most 2 lines. A
// sign-out is refused with 503, in the visitor's language, and leaves the
// session cookie, since the session lives on. Each
// store call must give up within a second while the server is down. Within
// Notice of start, both instances sign in again without a restart.
//
// When start brings the server back with its data (a network cut, a hung
// process), TestOutage also checks that nothing was half-written: the
// sign-in refused during the outage then finishes, a session ended
// before the outage stays ended, and the session whose sign-out was refused
// still works until it is signed out again. A server that comes back empty passes
// those two checks whatever happened.
func TestOutage(t *testing.T, open func(t *testing.T) Stores, stop, start func()) {
	fake := oktest.NewServer()
	t.Cleanup(fake.Close)
	w := newWorld(t, fake, open)
	a, b := w.instance(t, appSecret), w.instance(t, appSecret)
	uid := randomUID()
	session := a.signIn(t, uid)
	require.True(t, b.signedInAs(session, uid), "the session works on B")
	ended := a.signIn(t, uid)
	a.logout(t, ended)
	require.True(t, b.signedOutWithin(t, ended, Revocation), "signed out before the outage")
	pending := a.startSignIn(t, randomUID()) // the browser is at OK's dialog

	stop()
	eventually(t, Notice, func() error {
		if status, _ := b.account(session); status != http.StatusServiceUnavailable {
			return fmt.Errorf("a signed-in request answered %d", status)
		}
		return nil
	}, "a signed-in request is refused with 503, neither served nor sent to sign in")
	resp, page := a.finish(t, pending)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "sign-in refused: %s", page)
	assert.Contains(t, page, a.words(okauth.ErrStoreUnavailable, okauth.LangEnglish).Title)
	assert.Empty(t, sessionCookies(resp), "no session set")
	before := strings.Count(b.logs.String(), "\n")
	for range 20 {
		status, _ := b.account(session)
		require.Equal(t, http.StatusServiceUnavailable, status, "a signed-in request during the outage")
	}
	logged := strings.Count(b.logs.String(), "\n") - before
	assert.LessOrEqual(t, logged, 2, "20 refused requests logged %d lines:\n%s", logged, b.logs.String())
	resp, page, err := b.request(http.MethodPost, b.auth.LogoutURL(), okauth.LangRussian, session)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "a sign-out the store could not make is not reported as done: %s", page)
	assert.Contains(t, page, b.words(okauth.ErrSignOutFailed, okauth.LangRussian).Title, "said in the visitor's language")
	assert.NotContains(t, page, b.auth.LoginURL(""), "and no link to sign in, which would not sign out")
	assert.Empty(t, resp.Cookies(), "the session cookie is left, to sign out with once the store answers")

	start()
	for _, in := range []*instance{a, b} {
		eventually(t, Notice, func() error {
			resp, _, err := in.try(in.startSignIn(t, uid))
			if err == nil && resp.StatusCode != http.StatusSeeOther {
				err = fmt.Errorf("sign-in answered %d", resp.StatusCode)
			}
			return err
		}, "an instance signs in again once the store is back, without a restart")
	}
	fresh := a.signIn(t, uid)
	assert.True(t, b.signedInAs(fresh, uid), "a new session works on the other instance")
	status, _ := b.account(ended)
	assert.Equal(t, http.StatusUnauthorized, status, "a session ended before the outage is not revived")
	resp, _ = b.finish(t, pending)
	if !assert.Equal(t, http.StatusSeeOther, resp.StatusCode,
		"the sign-in refused during the outage finishes once the store is back: nothing was half-written") {
		return
	}
	if b.signedInAs(session, uid) {
		t.Log("the server came back with its data")
		a.logout(t, session)
		assert.True(t, b.signedOutWithin(t, session, Revocation), "signing out again, once the store is back, ends the session")
	} else {
		t.Log("the server came back empty: half-writes are not checked")
	}
}
