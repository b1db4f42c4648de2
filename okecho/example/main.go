// Command example is the okauth example app on Echo.
//
//	go run ./okecho/example
//
// It reads the same environment as the net/http example (OK_APP_ID,
// OK_APP_KEY, OK_APP_SECRET, OK_REDIRECT_URL, OK_AUTH_URL, OK_API_URL,
// ADDR, SESSION_KEY, OK_INSECURE_DEV): with no OK_APP_ID it signs in against an embedded
// fake OK.ru, so it works with no OK account. Only routes is about Echo.
package main

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/exampleapp"
	"github.com/okauth/okauth/okecho"
)

func main() { exampleapp.Main(routes) }

// routes is the app: okauth's routes, a public "/" and an "/account" for
// signed-in users only, with the user on every request. The pages are
// net/http handlers (exampleapp.Site), which find the user on the
// request's context because okecho sets the request back.
func routes(auth *okauth.Auth) http.Handler {
	site := exampleapp.Site{Auth: auth, Logger: slog.Default()}
	e := echo.New()
	e.HideBanner = true
	e.Use(okecho.Middleware(auth))
	okecho.Mount(e, auth)
	e.GET("/", echo.WrapHandler(http.HandlerFunc(site.Home)))
	e.GET("/site.css", echo.WrapHandler(http.HandlerFunc(site.Style)))
	e.GET("/account", echo.WrapHandler(http.HandlerFunc(site.Account)), okecho.RequireLogin(auth))
	return e
}
