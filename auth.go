package okauth

import (
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
	bearer   bearerBackend // sessions of Authorization: Bearer (the token route); nil without AppSecret
	// appSessions holds the App link's sessions (nil when it is off), in
	// the cookie appSessionName.
	appSessions    sessionBackend
	appSessionName string
	appLaunch      http.Handler
	// confirmName and confirmCodec are the cookie of a launch opened at
	// top level, waiting for the user to confirm it (askToConfirm).
	confirmName  string
	confirmCodec *cookieCodec
	states       *states
	authorize    *url.URL
	failure      http.Handler
	logout       *http.CrossOriginProtection
	failures     *failureLog
	// launchSigs logs a launch whose signature did not verify, once an
	// interval (see launchSigned).
	launchSigs *failureLog
	langs      *languages
	// bodyTimeout bounds reading the body of a sign-in (see verified).
	bodyTimeout time.Duration
}

// New checks cfg and returns an Auth. An error wraps [ErrConfig] and names
// the field that is missing or wrong.
func New(cfg Config) (*Auth, error) {
	if err := cfg.pictureAsked(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.warnScopes()
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
		launchSigs:  &failureLog{logger: cfg.Logger, burst: 1, interval: failLogInterval},
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
	// it (or with WriteSession, which turns the route off), requests are
	// not even looked at for one.
	if cfg.AppSecret != "" && cfg.WriteSession == nil {
		if a.bearer, err = newBackend(cfg, cookieOptions{name: bearerName}); err != nil {
			return nil, err
		}
	}
	if cfg.AppLink != nil {
		opts := appCookieOptions(cfg.SessionName)
		if a.appSessions, err = newSessionBackend(cfg, opts); err != nil {
			return nil, err
		}
		a.appSessionName = opts.name
		a.appLaunch = a.Frameable(http.HandlerFunc(a.appLaunchRoute))
		a.confirmName = confirmName(cfg.SessionName)
		if a.confirmCodec, err = newCookieCodec(confirmLifetime, cfg.SessionKeys); err != nil {
			return nil, err
		}
	}
	stateCodec, err := newCookieCodec(2*stateLifetime, cfg.SessionKeys)
	if err != nil {
		return nil, err
	}
	replay := cfg.ReplayStore
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
