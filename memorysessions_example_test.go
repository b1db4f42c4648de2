package okauth_test

import (
	"context"
	"log"
	"net/http"

	"github.com/okauth/okauth"
)

// Sessions kept on the server can be ended for good: after a password
// change or a ban, every browser and native app of the user is signed out
// on its next request.
func ExampleAuth_SignOutEverywhere() {
	auth, err := okauth.New(okauth.Config{
		AppID: "1234567890", AppKey: "CBAEXAMPLEKEY", RedirectURL: "https://example.com/auth/ok/callback",
		SessionKeys:  mustKeys("a passphrase of at least thirty-two bytes"),
		SessionStore: okauth.NewMemorySessions(), // one instance; okredis shares one between several
	})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/admin/ban", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := auth.SignOutEverywhere(context.WithoutCancel(r.Context()), r.FormValue("uid")); err != nil {
			http.Error(w, "cannot sign the user out now", okauth.StatusOf(err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
}

// A user may keep at most 5 sessions at once: a sixth sign-in (another
// browser, a token posted again) ends their oldest.
func ExampleNewMemorySessionsMax() {
	auth, err := okauth.New(okauth.Config{
		AppID: "1234567890", AppKey: "CBAEXAMPLEKEY", RedirectURL: "https://example.com/auth/ok/callback",
		SessionKeys:  mustKeys("a passphrase of at least thirty-two bytes"),
		SessionStore: okauth.NewMemorySessionsMax(5),
	})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/auth/ok/", auth)
}
