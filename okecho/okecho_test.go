package okecho_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/okecho"
	"github.com/okauth/okauth/oktest"
)

// show is a page that prints the user as okecho.User, the UserKey value
// and c.Request()'s context each see it, and calls OK as the user with
// that context, which needs the user there.
func show(auth *okauth.Auth, reached *atomic.Int64) echo.HandlerFunc {
	return func(c echo.Context) error {
		reached.Add(1)
		u, _ := okecho.User(c)
		keyed, _ := c.Get(okecho.UserKey).(okauth.User)
		onRequest, _ := okauth.UserFrom(c.Request().Context())
		var friends []string
		err := auth.Call(c.Request().Context(), "friends.get", nil, &friends)
		return c.String(http.StatusOK, flowtest.ShowUser(u, keyed, onRequest, err))
	}
}

// TestFlowInGroups mounts okauth's routes on a group with middleware of
// its own and guards a group with RequireLogin alone, with no Middleware
// anywhere: RequireLogin must hand the user on with c.SetRequest, and
// Middleware on one route must too.
func TestFlowInGroups(t *testing.T) {
	var reached, authRoutes atomic.Int64
	env := flowtest.Start(t, nil, func(auth *okauth.Auth) http.Handler {
		e := echo.New()
		okecho.Mount(e.Group("", func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error { authRoutes.Add(1); return next(c) }
		}), auth)
		e.GET("/whoami", echo.WrapHandler(flowtest.WhoAmI), okecho.Middleware(auth))
		account := e.Group("/account", okecho.RequireLogin(auth))
		account.GET("/me", show(auth, &reached))
		return e
	})
	b := env.Browser(t)
	b.AsksForSignIn("/account/me")
	assert.Zero(t, reached.Load(), "RequireLogin called the next handler")
	assert.Equal(t, "anonymous", b.Page("/whoami").Text)

	b.SignIn("/account/me")
	assert.EqualValues(t, 4, authRoutes.Load(), "login, relay page, fragment.js and callback POST through the group")
	page := b.Page("/account/me")
	require.Equal(t, http.StatusOK, page.StatusCode)
	flowtest.SignedInPage(t, page.Text)
	assert.Equal(t, "request_uid="+oktest.DefaultUser.UID, b.Page("/whoami").Text, "Middleware lost the user: request not set back")

	b.Logout()
	b.AsksForSignIn("/account/me")
	assert.Equal(t, "anonymous", b.Page("/whoami").Text)
	assert.EqualValues(t, 1, reached.Load())
}

// TestFlowOnEcho runs the flow with Middleware on the whole Echo and
// okauth's routes mounted on it.
func TestFlowOnEcho(t *testing.T) {
	var reached atomic.Int64
	env := flowtest.Start(t, nil, func(auth *okauth.Auth) http.Handler {
		e := echo.New()
		e.Use(okecho.Middleware(auth))
		okecho.Mount(e, auth)
		e.GET("/me", show(auth, &reached), okecho.RequireLogin(auth))
		return e
	})
	env.Walk(t, "/me")
	assert.EqualValues(t, 1, reached.Load())
}

// TestFlowCustomPrefix mounts under a prefix other than the default.
func TestFlowCustomPrefix(t *testing.T) {
	env := flowtest.Start(t, func(c *okauth.Config) { c.Prefix = "/sso/ok" }, func(auth *okauth.Auth) http.Handler {
		e := echo.New()
		okecho.Mount(e, auth)
		e.GET("/me", show(auth, new(atomic.Int64)), okecho.RequireLogin(auth))
		return e
	})
	env.Walk(t, "/me")
}

// TestMountRegistersEachMethod: Mount registers every route okauth
// serves for exactly the methods it serves, so a wrong method gets Echo's
// own 405 with the route's methods.
func TestMountRegistersEachMethod(t *testing.T) {
	auth := flowtest.NewFramingAuth(t) // with AppLink, so every route
	want := []string{}
	for _, route := range auth.Routes() {
		for _, method := range route.Methods {
			want = append(want, method+" "+auth.Prefix()+route.Path)
		}
	}
	e := echo.New()
	okecho.Mount(e, auth)
	got := []string{}
	for _, route := range e.Routes() {
		got = append(got, route.Method+" "+route.Path)
	}
	assert.ElementsMatch(t, want, got)
	assert.Contains(t, got, "HEAD /auth/ok/button.css")
	assert.Contains(t, got, "POST /auth/ok/app")

	resp := serve(e, "/auth/ok/token")
	assert.Equal(t, http.StatusMethodNotAllowed, resp.Code)
	assert.Equal(t, "OPTIONS, DELETE, POST", resp.Header().Get("Allow"))
}

func TestMountPanicsOnPrefixedGroup(t *testing.T) {
	auth := flowtest.NewAuth(t)
	for _, prefix := range []string{"/auth", "/auth/ok", "/other"} {
		t.Run(prefix, func(t *testing.T) {
			e := echo.New()
			assert.PanicsWithValue(t, fmt.Sprintf("okecho: cannot mount okauth's routes on a group with a prefix: %q landed at %q; mount them on the Echo or a group with an empty prefix", "/auth/ok/login", prefix+"/auth/ok/login"),
				func() { okecho.Mount(e.Group(prefix), auth) })
		})
	}
}

func TestUser(t *testing.T) {
	want := okauth.User{UID: "42", Name: "Test User"}
	e := echo.New()
	c := e.NewContext(nil, httptest.NewRecorder())
	_, ok := okecho.User(c)
	assert.False(t, ok, "no request")

	c.SetRequest(httptest.NewRequest(http.MethodGet, "/", nil))
	_, ok = okecho.User(c)
	assert.False(t, ok, "nobody signed in")

	c.SetRequest(c.Request().WithContext(okauth.WithUser(c.Request().Context(), want)))
	got, ok := okecho.User(c)
	assert.True(t, ok)
	assert.Equal(t, want, got, "user from the request's context")

	keyed := okauth.User{UID: "7"}
	c.Set(okecho.UserKey, keyed)
	got, _ = okecho.User(c)
	assert.Equal(t, keyed, got, "user under UserKey")
}

// TestRequireLoginReturnsHTTPError: a refusal reaches the app's
// HTTPErrorHandler as an *echo.HTTPError wrapping okauth.ErrNotSignedIn:
// 303 with Location set for a browser, 401 with the login URL for an API
// client.
func TestRequireLoginReturnsHTTPError(t *testing.T) {
	auth := flowtest.NewAuth(t)
	e := echo.New()
	var seen []error
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		seen = append(seen, err)
		var he *echo.HTTPError
		if errors.As(err, &he) {
			_ = c.String(he.Code, "handled by the app")
		}
	}
	e.GET("/me", func(c echo.Context) error { return c.String(http.StatusOK, "secret") }, okecho.RequireLogin(auth))

	for _, tc := range []struct {
		accept   string
		code     int
		location string
		message  any
	}{
		{"text/html", http.StatusSeeOther, "/auth/ok/login?next=%2Fme", "See Other"},
		{"application/json", http.StatusUnauthorized, "", map[string]string{"error": "not_signed_in", "message": "Please sign in with OK.ru first.", "login_url": "/auth/ok/login?next=%2Fme"}},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			seen = nil
			req := httptest.NewRequest(http.MethodGet, "/me", nil)
			req.Header.Set("Accept", tc.accept)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			require.Len(t, seen, 1, "the app's HTTPErrorHandler saw the refusal")
			var he *echo.HTTPError
			require.True(t, errors.As(seen[0], &he), "%T", seen[0])
			assert.Equal(t, tc.code, he.Code)
			assert.Equal(t, tc.message, he.Message)
			assert.ErrorIs(t, seen[0], okauth.ErrNotSignedIn)
			assert.Equal(t, tc.code, rec.Code)
			assert.Equal(t, "handled by the app", rec.Body.String())
			assert.Equal(t, tc.location, rec.Header().Get("Location"))
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		})
	}
}
