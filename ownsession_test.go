package okauth_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gorilla/sessions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/oktest"
)

// siteCookie is the name of the site's own session cookie in these tests.
const siteCookie = "site"

// ownSessions is a site with its own sessions: WriteSession sets the
// site's cookie (uid and account), and /mine shows whom that cookie names.
// calls counts the hook's calls; fail, when set, makes the hook write a
// cookie and a header, then fail.
type ownSessions struct {
	calls  atomic.Int32
	fail   atomic.Bool
	status atomic.Int32 // a status the hook writes, if set
}

var errSiteDB = errors.New("site database down")

func (o *ownSessions) edit(flow okauth.Flow, more func(*okauth.Config)) func(*okauth.Config) {
	return inFlow(flow, func(c *okauth.Config) {
		c.WriteSession = func(w http.ResponseWriter, r *http.Request, u *okauth.User) error {
			o.calls.Add(1)
			http.SetCookie(w, &http.Cookie{Name: siteCookie, Value: "uid-" + u.UID + "-acct-" + u.AccountID, Path: "/", Secure: true, HttpOnly: true})
			w.Header().Set("X-Site", "written")
			if s := o.status.Load(); s != 0 {
				w.WriteHeader(int(s))
			}
			if o.fail.Load() {
				return errSiteDB
			}
			return nil
		}
		if more != nil {
			more(c)
		}
	})
}

func (o *ownSessions) routes(auth *okauth.Auth) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.HandleFunc("/mine", func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(siteCookie)
		if err != nil {
			http.Error(w, "not signed in", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "site session "+ck.Value)
	})
	return auth.Middleware(mux)
}

// jarCookie is the value of cookie name in c's jar for e's app, or "".
func jarCookie(e *flowtest.Env, c *http.Client, name string) string {
	u, _ := url.Parse(e.App.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// setCookies are the names of the cookies resp sets, but the state
// cookie's deletion.
func setCookies(resp *http.Response) []string {
	var names []string
	for _, ck := range resp.Cookies() {
		if ck.Name != stateName {
			names = append(names, ck.Name)
		}
	}
	return names
}

// TestWriteSession, in both flows, end to end with the fake OK: the site's
// hook writes the site's session, okauth writes none and redirects to the
// page the sign-in was to return to; the hook ran after OnSignIn (it sees
// the account ID).
func TestWriteSession(t *testing.T) {
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) {
			o := &ownSessions{}
			e := flowtest.Start(t, o.edit(flow, func(c *okauth.Config) {
				c.OnSignIn = func(_ *http.Request, u *okauth.User) error { u.AccountID = "42"; return nil }
			}), o.routes)
			c := e.Browser(t).Client
			resp := e.SignIn(t, c, "/mine?tab=1")
			assert.Equal(t, "/mine?tab=1", resp.Header.Get("Location"))
			assert.Equal(t, []string{siteCookie}, setCookies(resp), "only the site's session is written")
			assert.Equal(t, "written", resp.Header.Get("X-Site"))
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.Empty(t, e.JarSession(c), "okauth wrote no session")
			assert.EqualValues(t, 1, o.calls.Load())

			page := flowtest.Get(t, c, e.App.URL+"/mine")
			assert.Equal(t, "site session uid-"+oktest.DefaultUser.UID+"-acct-42", flowtest.Body(t, page))
			assert.Contains(t, e.Logs.String(), `msg="okauth: signed in" uid=`+oktest.DefaultUser.UID)
		})
	}
}

// TestWriteSessionAnswersItself: a hook that writes a status and a body
// is the answer, sent as it wrote it, with its cookie.
func TestWriteSessionAnswersItself(t *testing.T) {
	e := flowtest.Start(t, func(c *okauth.Config) {
		c.WriteSession = func(w http.ResponseWriter, _ *http.Request, u *okauth.User) error {
			http.SetCookie(w, &http.Cookie{Name: siteCookie, Value: u.UID, Path: "/", Secure: true})
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, "welcome "+u.Name)
			return nil
		}
	}, nil)
	c := e.Browser(t).Client
	resp := e.Finish(t, c, e.StartLogin(t, c, "/next"))
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "welcome Иван Петров", flowtest.Body(t, resp))
	assert.Empty(t, resp.Header.Get("Location"))
	assert.Equal(t, []string{siteCookie}, setCookies(resp))
}

// TestWriteSessionFailuresWriteNothing, in both flows: a bad state, a
// replayed callback, OK refusing the token, OnSignIn refusing and the hook
// failing each show the failure page, send no cookie and no header the
// hook set, and leave the site's existing session alone; only the hook's
// own failure got as far as the hook.
func TestWriteSessionFailuresWriteNothing(t *testing.T) {
	type row struct {
		name   string
		status int
		page   string
		// run makes the failing request; refuse is OnSignIn's answer.
		run       func(t *testing.T, e *flowtest.Env, c *http.Client, o *ownSessions) *http.Response
		refuse    bool
		hookCalls int32
	}
	finish := func(edit func(url.Values)) func(*testing.T, *flowtest.Env, *http.Client, *ownSessions) *http.Response {
		return func(t *testing.T, e *flowtest.Env, c *http.Client, _ *ownSessions) *http.Response {
			params := e.StartLogin(t, c, "/mine")
			if edit != nil {
				edit(params)
			}
			return e.Finish(t, c, params)
		}
	}
	rows := []row{
		{name: "bad state", status: http.StatusBadRequest, page: "Sign-in not recognised",
			run: finish(func(p url.Values) { p.Set("state", p.Get("state")+"x") })},
		{name: "replayed", status: http.StatusBadRequest, page: "Sign-in already used", hookCalls: 1,
			run: func(t *testing.T, e *flowtest.Env, c *http.Client, o *ownSessions) *http.Response {
				params := e.StartLogin(t, c, "/mine")
				// The attacker's copy of the callback lands first, in
				// another browser with this browser's state cookie.
				thief := e.Browser(t).Client
				u, _ := url.Parse(e.App.URL + e.Prefix + "/callback")
				thief.Jar.SetCookies(u, c.Jar.Cookies(u))
				first := e.Finish(t, thief, params)
				require.Equal(t, http.StatusSeeOther, first.StatusCode, flowtest.Body(t, first))
				return e.Finish(t, c, params)
			}},
		{name: "OK refuses the token", status: http.StatusUnauthorized, page: "OK.ru refused the sign-in",
			run: func(t *testing.T, e *flowtest.Env, c *http.Client, o *ownSessions) *http.Response {
				params := e.StartLogin(t, c, "/mine")
				e.OK.SetAPIError(okauth.CodeSessionExpired)
				defer e.OK.SetAPIError(0)
				return e.Finish(t, c, params)
			}},
		{name: "OnSignIn refuses", status: http.StatusForbidden, page: "This site did not accept this sign-in", refuse: true,
			run: finish(nil)},
		{name: "the hook fails", status: http.StatusInternalServerError, page: "This site could not complete the sign-in", hookCalls: 1,
			run: func(t *testing.T, e *flowtest.Env, c *http.Client, o *ownSessions) *http.Response {
				o.fail.Store(true)
				return finish(nil)(t, e, c, o)
			}},
		{name: "the hook writes no HTTP status", status: http.StatusInternalServerError, page: "This site could not complete the sign-in", hookCalls: 1,
			run: func(t *testing.T, e *flowtest.Env, c *http.Client, o *ownSessions) *http.Response {
				o.status.Store(1000)
				return finish(nil)(t, e, c, o)
			}},
	}
	for _, flow := range flows {
		for _, r := range rows {
			t.Run(string(flow)+"/"+r.name, func(t *testing.T) {
				o := &ownSessions{}
				e := flowtest.Start(t, o.edit(flow, func(c *okauth.Config) {
					c.OnSignIn = func(*http.Request, *okauth.User) error {
						if r.refuse {
							return errBanned
						}
						return nil
					}
				}), o.routes)
				c := e.Browser(t).Client
				u, _ := url.Parse(e.App.URL)
				c.Jar.SetCookies(u, []*http.Cookie{{Name: siteCookie, Value: "old", Path: "/"}})

				resp := r.run(t, e, c, o)
				page := flowtest.Body(t, resp)
				assert.Equal(t, r.status, resp.StatusCode, page)
				assert.Contains(t, page, r.page)
				assert.Empty(t, setCookies(resp), "no cookie is written")
				assert.Empty(t, resp.Header.Get("X-Site"), "no header the hook set leaks")
				assert.Equal(t, "old", jarCookie(e, c, siteCookie), "the existing session is left alone")
				assert.Empty(t, e.JarSession(c), "okauth wrote no session")
				assert.Equal(t, r.hookCalls, o.calls.Load(), "the hook runs only after every check")
			})
		}
	}
}

// TestWriteSessionFailureLogged: the hook's failure is the site's, logged
// once as an ERROR with its reason, and the failure handler gets an error
// matching ErrWriteSessionFailed that wraps it.
func TestWriteSessionFailureLogged(t *testing.T) {
	o := &ownSessions{}
	o.fail.Store(true)
	var seen atomic.Value
	e := flowtest.Start(t, o.edit(okauth.FlowToken, func(c *okauth.Config) {
		c.FailureHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			err, _ := okauth.ErrorFrom(r.Context())
			seen.Store(err)
			w.WriteHeader(okauth.StatusOf(err))
		})
	}), o.routes)
	c := e.Browser(t).Client
	resp := e.Finish(t, c, e.StartLogin(t, c, "/mine"))
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	err, _ := seen.Load().(error)
	assert.ErrorIs(t, err, okauth.ErrWriteSessionFailed)
	assert.ErrorIs(t, err, errSiteDB)
	logs := e.Logs.String()
	assert.Equal(t, 1, strings.Count(logs, `level=ERROR msg="okauth: sign-in failed"`), logs)
	assert.Contains(t, logs, "site database down")
	assert.NotContains(t, logs, "okauth: signed in")
}

// TestWriteSessionRefusesOkauthSessions: New refuses WriteSession with the
// fields that keep okauth's own sessions, naming them, and the token route
// of native apps issues no session (501, the hook not called).
func TestWriteSessionRefusesOkauthSessions(t *testing.T) {
	hook := func(http.ResponseWriter, *http.Request, *okauth.User) error { return nil }
	for _, c := range []struct {
		field string
		edit  func(*okauth.Config)
	}{
		{"AppLink", func(c *okauth.Config) { c.AppSecret, c.AppLink = "s", &okauth.AppLink{} }},
		{"SessionStore", func(c *okauth.Config) { c.SessionStore = okauth.NewMemorySessions() }},
		{"GorillaStore", func(c *okauth.Config) { c.GorillaStore = sessions.NewCookieStore(testKeys...) }},
	} {
		cfg := okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://example.com/auth/ok/callback",
			SessionKeys: testKeys, WriteSession: hook}
		c.edit(&cfg)
		_, err := okauth.New(cfg)
		require.ErrorIs(t, err, okauth.ErrConfig, c.field)
		assert.Contains(t, err.Error(), c.field+" is set with WriteSession")
	}

	o := &ownSessions{}
	e := &testEnv{flowtest.Start(t, o.edit(okauth.FlowCode, nil), o.routes)}
	tok := e.OK.IssueToken(oktest.DefaultUser)
	resp, _, raw := postToken(t, e, "application/json", "", `{"access_token":"`+tok.AccessToken+`"}`)
	assert.Equal(t, http.StatusNotImplemented, resp.StatusCode, raw)
	assert.Zero(t, o.calls.Load())

	// The token route is off for signing out too, and a bearer header is
	// no session of okauth's: DELETE says the route is off, not that a
	// session cannot be ended.
	req, err := http.NewRequest(http.MethodDelete, e.App.URL+"/auth/ok/token", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer some-value")
	del, err := e.App.Client().Do(req)
	require.NoError(t, err)
	text := flowtest.Body(t, del)
	assert.Equal(t, http.StatusNotImplemented, del.StatusCode, text)
	assert.Contains(t, text, `"error":"not_configured"`)
}

// TestWriteSessionKnowsNoOkauthSession: with WriteSession, a session
// cookie okauth wrote before the site took its sessions over (same keys)
// signs no one in: UserFrom and RequireLogin know no user, as the site's
// own sign-out could not end it.
func TestWriteSessionKnowsNoOkauthSession(t *testing.T) {
	before := newEnv(t, nil)
	c := before.Browser(t)
	before.SignIn(t, c, "/")
	old := before.jarSession(c)
	require.NotEmpty(t, old)

	o := &ownSessions{}
	e := flowtest.Start(t, o.edit(okauth.FlowToken, nil), nil)
	b := e.Browser(t).Client
	u, _ := url.Parse(e.App.URL)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: sessionName, Value: old, Path: "/"}})
	assert.Equal(t, "public, anonymous", flowtest.Body(t, flowtest.Get(t, b, e.App.URL+"/public")))
	resp := flowtest.Get(t, b, e.App.URL+"/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, flowtest.Body(t, resp))
	assert.Equal(t, "/auth/ok/login?next=%2F", resp.Header.Get("Location"), "sent to sign in")
}

// TestWriteSessionServesNoLogout: with WriteSession the site's own
// sign-out ends its sessions; okauth's logout route, which could end none
// of them, is not served (404, and not among Routes), rather than
// answering a sign-out that did not happen with the redirect of one that
// did.
func TestWriteSessionServesNoLogout(t *testing.T) {
	o := &ownSessions{}
	e := flowtest.Start(t, o.edit(okauth.FlowToken, nil), o.routes)
	c := e.Browser(t).Client
	e.SignIn(t, c, "/mine")
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, err := http.NewRequest(method, e.App.URL+e.Auth.LogoutURL(), nil)
		require.NoError(t, err)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := c.Do(req)
		require.NoError(t, err)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s: %s", method, flowtest.Body(t, resp))
		assert.Empty(t, resp.Header.Get("Location"), method)
	}
	assert.Equal(t, "site session uid-"+oktest.DefaultUser.UID+"-acct-", flowtest.Body(t, flowtest.Get(t, c, e.App.URL+"/mine")))
	for _, r := range e.Auth.Routes() {
		assert.NotEqual(t, "/logout", r.Path)
	}
}
