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
//	OK_APP_SECRET    application secret key (optional; needed for payments)
//	OK_REDIRECT_URL  callback URL registered at OK (default http://ADDR/auth/ok/callback)
//	OK_AUTH_URL      OAuth dialog (default https://connect.ok.ru/oauth/authorize)
//	OK_API_URL       REST endpoint (default https://api.ok.ru/fb.do)
//	ADDR             listen address (default localhost:8080)
//	SESSION_KEY      secret of 32+ characters for the cookie keys (default: random)
//
// It sells coins100 (100 coins for 10 OKs) at its Callback link,
// /ok/payment, and shows the signed-in user's coins. With the fake, buy
// some with `curl -X POST http://localhost:8080/dev/pay` (the fake
// delivers the payment as OK would), then reload the page.
//
// The okauth wiring is all in routes below; reading the environment,
// starting the fake and serving are shared with the Gin and Echo examples
// in internal/exampleapp.
package main

import (
	"errors"
	"net/http"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/exampleapp"
)

func main() { exampleapp.Main(routes) }

// routes is the app: okauth's routes, and "/" for signed-in users only.
func routes(auth *okauth.Auth) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("GET /{$}", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := okauth.UserFrom(r.Context())
		var friends []string
		err := auth.Call(r.Context(), "friends.get", nil, &friends)
		var apiErr *okauth.APIError
		if errors.As(err, &apiErr) && apiErr.Code == okauth.CodeSessionExpired {
			_ = auth.Logout(w, r) // OK no longer accepts the token
			http.Redirect(w, r, auth.LoginURL("/"), http.StatusSeeOther)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = exampleapp.HomePage.Execute(w, map[string]any{
			"User": user, "Friends": len(friends), "FriendsErr": err, "Logout": auth.LogoutURL(),
			"Balance": exampleapp.BalanceOf(r.Context(), user.UID),
		})
	})))
	return auth.Middleware(mux)
}
