package okauth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// maxAccountID bounds what Config.OnSignIn may keep in the session.
const maxAccountID = 256

// finishSignIn answers a callback: complete checks it and returns the
// user OK verified, where to send them and the state's release, or an
// error for the failure handler. A sign-in that fails at any step releases
// its state, so a failed callback leaves nothing in the replay memory.
func (a *Auth) finishSignIn(w http.ResponseWriter, r *http.Request, complete func(http.ResponseWriter, *http.Request) (*User, string, func(), error)) {
	w.Header().Set("Cache-Control", "no-store")
	u, next, release, err := complete(w, r)
	if err != nil {
		release()
		a.fail(w, r, "okauth: sign-in failed", err, next)
		return
	}
	if !a.startSession(w, r, u, next) {
		release()
	}
}

// startSession is the last step of every way into a session, once OK has
// verified u: it sets when the session ends, lets Config.OnSignIn refuse
// or attach the app's account, writes the session and redirects to next.
// On any failure nothing is written, the request's session is left as it
// was, and it reports false.
func (a *Auth) startSession(w http.ResponseWriter, r *http.Request, u *User, next string) bool {
	if !a.saveSession(w, r, u, next) {
		return false
	}
	// No body: http.Redirect would echo next into one for a GET.
	w.Header().Set("Location", next)
	w.WriteHeader(http.StatusSeeOther)
	return true
}

// saveSession is startSession without the redirect: on success the
// caller answers; on failure it has answered, with next for the failure
// page's "Try again".
func (a *Auth) saveSession(w http.ResponseWriter, r *http.Request, u *User, next string) bool {
	if err := a.admit(r, u); err != nil {
		a.fail(w, r, "okauth: sign-in failed", err, next)
		return false
	}
	err := a.sessionsFor(u).save(w, r, u, a.now())
	if errors.Is(err, ErrStoreUnavailable) {
		a.fail(w, r, "okauth: sign-in failed", err, next)
		return false
	}
	if err != nil {
		a.cfg.Logger.ErrorContext(r.Context(), "okauth: cannot save session", "error", err)
		http.Error(w, "500 cannot save session", http.StatusInternalServerError)
		return false
	}
	a.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "okauth: signed in", slog.String("uid", u.UID))
	return true
}

// admit is what every way into a session does before writing it, once
// OK has verified u: it sets when the session ends and lets
// Config.OnSignIn refuse or attach the app's account.
func (a *Auth) admit(r *http.Request, u *User) error {
	u.Expires = a.sessionEnd(u.TokenExpires, a.now())
	return a.onSignIn(r, u)
}

// sessionEnd is when a session started at now ends, for a token that
// expires at tokenExpires.
func (a *Auth) sessionEnd(tokenExpires, now time.Time) time.Time {
	end := now.Add(a.cfg.MaxSessionAge)
	if a.cfg.SessionLifetime == UntilTokenExpires {
		if tokenExpires.Before(end) {
			return tokenExpires
		}
		return end
	}
	return now.Add(min(a.cfg.SessionLifetime, a.cfg.MaxSessionAge))
}

// onSignIn runs Config.OnSignIn on a copy of u and keeps only the account
// ID it set, so the hook cannot change who signed in.
func (a *Auth) onSignIn(r *http.Request, u *User) error {
	if a.cfg.OnSignIn == nil {
		return nil
	}
	c := *u
	if err := a.cfg.OnSignIn(r, &c); err != nil {
		return fmt.Errorf("%w: %w", ErrSignInRefused, err)
	}
	if len(c.AccountID) > maxAccountID || !cleanText(c.AccountID) {
		return fmt.Errorf("%w: OnSignIn set an AccountID over %d bytes or with control characters", ErrSignInRefused, maxAccountID)
	}
	u.AccountID = c.AccountID
	return nil
}

// noop is the release of a sign-in that reserved nothing.
func noop() {}
