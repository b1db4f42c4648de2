// Package exampleapp is what the framework examples (okgin/example,
// okecho/example) share with the net/http one: reading the environment,
// starting a fake OK.ru when there is no OK_APP_ID, serving until
// interrupted, and the site's pages ([Site]). Each example keeps only its
// framework's routes. Environment:
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
//	OK_INSECURE_DEV  1 allows plain http off loopback, such as ADDR=0.0.0.0:8080
//	                 in a container, with InsecureCookies: local development only
//
// With an app secret (always, with the fake) the example also sells
// coins100 for 10 OKs at its Callback link, GET /ok/payment (see
// Shop); with the fake, POST /dev/pay has it deliver such a payment.
// It also serves the App link, /auth/ok/app, which lands on /game: the
// player's coins and a Buy button that opens OK's purchase dialog through
// OK's JS SDK. With the fake, the fake's page of the app (Run prints its
// URL) stands in for ok.ru: it frames the App link launched as OK launches
// it, serves a stand-in for OK's JS SDK, and its purchase dialog delivers
// the payment to /ok/payment as OK does.
package exampleapp

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
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
	"github.com/okauth/okauth/okpay"
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
	return RunWith(ctx, getenv, stdout, logger, routes, Stores{})
}

// Stores are where an example keeps what must be shared by instances,
// instead of this process's memory: okredis/example sets them to Redis.
type Stores struct {
	// Configure sets the okauth.Config's shared stores (SessionStore,
	// Replay, TokenStore), if not nil.
	Configure func(*okauth.Config)
	// Payments is the shop's okpay.Store; nil means okpay's MemoryStore.
	Payments okpay.Store
}

// RunWith is [Run] with the shared state in stores.
func RunWith(ctx context.Context, getenv func(string) string, stdout io.Writer, logger *slog.Logger, routes func(*okauth.Auth) http.Handler, stores Stores) error {
	addr := cmp.Or(getenv("ADDR"), "localhost:8080")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost" // all interfaces: this machine's browser reaches it as localhost
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	base := "http://" + net.JoinHostPort(host, port)

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
	sdk := OKSDK
	if cfg.AppSecret != "" {
		// The App link, at /auth/ok/app, lands on the game.
		cfg.AppLink = &okauth.AppLink{LandingPath: GamePath}
		if fake != nil {
			// The fake's page stands in for ok.ru's, and its api_server
			// serves the stand-in for OK's JS SDK.
			cfg.AppLink.FrameAncestors = []string{fake.URL}
			sdk = fake.URL + oktest.FAPIPath
			fake.SetPortal(oktest.Portal{AppLink: base + "/auth/ok/app", CallbackLink: base + "/ok/payment"})
		}
	}
	if stores.Configure != nil {
		stores.Configure(&cfg)
	}
	auth, err := okauth.New(cfg)
	if err != nil {
		return err
	}
	handler := routes(auth)
	if cfg.AppSecret != "" {
		handler = withGame(handler, auth, Site{Auth: auth, Logger: logger}, sdk)
		if handler, err = withShop(handler, cfg.AppKey, cfg.AppSecret, stores.Payments, fake, base, logger); err != nil {
			return err
		}
	} else {
		logger.Info("no OK_APP_SECRET: no payments at /ok/payment and no App link")
	}

	srv := server(handler)
	fmt.Fprintf(stdout, "okauth example: open %s/\n", base)
	if fake != nil && cfg.AppLink != nil {
		fmt.Fprintf(stdout, "okauth example: as inside ok.ru (the fake's page of the app), open %s\n", fake.PortalURL())
	}
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
// okauth.Config for an app served at base. Plain http (with
// InsecureCookies) is allowed when both ADDR and the redirect URL are
// loopback, or with OK_INSECURE_DEV=1, which logs a warning; otherwise it
// is an error that says what to do. Without SESSION_KEY the cookie keys
// are random, so sessions end when the example restarts.
func Config(getenv func(string) string, base string, logger *slog.Logger) (okauth.Config, error) {
	cfg := okauth.Config{
		AppID: getenv("OK_APP_ID"), AppKey: getenv("OK_APP_KEY"), AppSecret: getenv("OK_APP_SECRET"),
		RedirectURL: cmp.Or(getenv("OK_REDIRECT_URL"), base+"/auth/ok/callback"),
		Scopes:      []string{okauth.ScopeGetEmail},
		Flow:        okauth.Flow(getenv("OK_FLOW")),
		Endpoint:    okauth.Endpoint{AuthURL: getenv("OK_AUTH_URL"), APIURL: getenv("OK_API_URL"), TokenURL: getenv("OK_TOKEN_URL")},
		Logger:      logger,
	}
	if u, err := url.Parse(cfg.RedirectURL); err == nil && u.Scheme == "http" {
		listen, _, _ := net.SplitHostPort(cmp.Or(getenv("ADDR"), "localhost:8080"))
		switch {
		case isLoopback(u.Hostname()) && isLoopback(listen):
			cfg.InsecureCookies = true
		case getenv("OK_INSECURE_DEV") == "1":
			cfg.InsecureCookies = true
			logger.Warn("OK_INSECURE_DEV=1: serving sign-in over plain http with cookies that lack Secure; for local development only, never in production",
				"addr", getenv("ADDR"), "redirect_url", cfg.RedirectURL)
		default:
			return cfg, fmt.Errorf("plain http on a non-loopback address (ADDR=%q, redirect %s) would send session cookies unprotected: "+
				"for local development, such as ADDR=0.0.0.0:8080 in a container, set OK_INSECURE_DEV=1; otherwise serve https and set OK_REDIRECT_URL", getenv("ADDR"), cfg.RedirectURL)
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

// isLoopback reports whether host names this machine only.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
