package okauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
)

// The App link: OK loads the URL registered in the "App link" field of the
// app's settings at OK inside an iframe on ok.ru, with the signed-in user
// in its query. okauth checks that query, asks OK who the user is, and
// starts a session in a cookie of its own, partitioned under ok.ru (CHIPS).

// launchMemory is how long a used launch is remembered: the longest
// [ReplayStore] keeps anything.
const launchMemory = stateLifetime

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

// appLaunchRoute serves the App link. The query holds the user's OK session
// for this app, so every answer drops it, sends no Referer and is not
// stored; the query is never logged. Inside OK's frame the session starts
// at once; a launch opened at top level asks the user first (see
// askToConfirm).
func (a *Auth) appLaunchRoute(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	refused := pageAnswer{a: a, msg: "okauth: app launch refused"}
	place, err := launchPlaceOf(r, a.cfg.AppLink.FrameAncestors)
	if err != nil {
		refused.failed(w, r, err, "")
		return
	}
	c, u, err := a.verified(w, r, a.readLaunch)
	switch {
	case errors.Is(err, errLaunchReloaded) && place == launchInOKFrame:
		a.openLanding(w, r, c.next) // the session it started is still this frame's
	case err != nil:
		refused.failed(w, r, err, "")
	case place == launchTopLevel:
		if !a.askToConfirm(w, r, u, c.next) {
			c.release()
		}
	default:
		if !a.keep(w, r, u, c.next, pageAnswer{a: a, msg: signInFailed, open: a.openLanding}) {
			c.release()
		}
	}
}

// openLanding answers a launch inside OK's frame, once its session is
// written, with a page that opens the landing page next. A redirect would
// not do: the landing page's request would still count as made by OK's
// page, another site, for which the App link's session does not count; the
// page's own navigation is the app's.
func (a *Auth) openLanding(w http.ResponseWriter, r *http.Request, next string) {
	m := a.langs.forRequest(r)
	render(w, "applaunch.html", errorCSP, http.StatusOK, struct {
		M       *Messages
		Refresh string
		Next    string
		CSS     template.CSS
	}{m, "0;url=" + next, next, template.CSS(pageCSS)})
}

// readLaunch checks the launch OK signed and marks it used. Its claim's
// user has OK's session_key as AccessToken; OK must then vouch that the
// key is live and the launch's user's. Its next is the landing page with
// the launch's parameters but its secrets (see launchCarried), for a
// reloaded launch too. Its release forgets the mark, for when the sign-in
// does not happen after all.
func (a *Auth) readLaunch(_ http.ResponseWriter, r *http.Request) (claim, error) {
	q, err := a.launchQuery(r.URL.RawQuery)
	if err != nil {
		a.launchSigFailed(r, err, nil)
		return claim{}, fmt.Errorf("%w: %w", ErrBadLaunch, err)
	}
	for _, f := range []string{"application_key", "logged_user_id", "session_key", "session_secret_key", "auth_sig", "sig", "authorized"} {
		if q.Get(f) == "" {
			return claim{}, fmt.Errorf("%w: %s missing", ErrBadLaunch, f)
		}
	}
	if !equalFold(q.Get("application_key"), a.cfg.AppKey) {
		return claim{}, fmt.Errorf("%w: application_key is not this app's", ErrBadLaunch)
	}
	uid, key := q.Get("logged_user_id"), q.Get("session_key")
	if !a.authSigOK(q) {
		err := fmt.Errorf("%w: auth_sig does not match", ErrBadLaunch)
		a.launchSigFailed(r, err, q)
		return claim{}, err
	}
	if q.Get("authorized") != "1" {
		return claim{}, ErrLaunchUnauthorized
	}
	next := withQuery(a.cfg.AppLink.LandingPath, launchCarried(q))
	release, err := a.useLaunch(r.Context(), q.Get("sig"))
	if errors.Is(err, ErrLaunchUsed) && a.holdsAppSession(r, uid) {
		return claim{next: next}, fmt.Errorf("%w: %w", errLaunchReloaded, err)
	}
	if err != nil {
		return claim{}, err
	}
	vouch := func(u *User, err error) error {
		switch {
		case errors.Is(err, ErrTokenExpired):
			// A session_key OK no longer accepts: the launch is stale,
			// not OK failing.
			return fmt.Errorf("%w: OK no longer accepts the session_key: %v", ErrBadLaunch, err)
		case err != nil:
			return err
		case u.UID != uid:
			return fmt.Errorf("%w: OK says the session_key is another user's", ErrBadLaunch)
		}
		return nil
	}
	return claim{user: User{AccessToken: Secret(key), SessionSecret: Secret(q.Get("session_secret_key")),
		InsideOK: true, TokenExpires: a.expiry("")}, vouch: vouch, next: next, release: release}, nil
}

// holdsAppSession reports whether r carries a live App link session of
// uid. Only a used launch asks: the answer opens the app without writing
// anything, so another site's request gains nothing from it.
func (a *Auth) holdsAppSession(r *http.Request, uid string) bool {
	u := a.cookieUser(r, a.appSessions, a.appSessionName)
	return u != nil && u.UID == uid
}

// useLaunch marks the launch whose signature is sig used, in
// Config.ReplayStore, for launchMemory: sig covers every parameter, so each
// launch OK made has its own. It returns the mark's release, or
// ErrLaunchUsed for a launch already used, or the store's failure.
func (a *Auth) useLaunch(ctx context.Context, sig string) (func(), error) {
	key := "okauth-app-launch:" + strings.ToLower(sig)
	switch err := a.states.used.Reserve(ctx, key, launchMemory); {
	case errors.Is(err, ErrStateReused):
		return noop, ErrLaunchUsed
	case err != nil:
		return noop, err
	}
	return func() { a.states.used.Release(context.WithoutCancel(ctx), key) }, nil
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
