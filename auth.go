package okauth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Auth is "Sign in with OK.ru" for one app. It serves the sign-in routes
// (it is an [http.Handler] to mount at Config.Prefix + "/"), puts the
// signed-in user on each request's context ([Auth.Middleware]), guards
// pages ([Auth.RequireLogin]) and calls OK's API as the user ([Auth.Call]).
// An Auth is safe for concurrent use.
type Auth struct {
	cfg       Config
	client    *Client
	sessions  sessionBackend
	states    *states
	authorize *url.URL
	failure   http.Handler
	logout    *http.CrossOriginProtection
	failures  *failureLog
	langs     *languages
	// bodyTimeout bounds reading the callback's body.
	bodyTimeout time.Duration
}

// New checks cfg and returns an Auth. An error wraps [ErrConfig] and names
// the field that is missing or wrong.
func New(cfg Config) (*Auth, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	authorize, _ := url.Parse(cfg.Endpoint.AuthURL) // checked by validate
	langs, err := newLanguages(cfg.Language, cfg.Messages)
	if err != nil {
		return nil, err
	}
	a := &Auth{
		cfg:         cfg,
		authorize:   authorize,
		failure:     cfg.FailureHandler,
		logout:      http.NewCrossOriginProtection(),
		failures:    &failureLog{logger: cfg.Logger, burst: failLogBurst, interval: failLogInterval},
		bodyTimeout: bodyReadTimeout,
		langs:       langs,
		client: &Client{AppKey: cfg.AppKey, AppSecret: cfg.AppSecret,
			APIURL: cfg.Endpoint.APIURL, HTTPClient: cfg.HTTPClient},
	}
	if a.failure == nil {
		a.failure = http.HandlerFunc(a.errorPage)
	}
	opts := cookieOptions{name: cfg.SessionName, secure: !cfg.InsecureCookies}
	if cfg.Store != nil {
		a.sessions = &storeSessions{opts: opts, store: cfg.Store}
	} else {
		codec, err := newCookieCodec(cfg.MaxSessionAge, cfg.SessionKeys)
		if err != nil {
			return nil, err
		}
		cs := &cookieSessions{opts: opts, pipe: namePipe(cfg.SessionName), codec: codec, cache: newSessionCache(cfg.SessionCache)}
		cs.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }
		a.sessions = cs
	}
	stateCodec, err := newCookieCodec(2*stateLifetime, cfg.SessionKeys)
	if err != nil {
		return nil, err
	}
	replay := cfg.Replay
	if replay == nil {
		replay = NewMemoryReplay(0)
	}
	a.states = newStates(stateCodec, cfg.Prefix, !cfg.InsecureCookies, replay)
	if u, _ := url.Parse(cfg.RedirectURL); cfg.InsecureCookies && !isLoopback(u.Hostname()) {
		cfg.Logger.Warn("okauth: InsecureCookies is set for a host that is not loopback; cookies can leak over plain http", "host", u.Hostname())
	}
	return a, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Client returns the REST client Auth uses, for calls with a [User] held
// outside a request.
func (a *Auth) Client() *Client { return a.client }

// Call invokes the REST method as the user signed in on ctx (see
// [Client.Call]). It returns [ErrNotSignedIn] when there is none. An
// [*APIError] with Code [CodeSessionExpired] means OK no longer accepts
// the user's token; [Auth.Logout] ends such a session.
func (a *Auth) Call(ctx context.Context, method string, params url.Values, out any) error {
	u, ok := UserFrom(ctx)
	if !ok {
		return ErrNotSignedIn
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	err := a.client.Call(ctx, u, method, params, out)
	if err != nil {
		a.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "okauth: OK.ru call failed",
			slog.String("method", method), slog.Int("ok_error_code", apiCode(err)), slog.String("error", err.Error()))
	}
	return err
}

// apiCode is OK's error code in err, or 0.
func apiCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// LoginURL is the path that starts a sign-in returning to next (a
// same-site path; anything else falls back to Config.LandingPath).
func (a *Auth) LoginURL(next string) string {
	return loginPath(a.cfg.Prefix, nextOr(next, ""))
}

// Prefix is the path the routes live under (Config.Prefix), for adapters
// that mount them on a router.
func (a *Auth) Prefix() string { return a.cfg.Prefix }

// LogoutURL is the path to POST to sign out.
func (a *Auth) LogoutURL() string { return a.cfg.Prefix + "/logout" }

// Logout ends the request's session, if any, by writing to w; the caller
// then answers as it likes. The logout route does this and redirects.
func (a *Auth) Logout(w http.ResponseWriter, r *http.Request) error {
	return a.sessions.clear(w, r)
}

// DeriveKeys makes one SessionKeys pair (an HMAC-SHA256 hash key and an
// AES-256 block key) from a secret of at least 32 bytes, such as a
// passphrase kept in the environment. The same secret gives the same keys,
// so sessions survive restarts.
func DeriveKeys(secret string) ([][]byte, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("%w: DeriveKeys: the secret is %d bytes; want at least 32", ErrConfig, len(secret))
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte("okauth session " + label))
		return m.Sum(nil)
	}
	return [][]byte{derive("hash key"), derive("block key")}, nil
}
