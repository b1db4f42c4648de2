package storetest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestOutage checks that okauth fails closed while the stores' server is
// down and recovers by itself when it returns, with two instances of an
// app on stores from open (as for [TestStores]): stop takes the server
// down, start brings it back, empty or not. While it is down a sign-in is
// refused with 503 and writes nothing, a signed-in request is refused with
// 503 (neither served nor sent to sign in again), and the failure is
// logged once, not per request; once it is back, the same instances sign
// in again, and a session ended before the outage stays ended. The
// stores must give up within a few seconds while their server is down.
func TestOutage(t *testing.T, open func(t *testing.T) Stores, stop, start func()) {
	fake := oktest.NewServer()
	t.Cleanup(fake.Close)
	a, b := newInstance(t, fake, open(t), appSecret), newInstance(t, fake, open(t), appSecret)
	uid := randomUID()
	session := a.signIn(t, fake, uid)
	require.True(t, b.signedInAs(t, session, uid), "the session works on B")
	ended := a.signIn(t, fake, uid)
	a.logout(t, ended)
	require.True(t, b.signedOutWithin(t, ended, Revocation), "signed out before the outage")
	pending := startSignIn(t, fake, a, randomUID()) // the browser is at OK's dialog

	stop()
	resp, page := a.finish(t, pending)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "sign-in refused: %s", page)
	assert.Contains(t, page, okauth.MessageFor(okauth.ErrStoreUnavailable, okauth.LangEnglish).Title)
	assert.Empty(t, sessionCookies(resp), "no session set")
	before := strings.Count(b.logs.String(), "\n")
	for range 20 {
		status, _ := b.account(t, session)
		require.Equal(t, http.StatusServiceUnavailable, status, "a signed-in request is refused, not served nor sent to sign in")
	}
	logged := strings.Count(b.logs.String(), "\n") - before
	assert.LessOrEqual(t, logged, 2, "20 refused requests logged %d lines:\n%s", logged, b.logs.String())

	start()
	assert.Eventually(t, func() bool {
		resp, _ := b.finish(t, pending)
		return resp.StatusCode == http.StatusSeeOther
	}, 5*time.Second, 20*time.Millisecond,
		"the sign-in refused during the outage finishes on B once the store is back: nothing was half-written")
	fresh := a.signIn(t, fake, uid)
	assert.Eventually(t, func() bool { return b.signedInAs(t, fresh, uid) }, 5*time.Second, 20*time.Millisecond,
		"a new session works on B without restarting either instance")
	status, _ := b.account(t, ended)
	assert.Equal(t, http.StatusUnauthorized, status, "a session ended before the outage is not revived")
	for _, in := range []*instance{a, b} {
		for _, s := range append(pending.secrets(), cookieValues(session)...) {
			assert.NotContains(t, in.logs.String(), s, "a token, secret or session cookie reached the log")
		}
	}
}
