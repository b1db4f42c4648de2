package okauth_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

var errBanned = errors.New("user 574385021466 is banned")

// TestOnSignInRefuses, in both flows: a refusal shows the failure page,
// writes no session, leaves the session the browser had untouched and is
// logged once; the failure handler can read the app's reason.
func TestOnSignInRefuses(t *testing.T) {
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) {
			var refuse atomic.Bool
			var seen atomic.Value
			e := newEnv(t, inFlow(flow, func(c *okauth.Config) {
				c.OnSignIn = func(r *http.Request, u *okauth.User) error {
					if refuse.Load() {
						return errBanned
					}
					u.AccountID = "acct-" + u.UID
					return nil
				}
				c.FailureHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					err, _ := okauth.ErrorFrom(r.Context())
					seen.Store(err)
					w.WriteHeader(okauth.StatusOf(err))
					io.WriteString(w, "refused page")
				})
			}))
			c := e.Browser(t)
			e.SignIn(t, c, "/")
			before := e.jarSession(c)
			code, page := status(t, e, c, "/session")
			require.Equal(t, http.StatusOK, code)
			assert.Contains(t, page, "account=acct-574385021466", "the account ID rides in the session")

			refuse.Store(true)
			resp := e.Finish(t, c, e.StartLogin(t, c, "/"))
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.Equal(t, "refused page", body(t, resp))
			assert.Nil(t, sessionCookie(resp), "no session written")
			assert.Equal(t, before, e.jarSession(c), "the existing session is untouched")
			err, _ := seen.Load().(error)
			assert.ErrorIs(t, err, okauth.ErrRefusedByOnSignIn)
			assert.ErrorIs(t, err, errBanned, "the app's reason reaches the failure handler")
			assert.Equal(t, 1, strings.Count(e.Logs.String(), `msg="okauth: sign-in failed"`), "logged once")
		})
	}
}

// TestOnSignInDefaultPage: the default error page says the site refused,
// and does not show the app's reason.
func TestOnSignInDefaultPage(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) {
		c.OnSignIn = func(*http.Request, *okauth.User) error { return errBanned }
	})
	c := e.Browser(t)
	resp := e.Finish(t, c, e.StartLogin(t, c, "/"))
	page := body(t, resp)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, page, "This site did not accept this sign-in")
	assert.NotContains(t, page, "banned")
	assert.Empty(t, e.jarSession(c))
}

// TestOnSignInCannotChangeUser: the hook gets a copy; only AccountID is
// kept.
func TestOnSignInCannotChangeUser(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) {
		c.OnSignIn = func(_ *http.Request, u *okauth.User) error {
			u.UID, u.Name, u.AccountID = "1", "Someone Else", "42"
			return nil
		}
	})
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	_, page := status(t, e, c, "/account")
	assert.Contains(t, page, "hello Иван Петров uid=574385021466")
	_, page = status(t, e, c, "/session")
	assert.Contains(t, page, "account=42")
}

// TestUnauthenticated: RequireLogin hands anonymous requests to the app's
// handler when one is set.
func TestUnauthenticated(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) {
		c.Unauthenticated = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, "choose how to sign in: "+r.URL.Path)
		})
	})
	code, page := status(t, e, e.Browser(t), "/account")
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Equal(t, "choose how to sign in: /account", page)
}

// TestExtraFields: fields beyond the built-in ones reach User.Extra,
// within the size bound.
func TestExtraFields(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) {
		c.Fields = []string{"uid", "name", "first_name", "last_name", "birthday", "location", "huge", "missing"}
	})
	u := oktest.DefaultUser
	u.Extra = map[string]any{"birthday": "1990-05-17", "location": map[string]string{"city": "Москва"},
		"huge": strings.Repeat("x", 10<<10), "unasked": "no"}
	e.OK.SetUser(u)
	c := e.Browser(t)
	ck := sessionCookie(e.SignIn(t, c, "/"))
	require.NotNil(t, ck)
	assert.Less(t, len(ck.String()), 2048, "the cookie stays small")
	_, page := status(t, e, c, "/session")
	assert.Contains(t, page, "birthday:1990-05-17")
	assert.Contains(t, page, `location:{"city":"Москва"}`)
	assert.Contains(t, page, "huge:"+strings.Repeat("x", 256)+" ", "a long string is clipped to 256 bytes")
	assert.NotContains(t, page, strings.Repeat("x", 257))
	assert.NotContains(t, page, "unasked")
	assert.NotContains(t, page, "missing")
}

// TestHasPermission: the verified check asks OK (one call), and OK's
// answer counts, not what the browser claimed in permissions_granted.
func TestHasPermission(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)
	f := e.StartLogin(t, c, "/")
	f.Set("permissions_granted", "GET_EMAIL;VALUABLE_ACCESS") // the browser claims more
	resp := e.Relay(t, c, f)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	calls := e.OK.APICalls()
	_, page := status(t, e, c, "/perm?p="+okauth.ScopeValuableAccess)
	assert.Equal(t, "claimed=true verified=false", page, "claimed by the browser, refused by OK")
	assert.Equal(t, calls+1, e.OK.APICalls(), "one call")
	_, page = status(t, e, c, "/perm?p="+okauth.ScopeGetEmail)
	assert.Equal(t, "claimed=true verified=true", page)
}

// TestRequireToken (token flow): with the token expired, a page load goes
// through OK's dialog and back to the same page with a new token; an API
// client is told 401. In the code flow the page runs, since the token
// can be refreshed.
func TestRequireToken(t *testing.T) {
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) {
			e, clock := newClockEnv(t, inFlow(flow, nil))
			c := e.Browser(t)
			e.SignIn(t, c, "/")
			before := e.jarSession(c)
			clock.advance(time.Hour)

			resp := get(t, c, e.App.URL+"/photos?x=1")
			if flow == okauth.FlowCode {
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, "live token", body(t, resp))
				return
			}
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			assert.Equal(t, "/auth/ok/login?next="+url.QueryEscape("/photos?x=1"), resp.Header.Get("Location"))
			assert.Equal(t, before, e.jarSession(c), "the session stays meanwhile")

			req, _ := http.NewRequest(http.MethodPost, e.App.URL+"/photos", nil)
			resp, err := c.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Contains(t, body(t, resp), `"error":"token expired"`)

			resp = e.SignIn(t, c, "/photos?x=1")
			assert.Equal(t, "/photos?x=1", resp.Header.Get("Location"))
			code, page := status(t, e, c, "/photos?x=1")
			assert.Equal(t, http.StatusOK, code)
			assert.Equal(t, "live token", page)
		})
	}
}
