// Command example is the okauth example app on Echo.
//
//	go run ./echo/example
//
// It reads the same environment as the net/http example (OK_APP_ID,
// OK_APP_KEY, OK_APP_SECRET, OK_REDIRECT_URL, OK_AUTH_URL, OK_API_URL,
// ADDR, SESSION_KEY): with no OK_APP_ID it signs in against an embedded
// fake OK.ru, so it works with no OK account. Only routes is about Echo.
package main

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/okauth/okauth"
	okecho "github.com/okauth/okauth/echo"
	"github.com/okauth/okauth/internal/exampleapp"
)

func main() { exampleapp.Main(routes) }

// routes is the app: okauth's routes, and "/" for signed-in users only.
func routes(auth *okauth.Auth) http.Handler {
	e := echo.New()
	e.Use(okecho.Middleware(auth))
	okecho.Mount(e, auth)
	e.GET("/", func(c echo.Context) error {
		user, _ := okecho.User(c)
		var friends []string
		err := auth.Call(c.Request().Context(), "friends.get", nil, &friends)
		if apiErr := (*okauth.APIError)(nil); errors.As(err, &apiErr) && apiErr.Code == okauth.CodeSessionExpired {
			_ = auth.Logout(c.Response(), c.Request()) // OK no longer accepts the token
			return c.Redirect(http.StatusSeeOther, auth.LoginURL("/"))
		}
		c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
		return exampleapp.HomePage.Execute(c.Response(), map[string]any{
			"User": user, "Friends": len(friends), "FriendsErr": err, "Logout": auth.LogoutURL()})
	}, okecho.RequireLogin(auth))
	return e
}
