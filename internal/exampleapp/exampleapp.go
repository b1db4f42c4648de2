// Package exampleapp is what the framework examples (gin/example,
// echo/example) share with the net/http one: reading the environment,
// starting a fake OK.ru when there is no OK_APP_ID, serving until
// interrupted, and the home page's template. Each example keeps only its
// framework's routes. Environment:
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
// With an app secret (always, with the fake) the example also sells
// coins100 for 10 OKs at its Callback link, GET /ok/payment (see
// shop.go); with the fake, POST /dev/pay has it deliver such a payment.
package exampleapp

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// Main runs the example app that routes builds until interrupted, logging
// to stderr, and exits 1 if it fails.
func Main(routes func(*okauth.Auth) http.Handler) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := Run(ctx, os.Getenv, os.Stdout, logger, routes); err != nil {
		logger.Error("example stopped", "error", err)
		stop()
		os.Exit(1)
	}
}

// Run serves the example app that routes builds until ctx ends. It reads
// the environment the package comment lists with getenv and prints
// "okauth example: open URL" on stdout once it listens.
func Run(ctx context.Context, getenv func(string) string, stdout io.Writer, logger *slog.Logger, routes func(*okauth.Auth) http.Handler) error {
	addr := cmp.Or(getenv("ADDR"), "localhost:8080")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	host, _, _ := net.SplitHostPort(addr)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	base := "http://" + net.JoinHostPort(cmp.Or(host, "localhost"), port)

	cfg, err := Config(getenv, base, logger)
	if err != nil {
		return err
	}
	var fake *oktest.Server
	if cfg.AppID == "" {
		fake = oktest.NewServer()
		defer fake.Close()
		fake.Consent = true
		cfg.AppID, cfg.AppKey, cfg.AppSecret, cfg.Endpoint = fake.AppID, fake.AppKey, fake.AppSecret, fake.Endpoint()
		logger.Info("no OK_APP_ID: signing in with a fake OK.ru", "fake", fake.URL)
	}
	auth, err := okauth.New(cfg)
	if err != nil {
		return err
	}
	handler := routes(auth)
	if cfg.AppSecret != "" {
		if handler, err = withShop(handler, cfg.AppKey, cfg.AppSecret, fake, base, logger); err != nil {
			return err
		}
	} else {
		logger.Info("no OK_APP_SECRET: no payments at /ok/payment")
	}

	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "okauth example: open %s/\n", base)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}

// Config reads the environment the package comment lists into an
// okauth.Config for an app served at base. Plain http is allowed (with
// InsecureCookies) only on loopback; without SESSION_KEY the cookie keys
// are random, so sessions end when the example restarts.
func Config(getenv func(string) string, base string, logger *slog.Logger) (okauth.Config, error) {
	cfg := okauth.Config{
		AppID: getenv("OK_APP_ID"), AppKey: getenv("OK_APP_KEY"), AppSecret: getenv("OK_APP_SECRET"),
		RedirectURL: cmp.Or(getenv("OK_REDIRECT_URL"), base+"/auth/ok/callback"),
		Scopes:      []string{okauth.ScopeGetEmail},
		Endpoint:    okauth.Endpoint{AuthURL: getenv("OK_AUTH_URL"), APIURL: getenv("OK_API_URL")},
		Logger:      logger,
	}
	if u, err := url.Parse(cfg.RedirectURL); err == nil && u.Scheme == "http" {
		h := u.Hostname()
		cfg.InsecureCookies = h == "localhost" || h == "127.0.0.1" || h == "::1"
	}
	secret := getenv("SESSION_KEY")
	if secret == "" {
		secret = rand.Text() + rand.Text()
		logger.Info("no SESSION_KEY: using a random one, so sessions end when the example restarts")
	}
	keys, err := okauth.DeriveKeys(secret)
	if err != nil {
		return cfg, errors.New("SESSION_KEY must be at least 32 characters")
	}
	cfg.SessionKeys = keys
	return cfg, nil
}

// HomePage renders "/" from User, Friends (a count), FriendsErr, Logout
// (the logout URL) and Balance (a *int of coins, see [BalanceOf]), with the
// element ids the example tests look for.
var HomePage = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>okauth example</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;background:#f6f6f6;color:#222;margin:0}
main{max-width:32em;margin:10vh auto;background:#fff;padding:2em;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4em;margin-top:0}.who{display:flex;gap:1em;align-items:center}
.who img{width:64px;height:64px;border-radius:50%}button{background:#ee8208;color:#fff;border:0;padding:.5em 1.2em;border-radius:6px;font-size:1em;cursor:pointer}
dt{color:#888;font-size:.85em}dd{margin:0 0 .5em}
</style></head>
<body><main>
<div class="who">{{if .User.Picture}}<img src="{{.User.Picture}}" alt="">{{end}}
<h1>Hello, <span id="name">{{.User.Name}}</span></h1></div>
<dl>
<dt>OK.ru user id</dt><dd id="uid">{{.User.UID}}</dd>
{{if .User.Email}}<dt>Email</dt><dd id="email">{{.User.Email}}</dd>{{end}}
<dt>Friends (friends.get, called as you)</dt><dd id="friends">{{if .FriendsErr}}unavailable{{else}}{{.Friends}}{{end}}</dd>
{{with .Balance}}<dt>Coins (buy coins100 for 10 OKs)</dt><dd id="balance">{{.}}</dd>{{end}}
<dt>Session ends</dt><dd>{{.User.Expires.Format "2006-01-02 15:04 MST"}}</dd>
</dl>
<form method="post" action="{{.Logout}}"><button id="logout" type="submit">Sign out</button></form>
</main></body></html>`))
