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
	cfg      Config
	now      func() time.Time
	client   *Client
	tokens   *tokenSource
	endpoint *tokenEndpoint // the code flow's token endpoint
	sessions sessionBackend
	bearer   bearerBackend // sessions of Authorization: Bearer (native.go); nil without AppSecret
	// appSessions holds the App link's sessions (nil when it is off), in
	// the cookie appSessionName.
	appSessions    sessionBackend
	appSessionName string
	appLaunch      http.Handler
	states         *states
	authorize      *url.URL
	failure        http.Handler
	logout         *http.CrossOriginProtection
	failures       *failureLog
	langs          *languages
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
		now:         time.Now,
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
	a.endpoint = &tokenEndpoint{url: cfg.Endpoint.TokenURL, clientID: cfg.AppID, secret: cfg.AppSecret,
		redirect: cfg.RedirectURL, hc: cfg.HTTPClient}
	clock := func() time.Time { return a.now() }
	store := cfg.TokenStore
	if store == nil {
		store = &memoryTokens{now: clock}
	}
	a.tokens = &tokenSource{store: store, endpoint: a.endpoint, timeout: cfg.Timeout, logger: cfg.Logger, now: clock}
	if cfg.TokenStore != nil {
		// A store of the app's own, maybe shared: it gets sealed tokens.
		if a.tokens.codec, err = newCookieCodec(0, cfg.SessionKeys); err != nil {
			return nil, err
		}
	}
	if a.sessions, err = newSessionBackend(cfg, cookieOptions{name: cfg.SessionName, secure: !cfg.InsecureCookies}); err != nil {
		return nil, err
	}
	// Bearer sessions (native apps) are sealed values whatever the Store,
	// under a name no cookie can have, with a cache of their own. Only
	// the token route, which needs the app secret, issues them: without
	// it, requests are not even looked at for one.
	if cfg.AppSecret != "" {
		if a.bearer, err = newBackend(cfg, cookieOptions{name: bearerName}); err != nil {
			return nil, err
		}
	}
	if cfg.AppLink {
		opts := appCookieOptions(cfg.SessionName)
		if a.appSessions, err = newSessionBackend(cfg, opts); err != nil {
			return nil, err
		}
		a.appSessionName = opts.name
		a.appLaunch = a.Frameable(http.HandlerFunc(a.appLaunchRoute))
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

// newSessionBackend is where sessions in the cookie opts names are kept:
// cfg.SessionStore (the cookie holds an ID), cfg.Store, or the cookie
// itself.
func newSessionBackend(cfg Config, opts cookieOptions) (sessionBackend, error) {
	if cfg.Store != nil {
		return &storeSessions{opts: opts, store: cfg.Store}, nil
	}
	return newBackend(cfg, opts)
}

// newBackend is a backend of sessions that seal into one value: an ID in
// cfg.SessionStore, or the whole session. Native apps' bearer sessions
// use one whatever cfg.Store is.
func newBackend(cfg Config, opts cookieOptions) (bearerBackend, error) {
	if cfg.SessionStore != nil {
		return newIDSessions(cfg, opts)
	}
	return newCookieSessions(cfg, opts)
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Client returns the REST client Auth uses, for calls with a [User] held
// outside a request. It uses the user's token as it is: only [Auth.Call]
// refreshes tokens and checks their expiry.
func (a *Auth) Client() *Client { return a.client }

// Call invokes the REST method as the user signed in on ctx (see
// [Client.Call]). It returns [ErrNotSignedIn] when there is none.
//
// OK's token may end before the session does. In the code flow Call then
// refreshes it first (one call to OK's token endpoint, shared by every
// call that needs it at the same moment) and keeps the fresh token in
// Config.TokenStore for later calls; it also refreshes once and tries
// again when OK answers that the token is dead. In the token flow, a token
// known to have expired makes Call return [ErrTokenExpired] without
// calling OK. Either way, an error matching [ErrTokenExpired] means the
// user must pass through OK's dialog again to call OK's API (see
// [Auth.RequireToken]); their session is still valid.
func (a *Auth) Call(ctx context.Context, method string, params url.Values, out any) error {
	u, ok := UserFrom(ctx)
	if !ok {
		return ErrNotSignedIn
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	err := a.call(ctx, u, method, params, out)
	if err != nil {
		// An expired token is the normal end of OK's token, not a fault.
		level := slog.LevelWarn
		if errors.Is(err, ErrTokenExpired) {
			level = slog.LevelInfo
		}
		a.cfg.Logger.LogAttrs(ctx, level, "okauth: OK.ru call failed",
			slog.String("method", method), slog.Int("ok_error_code", apiCode(err)), slog.String("error", err.Error()))
	}
	return err
}

// call is Call for u, with a live token.
func (a *Auth) call(ctx context.Context, u User, method string, params url.Values, out any) error {
	if u.RefreshToken == "" {
		if a.tokenExpired(u) {
			return fmt.Errorf("%w: at %s", ErrTokenExpired, u.TokenExpires.UTC().Format(time.RFC3339))
		}
		return a.client.Call(ctx, u, method, params, out)
	}
	tok, refreshed, err := a.tokens.token(ctx, &u, "")
	if err != nil {
		return err
	}
	u.AccessToken = tok
	err = a.client.Call(ctx, u, method, params, out)
	if err == nil || refreshed || !errors.Is(err, ErrTokenExpired) {
		return err
	}
	// OK refused a token that looked live (revoked, or clocks apart):
	// refresh once and try again.
	if tok, _, err = a.tokens.token(ctx, &u, tok); err != nil {
		return err
	}
	u.AccessToken = tok
	return a.client.Call(ctx, u, method, params, out)
}

// tokenExpired reports whether u's token is known to have expired.
func (a *Auth) tokenExpired(u User) bool {
	return !u.TokenExpires.IsZero() && !a.now().Before(u.TokenExpires)
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
// When Config.SessionStore cannot end the session, Logout returns an error
// wrapping [ErrStoreUnavailable] and leaves the session cookie as it was:
// the session lives on, so do not tell the user they are signed out (the
// logout route shows its failure page, 503).
func (a *Auth) Logout(w http.ResponseWriter, r *http.Request) error {
	if a.appSessions != nil && cookieValue(r, a.appSessionName) != "" {
		if err := a.appSessions.clear(w, r); err != nil {
			return err
		}
	}
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
