package okauth_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

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

// TestFullFlow walks sign-in → protected page → API call → logout over
// real HTTP, with a cookie jar and the fake OK, in each flow: with the
// relay POST (token flow) or the code in the callback's query (code flow).
func TestFullFlow(t *testing.T) {
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) { testFullFlow(t, flow) })
	}
}

func testFullFlow(t *testing.T, flow okauth.Flow) {
	e := newEnv(t, inFlow(flow, nil))
	e.OK.HandleMethod("friends.get", func(tok *oktest.Token, _ map[string]string) (any, error) {
		return []string{"111", "222"}, nil
	})
	c := e.Browser(t)

	// An anonymous browser is sent to sign in, remembering where it was.
	resp := get(t, c, e.App.URL+"/account?tab=1")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	loc := resp.Header.Get("Location")
	require.Equal(t, "/auth/ok/login?next="+url.QueryEscape("/account?tab=1"), loc)

	frag := e.StartLogin(t, c, "/account?tab=1")
	want := []string{"access_token", "session_secret_key", "state", "expires_in"}
	if flow == okauth.FlowCode {
		want = []string{"code", "state"}
		assert.Empty(t, frag.Get("access_token"), "no token reaches the browser")
	}
	for _, k := range want {
		require.NotEmpty(t, frag.Get(k), k)
	}
	callsBefore, tokenCallsBefore := e.OK.APICalls(), e.OK.TokenCalls()
	resp = e.Finish(t, c, frag)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
	assert.Equal(t, "/account?tab=1", resp.Header.Get("Location"))
	assert.Equal(t, 1, e.OK.APICalls()-callsBefore, "the callback makes exactly one call to OK's API")
	wantTokenCalls := 0
	if flow == okauth.FlowCode {
		wantTokenCalls = 1
	}
	assert.Equal(t, wantTokenCalls, e.OK.TokenCalls()-tokenCallsBefore, "calls to OK's token endpoint")

	ck := sessionCookie(resp)
	require.NotNil(t, ck, "a session cookie is set")
	assert.True(t, ck.HttpOnly)
	assert.True(t, ck.Secure)
	assert.Equal(t, http.SameSiteLaxMode, ck.SameSite)
	assert.Equal(t, "/", ck.Path)
	week := 7 * 24 * 60 * 60
	assert.Greater(t, ck.MaxAge, week-60, "the session lasts SessionLifetime (7 days), not the token's 30 minutes")
	assert.LessOrEqual(t, ck.MaxAge, week)
	assert.Less(t, len(ck.String()), 1024, "the whole Set-Cookie stays under 1 KB")

	// The protected page sees the user OK named.
	resp = get(t, c, e.App.URL+"/account?tab=1")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hello Иван Петров uid=574385021466 path=/account", body(t, resp))

	// The API call goes out signed as the user.
	resp = get(t, c, e.App.URL+"/friends")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "friends=111,222", body(t, resp))

	// Logout ends the session and goes to /.
	resp = logout(t, e, c)
	assert.Equal(t, "/", resp.Header.Get("Location"))
	require.NotNil(t, sessionCookie(resp))
	assert.Less(t, sessionCookie(resp).MaxAge, 0, "logout deletes the cookie")
	assert.Empty(t, e.jarSession(c))

	resp = get(t, c, e.App.URL+"/account")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "signed out again")

	logs := e.Logs.String()
	assert.Contains(t, logs, "okauth: signed in")
	for _, k := range []string{"access_token", "session_secret_key", "code"} {
		if v := frag.Get(k); v != "" {
			assert.NotContains(t, logs, v)
		}
	}
}

// TestOnSignInRefusalOffersNoRetry: the default page of a sign-in the app
// refused (a banned user) says so in the visitor's language and offers no
// "Try again", which could not succeed; the way home stays.
func TestOnSignInRefusalOffersNoRetry(t *testing.T) {
	for _, c := range []struct{ lang, title, tryAgain string }{
		{okauth.LangEnglish, "Sign-in refused", "Try again"},
		{okauth.LangRussian, "Вход отклонён", "Попробовать ещё раз"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			e := newEnv(t, func(cfg *okauth.Config) {
				cfg.Language = c.lang
				cfg.OnSignIn = func(*http.Request, *okauth.User) error { return errBanned }
			})
			b := e.Browser(t)
			resp := e.Finish(t, b, e.StartLogin(t, b, "/account"))
			page := body(t, resp)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.Contains(t, page, "<h1>"+c.title+"</h1>")
			assert.NotContains(t, page, "okauth-retry")
			assert.NotContains(t, page, c.tryAgain)
			assert.Contains(t, page, `id="okauth-home"`)
		})
	}
}
