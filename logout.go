package okauth

import (
	"context"
	"fmt"
	"net/http"
)

// logoutRoute ends the session of a same-origin POST and redirects.
func (a *Auth) logoutRoute(w http.ResponseWriter, r *http.Request) {
	if err := a.logout.Check(r); err != nil {
		a.fail(w, r, "okauth: logout refused", fmt.Errorf("%w: %w", ErrCrossOrigin, err), "")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := a.Logout(w, r); err != nil {
		// The session lives on: never answer as if the user were signed out.
		a.fail(w, r, "okauth: cannot end session", err, "")
		return
	}
	http.Redirect(w, r, a.cfg.LogoutPath, http.StatusSeeOther)
}

// LogoutURL is the path to POST to sign out.
func (a *Auth) LogoutURL() string { return a.cfg.Prefix + "/logout" }

// Logout ends the request's session, if any, by writing to w; the caller
// then answers as it likes. The logout route does this and redirects.
// When the session cannot be ended (Config.SessionStore cannot answer),
// Logout returns an error wrapping [ErrSignOutFailed] (and the store's
// error) and leaves the session cookie as it was: the session lives on, so
// do not tell the user they are signed out (the logout route shows its
// failure page, 503).
func (a *Auth) Logout(w http.ResponseWriter, r *http.Request) error {
	if a.appSessions != nil && cookieValue(r, a.appSessionName) != "" {
		if err := a.appSessions.clear(w, r); err != nil {
			return fmt.Errorf("%w: %w", ErrSignOutFailed, err)
		}
	}
	if err := a.sessions.clear(w, r); err != nil {
		return fmt.Errorf("%w: %w", ErrSignOutFailed, err)
	}
	return nil
}

// SignOutEverywhere ends every session of the OK user uid, on every
// instance sharing Config.SessionStore: browsers and native apps alike
// are signed out on their next request. It needs a SessionStore.
func (a *Auth) SignOutEverywhere(ctx context.Context, uid string) error {
	if a.cfg.SessionStore == nil {
		return fmt.Errorf("%w: SignOutEverywhere needs Config.SessionStore", ErrConfig)
	}
	if err := a.cfg.SessionStore.DeleteUser(ctx, storeUID(a.cfg.AppID, uid)); err != nil {
		return unavailable(err)
	}
	return nil
}
