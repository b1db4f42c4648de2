package okauth_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/oktest"
)

// TestLogoutRefusesCrossOrigin: a POST from another site cannot sign the
// user out.
func TestLogoutRefusesCrossOrigin(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	before := e.jarSession(c)

	req, _ := http.NewRequest(http.MethodPost, e.App.URL+"/auth/ok/logout", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body(t, resp), "came from another site")
	assert.Nil(t, sessionCookie(resp))
	assert.Equal(t, before, e.jarSession(c))
}

// instances are two instances of one app sharing store and one fake OK,
// each with a route that signs out with auth.Logout as an app's own
// handler would (204, or the error's status and text).
func instances(t *testing.T, store okauth.SessionStore) (a, b *testEnv) {
	t.Helper()
	routes := func(auth *okauth.Auth) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/", flowtest.DefaultApp(auth))
		mux.HandleFunc("POST /app/signout", func(w http.ResponseWriter, r *http.Request) {
			if err := auth.Logout(w, r); err != nil {
				http.Error(w, err.Error(), okauth.StatusOf(err))
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		return mux
	}
	edit := func(c *okauth.Config) { c.AppSecret, c.SessionStore = fakeSecret, store }
	a = &testEnv{flowtest.Start(t, edit, routes)}
	b = &testEnv{flowtest.StartWith(t, flowtest.Options{OK: a.OK}, edit, routes)}
	return a, b
}

// bearerDo sends method path to e with the bearer session value (none if
// empty) and a JSON body (none if empty), and returns the answer and its
// body.
func bearerDo(t *testing.T, e *testEnv, method, path, value, jsonBody string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if jsonBody != "" {
		rd = strings.NewReader(jsonBody)
	}
	req, err := http.NewRequest(method, e.App.URL+path, rd)
	require.NoError(t, err)
	if value != "" {
		req.Header.Set("Authorization", "Bearer "+value)
	}
	if jsonBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.App.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// signOutWays are the ways a phone signs out one device on instance e.
var signOutWays = []struct {
	name string
	send func(t *testing.T, e *testEnv, bearer string) (*http.Response, string)
}{
	{"DELETE token", func(t *testing.T, e *testEnv, bearer string) (*http.Response, string) {
		return bearerDo(t, e, http.MethodDelete, "/auth/ok/token", bearer, "")
	}},
	{"DELETE token, JSON body", func(t *testing.T, e *testEnv, bearer string) (*http.Response, string) {
		return bearerDo(t, e, http.MethodDelete, "/auth/ok/token", "", jsonBody("session", bearer))
	}},
	{"POST logout with a bearer", func(t *testing.T, e *testEnv, bearer string) (*http.Response, string) {
		return bearerDo(t, e, http.MethodPost, "/auth/ok/logout", bearer, "")
	}},
	{"auth.Logout", func(t *testing.T, e *testEnv, bearer string) (*http.Response, string) {
		return bearerDo(t, e, http.MethodPost, "/app/signout", bearer, "")
	}},
}

// TestBearerSignOut: each way a phone signs out ends its bearer session
// on the other instance too (they share the SessionStore), with a 204 and
// no redirect; the same user's other device stays signed in; signing out
// again is no error.
func TestBearerSignOut(t *testing.T) {
	for _, way := range signOutWays {
		t.Run(way.name, func(t *testing.T) {
			a, b := instances(t, okauth.NewMemorySessions())
			phone := nativeSession(t, a, a.OK.IssueToken(oktest.DefaultUser))
			tablet := nativeSession(t, a, a.OK.IssueToken(oktest.DefaultUser))
			status, page := bearerGet(t, b, "/", phone)
			require.Equal(t, http.StatusOK, status, page)

			resp, text := way.send(t, a, phone)
			require.Equal(t, http.StatusNoContent, resp.StatusCode, text)
			assert.Empty(t, resp.Header.Get("Location"), "never a redirect")
			assert.Empty(t, resp.Header.Values("Set-Cookie"))

			for name, e := range map[string]*testEnv{"A": a, "B": b} {
				status, page = bearerGet(t, e, "/", phone)
				assert.Equal(t, http.StatusUnauthorized, status, "%s refuses the ended session: %s", name, page)
				assert.Contains(t, page, `"error":"invalid_token"`)
			}
			status, page = bearerGet(t, b, "/", tablet)
			assert.Equal(t, http.StatusOK, status, "the other device stays signed in: %s", page)

			resp, text = way.send(t, b, phone)
			assert.Equal(t, http.StatusNoContent, resp.StatusCode, "a retry: %s", text)
		})
	}
}

// TestBearerSignOutRefusals: a sign-out that cannot end the session says
// so in JSON and leaves the session working: without a SessionStore (the
// bearer value is the whole session) and with the store down; a request
// with no session, one from another site or with a body that is not the
// one JSON field is refused without ending anything.
func TestBearerSignOutRefusals(t *testing.T) {
	t.Run("no SessionStore", func(t *testing.T) {
		a, _ := instances(t, nil)
		phone := nativeSession(t, a, a.OK.IssueToken(oktest.DefaultUser))
		for _, way := range signOutWays {
			resp, text := way.send(t, a, phone)
			assert.Equal(t, http.StatusNotImplemented, resp.StatusCode, "%s: %s", way.name, text)
			if way.name != "auth.Logout" {
				assert.Contains(t, text, `"error":"not_revocable"`, way.name)
			} else {
				assert.Contains(t, text, okauth.ErrNotRevocable.Error())
				assert.Contains(t, text, okauth.ErrSignOutFailed.Error())
			}
			status, page := bearerGet(t, a, "/", phone)
			assert.Equal(t, http.StatusOK, status, "%s: the session still works, as the answer said: %s", way.name, page)
		}
	})
	t.Run("store down", func(t *testing.T) {
		store := &flakyStore{SessionStore: okauth.NewMemorySessions()}
		a, _ := instances(t, store)
		phone := nativeSession(t, a, a.OK.IssueToken(oktest.DefaultUser))
		store.down.Store(true)
		for _, way := range signOutWays {
			resp, text := way.send(t, a, phone)
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s: %s", way.name, text)
			if way.name != "auth.Logout" {
				assert.Contains(t, text, `"error":"store_unavailable"`, way.name)
			}
		}
		store.down.Store(false)
		status, page := bearerGet(t, a, "/", phone)
		assert.Equal(t, http.StatusOK, status, "the session lives on: %s", page)
	})
	t.Run("bad requests", func(t *testing.T) {
		a, _ := instances(t, okauth.NewMemorySessions())
		phone := nativeSession(t, a, a.OK.IssueToken(oktest.DefaultUser))
		for _, tc := range []struct {
			name, body, origin string
			status             int
			code               string
		}{
			{name: "no session", status: 401, code: "not_signed_in"},
			{name: "unknown field", body: jsonBody("session", phone, "x", "1"), status: 400, code: "invalid_request"},
			{name: "not JSON", body: "session=" + phone, status: 400, code: "invalid_request"},
			{name: "from another site", body: jsonBody("session", phone), origin: "https://evil.example", status: 403, code: "cross_origin"},
		} {
			req, err := http.NewRequest(http.MethodDelete, a.App.URL+"/auth/ok/token", strings.NewReader(tc.body))
			require.NoError(t, err)
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
				req.Header.Set("Sec-Fetch-Site", "cross-site")
			}
			resp, err := a.App.Client().Do(req)
			require.NoError(t, err)
			text := body(t, resp)
			assert.Equal(t, tc.status, resp.StatusCode, "%s: %s", tc.name, text)
			assert.Contains(t, text, `"error":"`+tc.code+`"`, tc.name)
			assert.NotContains(t, text, phone, tc.name)
			status, page := bearerGet(t, a, "/", phone)
			assert.Equal(t, http.StatusOK, status, "%s ended nothing: %s", tc.name, page)
		}
	})
}

// TestLogoutPage: a sign-out link (GET) opens a page in the visitor's
// language whose button posts to the logout route, and ends nothing by
// itself; the form's POST, same-origin as a browser sends it, signs out.
func TestLogoutPage(t *testing.T) {
	for _, tc := range []struct {
		name, accept, lang string
		words              []string
	}{
		{"English", "", "", []string{`lang="en"`, "Sign out?", ">Sign out</button>"}},
		{"Accept-Language", "ru-RU,ru;q=0.9,en;q=0.5", "", []string{`lang="ru"`, "Выйти?", ">Выйти</button>"}},
		{"Config.Language", "en", okauth.LangRussian, []string{`lang="ru"`, "Выйти?", ">Выйти</button>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *okauth.Config) { c.Language = tc.lang })
			c := e.Browser(t)
			e.SignIn(t, c, "/")
			before := e.jarSession(c)
			req, _ := http.NewRequest(http.MethodGet, e.App.URL+"/auth/ok/logout", nil)
			req.Header.Set("Accept-Language", tc.accept)
			resp, err := c.Do(req)
			require.NoError(t, err)
			page := body(t, resp)
			require.Equal(t, http.StatusOK, resp.StatusCode, page)
			assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
			assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "form-action 'self'")
			assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), "no framing: the button cannot be clickjacked")
			assert.Contains(t, page, `<form method="post" action="/auth/ok/logout"`)
			for _, w := range tc.words {
				assert.Contains(t, page, w)
			}
			assert.Nil(t, sessionCookie(resp))
			assert.Equal(t, before, e.jarSession(c), "the link alone signs no one out")

			resp = logout(t, e, c)
			assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
			assert.Empty(t, e.jarSession(c), "the button's POST signs out")
		})
	}
}
