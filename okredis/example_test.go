package okredis_test

import (
	"context"
	"crypto/x509"
	"errors"
	"log"
	"os"

	"github.com/redis/rueidis"

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

// A Sentinel set whose sentinels have a password of their own, over TLS
// with a private CA; on a Cluster the URL names some of its nodes instead
// ("rediss://app:secret@n1:6379?addr=n2:6379&addr=n3:6379"). A sign-out
// that no replica confirmed is reported, and can be run again.
func ExampleOpen_sentinel() {
	ca := x509.NewCertPool()
	ca.AppendCertsFromPEM([]byte(os.Getenv("REDIS_CA")))
	rc, err := okredis.Open("rediss://app:"+os.Getenv("REDIS_PASSWORD")+"@s1:26379?addr=s2:26379&addr=s3:26379&master_set=main",
		okredis.Options{Configure: func(o *rueidis.ClientOption) {
			o.Sentinel.Password = os.Getenv("SENTINEL_PASSWORD")
			o.TLSConfig.RootCAs, o.Sentinel.TLSConfig.RootCAs = ca, ca
		}})
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()

	// Auth.SignOutEverywhere returns what this returns for the app's user.
	err = rc.Sessions().DeleteUser(context.Background(), "512000000000:574385021466")
	if errors.Is(err, okredis.ErrNotReplicated) {
		log.Print("signed out on the primary, not yet on a replica: try again")
	}
}
