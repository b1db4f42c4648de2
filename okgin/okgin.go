// Package okgin adds "Sign in with OK.ru" ([github.com/okauth/okauth]) to
// a Gin app:
//
//	okgin.Mount(r, auth)                           // okauth's routes, at Config.Prefix
//	r.Use(okgin.Middleware(auth))                  // the user on every request
//	account := r.Group("/account", okgin.RequireLogin(auth))
//	account.GET("/", func(c *gin.Context) {
//		user, _ := okgin.User(c)
//		c.String(http.StatusOK, "Hello, %s", user.Name)
//	})
//	r.GET("/game", okgin.Frameable(auth), game)    // a page shown inside ok.ru's iframe
//
// The handlers are okauth's own; this package only adapts them. Whatever
// changes the request, such as putting the user on its context, is written
// back to c.Request, so [okauth.UserFrom] and [okauth.Auth.Call] work on
// c.Request.Context() in later handlers, including net/http handlers
// wrapped with [gin.WrapH].
package okgin

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/okauth/okauth"
)

// UserKey is the [gin.Context] key under which [Middleware] and
// [RequireLogin] store the signed-in [okauth.User] (the value, not a
// pointer): c.MustGet(okgin.UserKey).(okauth.User). [User] reads it.
const UserKey = "okauth.user"

// Mount registers each of okauth's routes ([okauth.Auth.Routes]) on r,
// the engine or any group, for the methods it serves. They land
// at Config.Prefix, because OK redirects to Config.RedirectURL and
// okauth's links point there; r's base path must therefore be "/" or a
// leading part of the prefix: for the default "/auth/ok", the engine,
// r.Group("/auth") or r.Group("/auth/ok"). Mount panics otherwise, as Gin
// does for a bad route. A method a route does not serve gets Gin's answer:
// 404, or 405 with the route's methods in Allow when the engine's
// HandleMethodNotAllowed is set.
func Mount(r gin.IRouter, auth *okauth.Auth) {
	prefix := auth.Prefix()
	base := strings.TrimRight(r.Group("").BasePath(), "/")
	rel, ok := strings.CutPrefix(prefix, base)
	if !ok || (rel != "" && rel[0] != '/') {
		panic(fmt.Sprintf("okgin: cannot mount okauth's routes (under %q) on a group with base path %q; mount them on the engine or a group whose path leads to %[1]q", prefix, base))
	}
	h := gin.WrapH(auth)
	for _, route := range auth.Routes() {
		for _, method := range route.Methods {
			r.Handle(method, rel+route.Path, h)
		}
	}
}

// Middleware puts the signed-in user, if any, on each request, as
// [okauth.Auth.Middleware] does, and also on c under [UserKey]. It writes
// the request back to c.Request, so later handlers find the user with
// [User] or with [okauth.UserFrom](c.Request.Context()). It never refuses a
// request; see [RequireLogin].
//
// Unlike okauth's own middleware it reads the session cookie at once, when
// there is one, to set UserKey.
func Middleware(auth *okauth.Auth) gin.HandlerFunc {
	return func(c *gin.Context) {
		auth.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			adopt(c, r)
		})).ServeHTTP(c.Writer, c.Request)
		c.Next()
	}
}

// RequireLogin lets signed-in requests through, with the user on c as
// [Middleware] puts it, and aborts the rest exactly as
// [okauth.Auth.RequireLogin] answers them: a browser's page load is
// redirected to sign in and come back, anything else gets 401 with a JSON
// body naming the login URL. It works with or without Middleware in front.
func RequireLogin(auth *okauth.Auth) gin.HandlerFunc {
	return func(c *gin.Context) {
		signedIn := false
		auth.RequireLogin(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			signedIn = true
			adopt(c, r)
		})).ServeHTTP(c.Writer, c.Request)
		if !signedIn {
			c.Abort()
			return
		}
		c.Next()
	}
}

// User returns the signed-in user of c's request, and whether there is
// one: the one [Middleware] or [RequireLogin] stored under [UserKey], else
// the one on c.Request's context (as [okauth.WithUser] puts it in tests).
func User(c *gin.Context) (okauth.User, bool) {
	if v, ok := c.Get(UserKey); ok {
		if u, ok := v.(okauth.User); ok {
			return u, true
		}
	}
	if c.Request == nil {
		return okauth.User{}, false
	}
	return okauth.UserFrom(c.Request.Context())
}

// adopt makes r, as okauth passed it on, c's request, and stores its user
// under UserKey.
func adopt(c *gin.Context, r *http.Request) {
	c.Request = r
	if u, ok := okauth.UserFrom(r.Context()); ok {
		c.Set(UserKey, u)
	}
}
