// Command example is a small web app with "Sign in with OK.ru".
//
//	go run ./example
//
// With no OK_APP_ID in the environment it starts a fake OK.ru (oktest) on
// loopback and signs in against it, so it works with no OK account. With
// OK_APP_ID and OK_APP_KEY it signs in with the real OK.ru. Environment:
//
//	OK_APP_ID        application ID (client_id); absent: use the fake
//	OK_APP_KEY       public application key
//	OK_APP_SECRET    application secret key (optional; required with OK_FLOW=code; needed for payments)
//	OK_FLOW          token (default) or code: OK's client-side or server flow
//	OK_REDIRECT_URL  callback URL registered at OK (default http://ADDR/auth/ok/callback)
//	OK_AUTH_URL      OAuth dialog (default https://connect.ok.ru/oauth/authorize)
//	OK_API_URL       REST endpoint (default https://api.ok.ru/fb.do)
//	OK_TOKEN_URL     token endpoint of the code flow (default https://api.ok.ru/oauth/token.do)
//	ADDR             listen address (default localhost:8080)
//	SESSION_KEY      secret of 32+ characters for the cookie keys (default: random)
//	OK_INSECURE_DEV  1 allows plain http off loopback (ADDR=0.0.0.0:8080 in a
//	                 container), with InsecureCookies: local development only
//
// It keeps its state in this process. `go run ./okredis/example` is the
// same app with sessions, replay memory and payments in Redis (REDIS_URL),
// as several instances of an app need.
//
// The site: "/" is public and shows the "Sign in with OK.ru" button, or the
// signed-in user's card and Sign out; "/account" is for signed-in users
// only. Signing out lands on "/", signed out. Pages are in Russian or
// English, as the browser prefers.
//
// It sells coins100 (100 coins for 10 OKs) at its Callback link,
// /ok/payment, and shows the signed-in user's coins on their card. With
// the fake, buy some with `curl -X POST http://localhost:8080/dev/pay`
// (the fake delivers the payment as OK would), then reload the page.
//
// It also serves the App link, /auth/ok/app, which lands on /game inside
// ok.ru's iframe. With the fake it prints a second address, the fake's page
// of the app, standing in for ok.ru: open it, click "Buy 100 coins for 10
// OKs" in the game, then "Оплатить" in OK's purchase dialog; the fake
// delivers the payment to /ok/payment and the game shows the new balance.
// "Отмена" credits nothing.
//
// The okauth wiring is all in routes below; the pages (exampleapp.Site),
// reading the environment, starting the fake, the shop and serving are
// shared with the Gin and Echo examples in internal/exampleapp.
package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/exampleapp"
)

func main() {
	if os.Getenv("REDIS_URL") != "" {
		fmt.Fprintln(os.Stderr, "REDIS_URL is set, but this example keeps everything in this process; to keep sessions, replay memory and payments in Redis, run: go run ./okredis/example")
	}
	exampleapp.Main(routes)
}

// routes is the app: okauth's routes, a public "/" and an "/account" for
// signed-in users only, with the user on every request.
func routes(auth *okauth.Auth) http.Handler {
	site := exampleapp.Site{Auth: auth, Logger: slog.Default()}
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.HandleFunc("GET /{$}", site.Home)
	mux.HandleFunc("GET /site.css", site.Style)
	mux.Handle("GET /account", auth.RequireToken(http.HandlerFunc(site.Account)))
	return auth.Middleware(mux)
}
