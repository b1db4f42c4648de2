package okauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The App link: OK loads the URL an app registered (seed 000 "App link")
// inside an iframe on ok.ru, with the signed-in user in its query. This
// file checks that query, asks OK who the user is, and starts a session in
// a cookie of its own, partitioned under ok.ru (CHIPS).

var (
	// ErrBadLaunch means a request to the App link was not a launch OK
	// signed for this app: a wrong application_key, a missing or wrong sig
	// or auth_sig, a missing field, or a repeated parameter.
	ErrBadLaunch = errors.New("okauth: app launch not signed by OK.ru")

	// ErrLaunchUnauthorized means OK launched the app with authorized=0:
	// the user has not allowed the app, so OK gave no session to trust.
	ErrLaunchUnauthorized = errors.New("okauth: app launched without the user's authorization")
)

// OKFrameAncestors are the origins of OK's pages that frame an app: the
// default value of Config.AppFrameAncestors.
var OKFrameAncestors = []string{"https://ok.ru", "https://*.ok.ru"}

// appRoute is the App link's path under the prefix.
const appRoute = "/app"

// appLinkDefaults fills in the App link's defaults.
func (c Config) appLinkDefaults() Config {
	if c.AppLandingPath == "" {
		c.AppLandingPath = c.LandingPath
	}
	if c.AppFrameAncestors == nil {
		c.AppFrameAncestors = slices.Clone(OKFrameAncestors)
	}
	return c
}

// validateAppLink checks the App link's fields when it is on.
func (c Config) validateAppLink() error {
	if !c.AppLink {
		return nil
	}
	if c.AppSecret == "" {
		return fieldErr("AppSecret", "is required with AppLink (OK signs the launch with the application secret key)")
	}
	if _, ok := SafeNext(c.AppLandingPath); !ok {
		return fieldErr("AppLandingPath", fmt.Sprintf("is %q; want a same-site path such as /", c.AppLandingPath))
	}
	for _, o := range c.AppFrameAncestors {
		if o == "" || strings.ContainsAny(o, " ;,'\"") {
			return fieldErr("AppFrameAncestors", fmt.Sprintf("has %q; want one origin per element, such as %q", o, OKFrameAncestors[0]))
		}
	}
	return nil
}

// appSessionName is the App link's cookie, after SessionName: always
// __Host- and Secure, since a SameSite=None cookie must be Secure.
func appSessionName(sessionName string) string {
	return "__Host-" + strings.TrimPrefix(sessionName, "__Host-") + "-app"
}

// appCookieOptions are the App link session's cookie attributes: a
// third-party cookie on ok.ru's page, so SameSite=None, Secure and
// Partitioned, kept only in ok.ru's partition.
func appCookieOptions(sessionName string) cookieOptions {
	return cookieOptions{name: appSessionName(sessionName), secure: true, sameSite: http.SameSiteNoneMode, partitioned: true}
}

// sessionsFor is the backend that holds u's session: the App link's for a
// user who came in through it.
func (a *Auth) sessionsFor(u *User) sessionBackend {
	if u.InsideOK && a.appSessions != nil {
		return a.appSessions
	}
	return a.sessions
}

// appLaunchRoute serves the App link. The query holds the user's OK session
// for this app, so every answer drops it (a redirect), sends no Referer
// and is not stored; the query is never logged.
func (a *Auth) appLaunchRoute(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	u, err := a.launched(r)
	if err != nil {
		a.fail(w, r, "okauth: app launch refused", err, "")
		return
	}
	a.startSession(w, r, u, a.cfg.AppLandingPath)
}

// launched checks the launch OK signed and asks OK, as the user, who they
// are. It returns a user whose AccessToken is OK's session_key.
func (a *Auth) launched(r *http.Request) (*User, error) {
	if !a.launchedFromOK(r) {
		return nil, fmt.Errorf("%w: opened at top level by a page that is not OK's", ErrBadLaunch)
	}
	q, err := a.launchQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadLaunch, err)
	}
	for _, f := range []string{"application_key", "logged_user_id", "session_key", "session_secret_key", "auth_sig", "sig", "authorized"} {
		if q.Get(f) == "" {
			return nil, fmt.Errorf("%w: %s missing", ErrBadLaunch, f)
		}
	}
	if !equalFold(q.Get("application_key"), a.cfg.AppKey) {
		return nil, fmt.Errorf("%w: application_key is not this app's", ErrBadLaunch)
	}
	if !equalFold(q.Get("sig"), Sign(q, a.cfg.AppSecret)) {
		return nil, fmt.Errorf("%w: sig does not match", ErrBadLaunch)
	}
	uid, key := q.Get("logged_user_id"), q.Get("session_key")
	if !equalFold(q.Get("auth_sig"), md5Hex(uid+key+a.cfg.AppSecret)) {
		return nil, fmt.Errorf("%w: auth_sig does not match", ErrBadLaunch)
	}
	if q.Get("authorized") != "1" {
		return nil, ErrLaunchUnauthorized
	}
	u := &User{AccessToken: Secret(key), SessionSecret: Secret(q.Get("session_secret_key")),
		InsideOK: true, TokenExpires: a.expiry("")}
	ctx, cancel := context.WithTimeout(r.Context(), a.cfg.Timeout)
	defer cancel()
	if err := a.client.currentUser(ctx, u, a.cfg.Fields); err != nil {
		if errors.Is(err, ErrTokenExpired) {
			// A session_key OK no longer accepts: the launch is stale,
			// not OK failing.
			return nil, fmt.Errorf("%w: OK no longer accepts the session_key: %v", ErrBadLaunch, err)
		}
		return nil, err
	}
	if u.UID != uid {
		return nil, fmt.Errorf("%w: OK says the session_key is another user's", ErrBadLaunch)
	}
	return u, nil
}

// launchedFromOK reports whether r can be OK opening the app. A launch
// URL carries no state: anyone can take their own and make a victim's
// browser open it. Inside an iframe (or fetched) that does no harm, since
// the partitioned cookie then lives only under the framing site, where
// only OK may frame the app. At top level the cookie lands in the app's
// own partition and the victim would browse the app as the attacker (a
// login CSRF), so a top-level launch must come from the browser itself
// (OK's mobile app opening its web view, a typed or bookmarked URL), from
// the app's own origin, or from a page of Config.AppFrameAncestors, as
// its Referer shows. Browsers without Fetch Metadata are let through.
func (a *Auth) launchedFromOK(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Dest") != "document" {
		return true
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "none", "same-origin":
		return true
	}
	ref, err := url.Parse(r.Referer())
	return err == nil && ref.Host != "" && originAllowed(ref.Scheme+"://"+ref.Host, a.cfg.AppFrameAncestors)
}

// originAllowed reports whether origin is one of patterns, CSP source
// expressions of the forms scheme://host and scheme://*.domain (any
// subdomain, not the domain itself). Other forms match nothing.
func originAllowed(origin string, patterns []string) bool {
	origin = strings.ToLower(origin)
	for _, p := range patterns {
		p = strings.ToLower(p)
		scheme, host, ok := strings.Cut(p, "://")
		switch {
		case !ok:
		case origin == p:
			return true
		case strings.HasPrefix(host, "*."):
			rest, ok := strings.CutPrefix(origin, scheme+"://")
			if ok && len(rest) > len(host)-1 && strings.HasSuffix(rest, host[1:]) {
				return true
			}
		}
	}
	return false
}

// equalFold compares two hex signatures (or keys) case-insensitively in
// time independent of where they differ.
func equalFold(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(strings.ToLower(want))) == 1
}

// Frameable lets the pages of h be shown in an iframe by
// Config.AppFrameAncestors (by default, OK's pages, [OKFrameAncestors]):
// their Content-Security-Policy gets that frame-ancestors directive, in
// place of any other, and X-Frame-Options is dropped. Wrap only the pages
// an app shows inside ok.ru (such as Config.AppLandingPath); okauth's own
// pages, and every other page, should keep frame-ancestors 'none'.
func (a *Auth) Frameable(h http.Handler) http.Handler {
	directive := "frame-ancestors " + strings.Join(a.cfg.AppFrameAncestors, " ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&frameWriter{ResponseWriter: w, directive: directive}, r)
	})
}

// frameWriter puts its frame-ancestors directive into the answer's
// headers just before they are written.
type frameWriter struct {
	http.ResponseWriter
	directive string
	done      bool
}

func (f *frameWriter) fix() {
	if f.done {
		return
	}
	f.done = true
	h := f.ResponseWriter.Header()
	h.Del("X-Frame-Options")
	parts := []string{}
	for _, d := range strings.Split(h.Get("Content-Security-Policy"), ";") {
		if d = strings.TrimSpace(d); d != "" && !strings.HasPrefix(strings.ToLower(d), "frame-ancestors") {
			parts = append(parts, d)
		}
	}
	h.Set("Content-Security-Policy", strings.Join(append(parts, f.directive), "; "))
}

// WriteHeader fixes the headers, then writes them.
func (f *frameWriter) WriteHeader(code int) {
	f.fix()
	f.ResponseWriter.WriteHeader(code)
}

// Write fixes the headers if not yet written, then writes b.
func (f *frameWriter) Write(b []byte) (int, error) {
	f.fix()
	return f.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (f *frameWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }
