// Command example is the okauth example app on Gin.
//
//	go run ./okgin/example
//
// It reads the same environment as the net/http example (OK_APP_ID,
// OK_APP_KEY, OK_APP_SECRET, OK_REDIRECT_URL, OK_AUTH_URL, OK_API_URL,
// ADDR, SESSION_KEY, OK_INSECURE_DEV): with no OK_APP_ID it signs in against an embedded
// fake OK.ru, so it works with no OK account. Only routes is about Gin.
package main

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/exampleapp"
	"github.com/okauth/okauth/okgin"
)

func main() { exampleapp.Main(routes) }

// routes is the app: okauth's routes, a public "/" and an "/account" for
// signed-in users only, with the user on every request. The pages are
// net/http handlers (exampleapp.Site), which find the user on the
// request's context because okgin writes c.Request back.
func routes(auth *okauth.Auth) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	site := exampleapp.Site{Auth: auth, Logger: slog.Default()}
	r := gin.New()
	r.Use(gin.Recovery())
	okgin.Mount(r, auth)
	r.Use(okgin.Middleware(auth))
	r.GET("/", gin.WrapF(site.Home))
	r.GET("/site.css", gin.WrapF(site.Style))
	r.GET("/account", okgin.RequireLogin(auth), gin.WrapF(site.Account))
	return r
}
