package okauth_test

import (
	"context"
	"errors"
	"net/http"
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

// testClock is a clock a test moves forward; safe for concurrent use.
type testClock struct{ skew atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.skew.Load())) }
func (c *testClock) advance(d time.Duration) { c.skew.Add(int64(d)) }

// newClockEnv is newEnv with an injected clock.
func newClockEnv(t *testing.T, edit func(*okauth.Config)) (*testEnv, *testClock) {
	clock := &testClock{}
	e := newEnv(t, edit, func(a *okauth.Auth) { okauth.SetClock(a, clock.now) })
	return e, clock
}

// status fetches path as a page load and returns the status and body.
func status(t *testing.T, e *testEnv, c *http.Client, path string) (int, string) {
	t.Helper()
	resp := get(t, c, e.App.URL+path)
	return resp.StatusCode, body(t, resp)
}

// TestSessionOutlivesToken (token flow): an hour after sign-in OK's
// 30-minute token has expired but the user is still signed in; Auth.Call
// answers ErrTokenExpired without calling OK; after SessionLifetime (7
// days) the session ends.
func TestSessionOutlivesToken(t *testing.T) {
	e, clock := newClockEnv(t, nil)
	c := e.Browser(t)
	e.SignIn(t, c, "/")

	clock.advance(time.Hour)
	code, page := status(t, e, c, "/account")
	assert.Equal(t, http.StatusOK, code, "still signed in after the token expired")
	assert.Contains(t, page, "uid=574385021466")

	calls := e.OK.APICalls()
	code, page = status(t, e, c, "/friends")
	assert.Equal(t, http.StatusUnauthorized, code, page)
	assert.Contains(t, page, okauth.ErrTokenExpired.Error())
	assert.Equal(t, calls, e.OK.APICalls(), "no call to OK with a token known to be expired")

	clock.advance(7*24*time.Hour - time.Hour - time.Minute)
	code, _ = status(t, e, c, "/account")
	assert.Equal(t, http.StatusOK, code, "signed in a minute before the 7 days end")
	clock.advance(2 * time.Minute)
	code, _ = status(t, e, c, "/account")
	assert.Equal(t, http.StatusSeeOther, code, "signed out once the 7 days end")
}

// TestSessionEndsWithToken: with SessionEndsWithToken a session ends
// with OK's token.
func TestSessionEndsWithToken(t *testing.T) {
	e, clock := newClockEnv(t, func(c *okauth.Config) { c.SessionEndsWithToken = true })
	c := e.Browser(t)
	ck := sessionCookie(e.SignIn(t, c, "/"))
	require.NotNil(t, ck)
	assert.InDelta(t, 30*60, ck.MaxAge, 60, "the cookie lives as long as the token")
	clock.advance(31 * time.Minute)
	code, _ := status(t, e, c, "/account")
	assert.Equal(t, http.StatusSeeOther, code, "signed out when the token expired")
}

// slowTokens delays each request to OK's token endpoint, so that calls
// arriving at the moment of expiry all overlap one refresh.
type slowTokens struct{ delay time.Duration }

func (s slowTokens) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/oauth/token.do") {
		time.Sleep(s.delay)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestRefreshOnce (code flow): at the moment the token expires, 50
// concurrent Auth.Call make exactly one refresh; all succeed, and later
// calls reuse the refreshed token.
func TestRefreshOnce(t *testing.T) {
	e, clock := newClockEnv(t, inFlow(okauth.FlowCode, func(c *okauth.Config) {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second, Transport: slowTokens{delay: 200 * time.Millisecond}}
	}))
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	code, page := status(t, e, c, "/friends")
	require.Equal(t, http.StatusOK, code, page)

	clock.advance(31 * time.Minute)
	tokenCalls, apiCalls := e.OK.TokenCalls(), e.OK.APICalls()
	var wg sync.WaitGroup
	codes := make([]int, 50)
	for i := range codes {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodGet, e.App.URL+"/friends", nil)
			if err != nil {
				return
			}
			resp, err := c.Do(req)
			if err != nil {
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, code := range codes {
		assert.Equal(t, http.StatusOK, code, "call %d", i)
	}
	assert.Equal(t, 1, e.OK.TokenCalls()-tokenCalls, "one refresh for 50 calls")
	assert.Equal(t, 50, e.OK.APICalls()-apiCalls, "each call reaches OK once")

	code, _ = status(t, e, c, "/friends")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, 1, e.OK.TokenCalls()-tokenCalls, "the refreshed token is remembered")

	// Half an hour later that token has expired too: one more refresh.
	clock.advance(31 * time.Minute)
	code, _ = status(t, e, c, "/friends")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, 2, e.OK.TokenCalls()-tokenCalls, "the next expiry refreshes again")
}

// TestRefreshRefused (code flow): when OK refuses the refresh token, the
// call fails with ErrTokenExpired (401), and the session stays.
func TestRefreshRefused(t *testing.T) {
	e, clock := newClockEnv(t, inFlow(okauth.FlowCode, nil))
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	e.OK.ExpireRefreshTokens()
	clock.advance(31 * time.Minute)
	code, page := status(t, e, c, "/friends")
	assert.Equal(t, http.StatusUnauthorized, code, page)
	assert.Contains(t, page, okauth.ErrTokenExpired.Error())
	code, _ = status(t, e, c, "/account")
	assert.Equal(t, http.StatusOK, code, "still signed in")
}

// TestDeadTokenCodes: OK's answers for a dead token match ErrTokenExpired,
// others do not.
func TestDeadTokenCodes(t *testing.T) {
	for code, dead := range map[int]bool{102: true, 103: true, 453: true, 104: false, 10: false, 2: false} {
		err := error(&okauth.APIError{Code: code, Msg: "x"})
		assert.Equal(t, dead, errors.Is(err, okauth.ErrTokenExpired), "code %d", code)
		var ae *okauth.APIError
		assert.True(t, errors.As(err, &ae), "still an *APIError")
	}
	assert.Equal(t, http.StatusUnauthorized, okauth.StatusOf(okauth.ErrTokenExpired))
}

// TestCallWithKnownExpiredToken: Auth.Call itself, with a user whose
// token expired, makes no call.
func TestCallWithKnownExpiredToken(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.OK.IssueToken(oktest.DefaultUser)
	u := okauth.User{UID: "574385021466", AccessToken: okauth.Secret(tok.AccessToken), SessionSecret: okauth.Secret(tok.SessionSecret),
		Expires: time.Now().Add(time.Hour), TokenExpires: time.Now().Add(-time.Second)}
	calls := e.OK.APICalls()
	err := e.Auth.Call(okauth.WithUser(context.Background(), u), "friends.get", nil, nil)
	assert.ErrorIs(t, err, okauth.ErrTokenExpired)
	assert.Equal(t, calls, e.OK.APICalls())

	// Control: the same token, still live, is used.
	u.TokenExpires = time.Now().Add(time.Minute)
	assert.NoError(t, e.Auth.Call(okauth.WithUser(context.Background(), u), "friends.get", nil, nil))
	assert.Equal(t, calls+1, e.OK.APICalls())
}

// TestLongTokenLetsOKDecide (token flow): with LONG_ACCESS_TOKEN asked for
// and granted, OK extends the token each time it is used, so okauth fixes
// no expiry at sign-in: an hour later (past the fragment's expires_in)
// Auth.Call still asks OK, and with SessionEndsWithToken the session
// still lasts SessionLifetime; once OK says the token is dead, Auth.Call
// answers ErrTokenExpired.
func TestLongTokenLetsOKDecide(t *testing.T) {
	e, clock := newClockEnv(t, func(c *okauth.Config) {
		c.Scopes = []string{okauth.ScopeLongAccessToken}
		c.SessionEndsWithToken = true
	})
	c := e.Browser(t)
	e.SignIn(t, c, "/")

	clock.advance(time.Hour)
	calls := e.OK.APICalls()
	code, page := status(t, e, c, "/friends")
	assert.Equal(t, http.StatusOK, code, page)
	assert.Equal(t, calls+1, e.OK.APICalls(), "OK, not okauth, decides whether the token lives")

	e.OK.ExpireTokens()
	code, page = status(t, e, c, "/friends")
	assert.Equal(t, http.StatusUnauthorized, code, page)
	assert.Contains(t, page, "102", "OK's answer: the token is dead")
	code, _ = status(t, e, c, "/account")
	assert.Equal(t, http.StatusOK, code, "the session outlives the token OK refused")
}
