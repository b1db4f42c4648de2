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
//	OK_APP_SECRET    application secret key (optional)
//	OK_REDIRECT_URL  callback URL registered at OK (default http://ADDR/auth/ok/callback)
//	OK_AUTH_URL      OAuth dialog (default https://connect.ok.ru/oauth/authorize)
//	OK_API_URL       REST endpoint (default https://api.ok.ru/fb.do)
//	ADDR             listen address (default localhost:8080)
//	SESSION_KEY      secret of 32+ characters for the cookie keys (default: random)
package main

import (
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Getenv, os.Stdout, logger); err != nil {
		logger.Error("example stopped", "error", err)
		os.Exit(1)
	}
}

// run serves the example until ctx ends.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error {
	addr := getenv("ADDR")
	if addr == "" {
		addr = "localhost:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	// The URL people open: the host as given in ADDR, the port as bound.
	host, _, _ := net.SplitHostPort(addr)
	if host == "" {
		host = "localhost"
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	base := "http://" + net.JoinHostPort(host, port)

	cfg, err := config(getenv, base, logger)
	if err != nil {
		return err
	}
	if getenv("OK_APP_ID") == "" {
		fake := oktest.NewServer()
		defer fake.Close()
		fake.Consent = true
		cfg.AppID, cfg.AppKey, cfg.Endpoint = fake.AppID, fake.AppKey, fake.Endpoint()
		logger.Info("no OK_APP_ID: signing in with a fake OK.ru", "fake", fake.URL)
	}
	auth, err := okauth.New(cfg)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: routes(auth, logger), ReadHeaderTimeout: 10 * time.Second}
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

// config reads the environment into an okauth.Config.
func config(getenv func(string) string, base string, logger *slog.Logger) (okauth.Config, error) {
	cfg := okauth.Config{
		AppID:       getenv("OK_APP_ID"),
		AppKey:      getenv("OK_APP_KEY"),
		AppSecret:   getenv("OK_APP_SECRET"),
		RedirectURL: getenv("OK_REDIRECT_URL"),
		Scopes:      []string{okauth.ScopeGetEmail},
		Endpoint:    okauth.Endpoint{AuthURL: getenv("OK_AUTH_URL"), APIURL: getenv("OK_API_URL")},
		Logger:      logger,
	}
	if cfg.RedirectURL == "" {
		cfg.RedirectURL = base + "/auth/ok/callback"
	}
	// Plain http works only on this machine, for trying things out.
	if u, err := url.Parse(cfg.RedirectURL); err == nil && u.Scheme == "http" {
		switch u.Hostname() {
		case "localhost", "127.0.0.1", "::1":
			cfg.InsecureCookies = true
		}
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

// routes is the example app: / needs a signed-in user.
func routes(auth *okauth.Auth, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("GET /{$}", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := okauth.UserFrom(r.Context())
		var friends []string
		friendsErr := auth.Call(r.Context(), "friends.get", nil, &friends)
		var apiErr *okauth.APIError
		if errors.As(friendsErr, &apiErr) && apiErr.Code == okauth.CodeSessionExpired {
			_ = auth.Logout(w, r) // OK no longer accepts the token
			http.Redirect(w, r, auth.LoginURL("/"), http.StatusSeeOther)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		err := homePage.Execute(w, map[string]any{
			"User": user, "Friends": len(friends), "FriendsErr": friendsErr, "Logout": auth.LogoutURL(),
		})
		if err != nil {
			logger.Error("rendering home page", "error", err)
		}
	})))
	return auth.Middleware(mux)
}

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
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
<dt>Session ends</dt><dd>{{.User.Expires.Format "2006-01-02 15:04 MST"}}</dd>
</dl>
<form method="post" action="{{.Logout}}"><button id="logout" type="submit">Sign out</button></form>
</main></body></html>`))
