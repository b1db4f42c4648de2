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
//	OK_APP_SECRET    application secret key (optional; required with OK_FLOW=code)
//	OK_FLOW          token (default) or code: OK's client-side or server flow
//	OK_REDIRECT_URL  callback URL registered at OK (default http://ADDR/auth/ok/callback)
//	OK_AUTH_URL      OAuth dialog (default https://connect.ok.ru/oauth/authorize)
//	OK_API_URL       REST endpoint (default https://api.ok.ru/fb.do)
//	OK_TOKEN_URL     token endpoint of the code flow (default https://api.ok.ru/oauth/token.do)
//	ADDR             listen address (default localhost:8080)
//	SESSION_KEY      secret of 32+ characters for the cookie keys (default: random)
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
	mux.Handle("GET /{$}", auth.RequireToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := okauth.UserFrom(r.Context())
		var friends []string
		err := auth.Call(r.Context(), "friends.get", nil, &friends)
		if errors.Is(err, okauth.ErrTokenExpired) {
			// OK no longer accepts the token: through OK's dialog for a
			// new one; the session stays.
			http.Redirect(w, r, auth.LoginURL("/"), http.StatusSeeOther)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = exampleapp.HomePage.Execute(w, map[string]any{
			"User": user, "Friends": len(friends), "FriendsErr": err, "Logout": auth.LogoutURL(),
		})
	})))
	return auth.Middleware(mux)
}
