package flowtest

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/okauth/okauth"
)

// DefaultApp is the app Start serves unless told otherwise: a public page, a protected page that
// prints the user, and a protected API call.
func DefaultApp(auth *okauth.Auth) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.HandleFunc("/public", func(w http.ResponseWriter, r *http.Request) {
		if u, ok := okauth.UserFrom(r.Context()); ok {
			io.WriteString(w, "public, signed in as "+u.UID)
			return
		}
		io.WriteString(w, "public, anonymous")
	})
	mux.Handle("/", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		io.WriteString(w, "hello "+u.Name+" uid="+u.UID+" path="+r.URL.Path)
	})))
	mux.Handle("/friends", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var friends []string
		if err := auth.Call(r.Context(), "friends.get", nil, &friends); err != nil {
			http.Error(w, err.Error(), okauth.StatusOf(err))
			return
		}
		io.WriteString(w, "friends="+strings.Join(friends, ","))
	})))
	mux.Handle("/perm", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		perm := r.URL.Query().Get("p")
		ok, err := auth.HasPermission(r.Context(), perm)
		if err != nil {
			http.Error(w, err.Error(), okauth.StatusOf(err))
			return
		}
		fmt.Fprintf(w, "claimed=%v verified=%v", u.HasPermission(perm), ok)
	})))
	mux.Handle("/photos", auth.RequireToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := auth.Call(r.Context(), "friends.get", nil, nil); err != nil {
			http.Error(w, err.Error(), okauth.StatusOf(err))
			return
		}
		io.WriteString(w, "live token")
	})))
	mux.Handle("/session", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		fmt.Fprintf(w, "expires=%d token_expires=%d account=%s extra=%v",
			u.Expires.Unix(), u.TokenExpires.Unix(), u.AccountID, u.Extra)
	})))
	return auth.Middleware(mux)
}
