package okauth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestJSONErrorShapes: every answer okauth gives a client that is not a
// browser loading a page is {"error": code, "message": …}, the code
// snake_case; login_url only for a request without a bearer session;
// a 401 carries WWW-Authenticate: Bearer when the token route is on, with
// error="invalid_token" exactly when a bearer session was sent and
// refused; a store outage is a 503 store_unavailable, not a sign-in.
func TestJSONErrorShapes(t *testing.T) {
	request := func(t *testing.T, e *testEnv, method, path, accept, bearer string) *http.Request {
		req, err := http.NewRequest(method, e.App.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept", accept)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		return req
	}
	for _, tc := range []struct {
		name     string
		plain    bool // no token route, no SessionStore
		send     func(t *testing.T, e *testEnv, clock *testClock, store *flakyStore) *http.Request
		status   int
		code     string
		www      string // WWW-Authenticate
		loginURL string
	}{
		{name: "anonymous API call",
			send: func(t *testing.T, e *testEnv, _ *testClock, store *flakyStore) *http.Request {
				return request(t, e, http.MethodGet, "/api/me", "application/json", "")
			}, status: 401, code: "not_signed_in", www: "Bearer", loginURL: "/auth/ok/login?next=%2Fapi%2Fme"},
		{name: "anonymous POST accepting HTML",
			send: func(t *testing.T, e *testEnv, _ *testClock, store *flakyStore) *http.Request {
				return request(t, e, http.MethodPost, "/api/me", "text/html", "")
			}, status: 401, code: "not_signed_in", www: "Bearer", loginURL: "/auth/ok/login?next=%2Fapi%2Fme"},
		{name: "anonymous API call, no token route", plain: true,
			send: func(t *testing.T, e *testEnv, _ *testClock, store *flakyStore) *http.Request {
				return request(t, e, http.MethodGet, "/api/me", "application/json", "")
			}, status: 401, code: "not_signed_in", loginURL: "/auth/ok/login?next=%2Fapi%2Fme"},
		{name: "malformed bearer, accepting HTML",
			send: func(t *testing.T, e *testEnv, _ *testClock, store *flakyStore) *http.Request {
				return request(t, e, http.MethodGet, "/", "text/html", "not-a-session")
			}, status: 401, code: "invalid_token", www: `Bearer error="invalid_token"`},
		{name: "bearer ended by SignOutEverywhere",
			send: func(t *testing.T, e *testEnv, _ *testClock, store *flakyStore) *http.Request {
				bearer := nativeSession(t, e, e.OK.IssueToken(oktest.DefaultUser))
				require.NoError(t, e.Auth.SignOutEverywhere(context.Background(), oktest.DefaultUser.UID))
				return request(t, e, http.MethodGet, "/", "application/json", bearer)
			}, status: 401, code: "invalid_token", www: `Bearer error="invalid_token"`},
		{name: "bearer session expired",
			send: func(t *testing.T, e *testEnv, clock *testClock, store *flakyStore) *http.Request {
				bearer := nativeSession(t, e, e.OK.IssueToken(oktest.DefaultUser))
				clock.advance(8 * 24 * time.Hour)
				return request(t, e, http.MethodGet, "/", "application/json", bearer)
			}, status: 401, code: "invalid_token", www: `Bearer error="invalid_token"`},
		{name: "bearer whose OK token expired, RequireToken",
			send: func(t *testing.T, e *testEnv, clock *testClock, store *flakyStore) *http.Request {
				bearer := nativeSession(t, e, e.OK.IssueToken(oktest.DefaultUser))
				clock.advance(time.Hour)
				return request(t, e, http.MethodGet, "/photos", "application/json", bearer)
			}, status: 401, code: "token_expired", www: `Bearer error="invalid_token"`},
		{name: "OK token expired, page's script",
			send: func(t *testing.T, e *testEnv, clock *testClock, store *flakyStore) *http.Request {
				return nil // signed in by a browser below
			}, status: 401, code: "token_expired", www: "Bearer", loginURL: "/auth/ok/login?next=%2Fphotos"},
		{name: "store down, bearer",
			send: func(t *testing.T, e *testEnv, _ *testClock, store *flakyStore) *http.Request {
				bearer := nativeSession(t, e, e.OK.IssueToken(oktest.DefaultUser))
				store.down.Store(true)
				return request(t, e, http.MethodGet, "/", "text/html", bearer)
			}, status: 503, code: "store_unavailable"},
		{name: "store down, page's script",
			send: func(t *testing.T, e *testEnv, _ *testClock, store *flakyStore) *http.Request {
				return nil // signed in by a browser below, then the store goes down
			}, status: 503, code: "store_unavailable"},
		{name: "sign-out with no session",
			send: func(t *testing.T, e *testEnv, _ *testClock, store *flakyStore) *http.Request {
				return request(t, e, http.MethodDelete, "/auth/ok/token", "application/json", "")
			}, status: 401, code: "not_signed_in", www: "Bearer"},
		{name: "token route, wrong method",
			send: func(t *testing.T, e *testEnv, _ *testClock, store *flakyStore) *http.Request {
				return request(t, e, http.MethodPut, "/auth/ok/token", "application/json", "")
			}, status: 405, code: "method_not_allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &flakyStore{SessionStore: okauth.NewMemorySessions()}
			e, clock := newClockEnv(t, func(c *okauth.Config) {
				if !tc.plain {
					c.AppSecret, c.SessionStore = fakeSecret, store
				}
			})
			c := e.App.Client()
			req := tc.send(t, e, clock, store)
			if req == nil { // a page's script, with the browser's session cookie
				c = e.Browser(t)
				e.SignIn(t, c, "/")
				if tc.status == 503 {
					store.down.Store(true)
				} else {
					clock.advance(time.Hour)
				}
				req = request(t, e, http.MethodGet, "/photos", "application/json", "")
			}
			resp, err := c.Do(req)
			require.NoError(t, err)
			raw := body(t, resp)
			assert.Equal(t, tc.status, resp.StatusCode, raw)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.Equal(t, tc.www, resp.Header.Get("WWW-Authenticate"))
			var got struct {
				Error    string `json:"error"`
				Message  string `json:"message"`
				LoginURL string `json:"login_url"`
			}
			dec := json.NewDecoder(strings.NewReader(raw))
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(&got), "the one shape: %s", raw)
			assert.Equal(t, tc.code, got.Error)
			assert.Regexp(t, regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`), got.Error)
			assert.NotEmpty(t, got.Message)
			assert.Equal(t, tc.loginURL, got.LoginURL)
		})
	}
}

// TestForeignBearerWithoutTokenRoute: without the token route (no
// AppSecret) an "Authorization: Bearer" header is not okauth's, such as
// the one an authenticating proxy in front of the site adds to every
// request: a browser's page load is still sent to sign in, and an API
// call is told not_signed_in with the login URL, not invalid_token.
func TestForeignBearerWithoutTokenRoute(t *testing.T) {
	e := newEnv(t, nil)
	send := func(accept string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, e.App.URL+"/me", nil)
		require.NoError(t, err)
		req.Header.Set("Accept", accept)
		req.Header.Set("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.proxy.jwt")
		resp, err := e.Browser(t).Do(req)
		require.NoError(t, err)
		return resp
	}
	page := send("text/html")
	assert.Equal(t, http.StatusSeeOther, page.StatusCode, body(t, page))
	assert.Equal(t, "/auth/ok/login?next=%2Fme", page.Header.Get("Location"))

	api := send("application/json")
	raw := body(t, api)
	assert.Equal(t, http.StatusUnauthorized, api.StatusCode, raw)
	assert.Empty(t, api.Header.Get("WWW-Authenticate"))
	assert.JSONEq(t, `{"error":"not_signed_in","message":"Please sign in with OK.ru first.","login_url":"/auth/ok/login?next=%2Fme"}`, raw)
}
