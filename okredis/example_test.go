package okredis_test

import (
	"context"
	"log"
	"os"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/okredis"
)

// Every instance of the app opens the same Redis and uses its stores; the
// instances also share SessionKeys.
func Example() {
	rc, err := okredis.Open(os.Getenv("REDIS_URL"), okredis.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()

	keys, _ := okauth.DeriveKeys(os.Getenv("SESSION_KEY"))
	auth, err := okauth.New(okauth.Config{
		AppID: "512000000000", AppKey: "CBAAAAAAAAAAAAAAA",
		RedirectURL:  "https://app.example/auth/ok/callback",
		SessionKeys:  keys,
		SessionStore: rc.Sessions(), // Logout and SignOutEverywhere reach every instance
		ReplayStore:  rc.Replay(),   // a callback is used once, on any instance
		TokenStore:   rc.Tokens(),   // one instance refreshes a token, all use it
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = auth

	pay, err := okpay.New(okpay.Config{
		AppKey: "CBAAAAAAAAAAAAAAA", AppSecret: os.Getenv("OK_APP_SECRET"),
		Credit: func(ctx context.Context, p okpay.Payment) error { return nil }, // the app's own
		Store:  rc.Payments(0, 0),                                               // credited once, whichever instance OK reaches
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = pay
}
