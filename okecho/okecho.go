// Package okecho adds "Sign in with OK.ru" ([github.com/okauth/okauth]) to
// an Echo v4 app:
//
//	okecho.Mount(e, auth)                       // okauth's routes, at Config.Prefix
//	e.Use(okecho.Middleware(auth))              // the user on every request
//	account := e.Group("/account", okecho.RequireLogin(auth))
//	account.GET("", func(c echo.Context) error {
//		user, _ := okecho.User(c)
//		return c.String(http.StatusOK, "Hello, "+user.Name)
//	})
//	e.GET("/game", game, okecho.Frameable(auth)) // a page shown inside ok.ru's iframe
//
// The handlers are okauth's own; this package only adapts them. Whatever
// changes the request, such as putting the user on its context, is set
// back with c.SetRequest, so [okauth.UserFrom] and [okauth.Auth.Call] work
// on c.Request().Context() in later handlers, including net/http handlers
// wrapped with [echo.WrapHandler].
package okecho

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/okauth/okauth"
)

// UserKey is the [echo.Context] key under which [Middleware] and
// [RequireLogin] store the signed-in [okauth.User] (the value, not a
// pointer): c.Get(okecho.UserKey).(okauth.User). [User] reads it.
const UserKey = "okauth.user"

// Router is what [Mount] registers routes on; *echo.Echo and *echo.Group
// both are one.
type Router interface {
	Add(method, path string, handler echo.HandlerFunc, middleware ...echo.MiddlewareFunc) *echo.Route
}

// Mount registers each of okauth's routes ([okauth.Auth.Routes]) on r for
// the methods it serves. They must land at Config.Prefix, because OK
// redirects to Config.RedirectURL and okauth's links point there. An Echo
// group does not tell its prefix, so r must be the Echo or a group with
// an empty prefix, such as e.Group("", middleware...) to give okauth's
// routes middleware of their own. Mount panics otherwise, as Echo does for
// a bad route. A method a route does not serve gets Echo's answer: 405
// with the route's methods in Allow.
func Mount(r Router, auth *okauth.Auth) {
	prefix := auth.Prefix()
	h := echo.WrapHandler(auth)
	for _, route := range auth.Routes() {
		for _, method := range route.Methods {
			if got := r.Add(method, prefix+route.Path, h); got.Path != prefix+route.Path {
				panic(fmt.Sprintf("okecho: cannot mount okauth's routes on a group with a prefix: %q landed at %q; mount them on the Echo or a group with an empty prefix", prefix+route.Path, got.Path))
			}
		}
	}
}

// Middleware puts the signed-in user, if any, on each request, as
// [okauth.Auth.Middleware] does, and also on c under [UserKey]. It sets
// the request back with c.SetRequest, so later handlers find the user with
// [User] or with [okauth.UserFrom](c.Request().Context()). It never
// refuses a request; see [RequireLogin].
//
// Unlike okauth's own middleware it reads the session cookie at once, when
// there is one, to set UserKey.
func Middleware(auth *okauth.Auth) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			auth.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				adopt(c, r)
			})).ServeHTTP(c.Response(), c.Request())
			return next(c)
		}
	}
}

// RequireLogin lets signed-in requests through, with the user on c as
// [Middleware] puts it. It refuses the rest as Echo middleware does, by
// returning an [*echo.HTTPError] that reaches the app's HTTPErrorHandler
// and wraps [okauth.ErrNotSignedIn] (errors.Is finds it):
//
//   - a browser's page load (GET or HEAD accepting HTML): Code 303, with the
//     Location header already set to the login route returning to this
//     page, so any handler that answers with the error's Code redirects;
//   - anything else: Code 401, with Message the map of the JSON that
//     [okauth.Auth.RequireLogin] answers ("error", "message", and
//     "login_url" when the request sent no bearer session), which Echo's
//     default handler writes as the same JSON.
//
// It works with or without Middleware in front.
func RequireLogin(auth *okauth.Auth) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			signedIn := false
			refusal := &capture{header: http.Header{}}
			auth.RequireLogin(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				signedIn = true
				adopt(c, r)
			})).ServeHTTP(refusal, c.Request())
			if signedIn {
				return next(c)
			}
			return refusal.httpError(c)
		}
	}
}

// capture records okauth's answer to a request that is not signed in.
type capture struct {
	header http.Header
	status int
	body   []byte
}

func (w *capture) Header() http.Header { return w.header }

func (w *capture) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *capture) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.body = append(w.body, p...)
	return len(p), nil
}

// httpError turns okauth's refusal into Echo's: its headers (Location,
// Cache-Control, WWW-Authenticate) on c's response, its status and JSON body in the error.
func (w *capture) httpError(c echo.Context) error {
	h := c.Response().Header()
	for _, k := range []string{"Location", "Cache-Control", "WWW-Authenticate"} {
		if v := w.header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	var message any = http.StatusText(w.status)
	var body map[string]string
	if json.Unmarshal(w.body, &body) == nil {
		message = body
	}
	return echo.NewHTTPError(w.status, message).SetInternal(okauth.ErrNotSignedIn)
}

// User returns the signed-in user of c's request, and whether there is
// one: the one [Middleware] or [RequireLogin] stored under [UserKey], else
// the one on c.Request()'s context (as [okauth.WithUser] puts it in tests).
func User(c echo.Context) (okauth.User, bool) {
	if u, ok := c.Get(UserKey).(okauth.User); ok {
		return u, true
	}
	if c.Request() == nil {
		return okauth.User{}, false
	}
	return okauth.UserFrom(c.Request().Context())
}

// adopt makes r, as okauth passed it on, c's request, and stores its user
// under UserKey.
func adopt(c echo.Context, r *http.Request) {
	c.SetRequest(r)
	if u, ok := okauth.UserFrom(r.Context()); ok {
		c.Set(UserKey, u)
	}
}
