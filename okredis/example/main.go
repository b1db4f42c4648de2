// Command example is the okauth example app with its shared state in
// Redis: server-side sessions (a sign-out ends every copy of the cookie),
// the replay memory, refreshed tokens and credited payments, so that
// several instances of it can run behind a load balancer.
//
//	go run ./okredis/example
//
// It reads REDIS_URL (default redis://127.0.0.1:6379/0), and otherwise
// the same environment as the net/http example (OK_APP_ID, OK_APP_KEY,
// OK_APP_SECRET, OK_FLOW, OK_REDIRECT_URL, ADDR, SESSION_KEY, ...): with no
// OK_APP_ID it signs in against an embedded fake OK.ru, so it needs no OK
// account, only a Redis. Two instances need the same SESSION_KEY.
package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/exampleapp"
	"github.com/okauth/okauth/okredis"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Getenv, os.Stdout, logger); err != nil {
		logger.Error("example stopped", "error", err)
		stop()
		os.Exit(1)
	}
}

// run connects to Redis and serves the example with its state there.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error {
	redisURL := cmp.Or(getenv("REDIS_URL"), "redis://127.0.0.1:6379/0")
	shown := redisURL // never log a password the URL holds
	if u, err := url.Parse(redisURL); err == nil {
		shown = u.Redacted()
	}
	rc, err := okredis.Open(redisURL, okredis.Options{})
	if err != nil {
		return fmt.Errorf("no Redis at %s (start redis-server, or set REDIS_URL): %w", shown, err)
	}
	defer rc.Close()
	logger.Info("keeping sessions, replay memory, tokens and payments in Redis", "redis", shown)
	return exampleapp.RunWith(ctx, getenv, stdout, logger, routes, exampleapp.Stores{
		Configure: func(c *okauth.Config) {
			c.SessionStore = rc.Sessions() // the cookie holds only a sealed session ID
			c.ReplayStore = rc.Replay()
			c.TokenStore = rc.Tokens()
		},
		Payments: rc.Payments(0, 0),
	})
}

// routes is the app of the net/http example (okauth's routes, a public
// "/" and an "/account" for signed-in users only) with what only
// server-side sessions can do: POST /account/everywhere signs the user
// out of every browser and device, on every instance.
func routes(auth *okauth.Auth) http.Handler {
	site := exampleapp.Site{Auth: auth, Logger: slog.Default()}
	everywhere := func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		if err := auth.SignOutEverywhere(r.Context(), u.UID); err != nil {
			http.Error(w, "could not sign out everywhere; try again", http.StatusServiceUnavailable)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("GET /account", auth.RequireToken(http.HandlerFunc(site.Account)))
	mux.Handle("POST /account/everywhere", http.NewCrossOriginProtection().Handler(auth.RequireLogin(http.HandlerFunc(everywhere))))
	mux.HandleFunc("GET /site.css", site.Style)
	mux.HandleFunc("GET /{$}", site.Home)
	return auth.Middleware(mux)
}
