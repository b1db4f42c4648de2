package okauth

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
)

// logoutRoute ends the session of a same-origin POST and redirects. A
// request with a bearer session is a native app's: it is answered as the
// token route's DELETE answers, never with a redirect.
func (a *Auth) logoutRoute(w http.ResponseWriter, r *http.Request) {
	if a.bearerOf(r) != "" {
		a.nativeSignOut(w, r)
		return
	}
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

// logoutPage answers GET {Prefix}/logout, a sign-out link: a page in the
// visitor's language whose button posts to the logout route. Signing out
// on a GET would let any page sign the user out with a link or an image.
func (a *Auth) logoutPage(w http.ResponseWriter, r *http.Request) {
	m := a.langs.forRequest(r)
	render(w, "logout.html", confirmCSP, http.StatusOK, struct {
		M            *Messages
		Action, Home string
		CSS          template.CSS
	}{m, a.LogoutURL(), a.cfg.LandingPath, template.CSS(pageCSS)})
}

// LogoutURL is the path to POST to sign out.
func (a *Auth) LogoutURL() string { return a.cfg.Prefix + "/logout" }

// Logout ends the session the request carries, as [Auth.Middleware] reads
// it, by writing to w; the caller then answers as it likes. The logout
// route does this and redirects.
//
// A native app's request (Authorization: Bearer, with the token route on)
// carries its bearer session: with Config.SessionStore, Logout ends it in
// the store, so that every instance refuses it from then on, and writes
// nothing to w. Without a SessionStore the bearer value holds the whole
// session and cannot be ended: Logout returns an error wrapping
// [ErrSignOutFailed] and [ErrNotRevocable], and the app can only forget
// the value.
//
// Any other request carries the browser's session cookie, which Logout
// clears (and the App link's, when the browser has one); with a
// SessionStore the session is ended in the store too, so copies of the
// cookie stop working.
//
// When the session cannot be ended (Config.SessionStore cannot answer),
// Logout returns an error wrapping [ErrSignOutFailed] (and the store's
// error) and leaves the session cookie as it was: the session lives on, so
// do not tell the user they are signed out (the logout route shows its
// failure page, 503).
func (a *Auth) Logout(w http.ResponseWriter, r *http.Request) error {
	if raw := a.bearerOf(r); raw != "" {
		return a.endBearer(r.Context(), raw)
	}
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

// endBearer ends the bearer session raw on every instance.
func (a *Auth) endBearer(ctx context.Context, raw string) error {
	if err := a.bearer.end(ctx, raw); err != nil {
		return fmt.Errorf("%w: %w", ErrSignOutFailed, err)
	}
	return nil
}

// signOutRequest is the body a phone app may send to DELETE
// {Prefix}/token instead of the Authorization header.
type signOutRequest struct {
	Session string `json:"session"`
}

// nativeSignOut answers DELETE {Prefix}/token: a phone app ends the bearer
// session it sends as "Authorization: Bearer <session>" or as the JSON
// body {"session": "…"}. It answers 204 once the session is ended on
// every instance, also when it was ended already (a retry), and every
// failure as JSON: 501 not_revocable without a SessionStore, 503
// store_unavailable when the store cannot answer (the session lives on),
// 401 not_signed_in when no session was sent.
func (a *Auth) nativeSignOut(w http.ResponseWriter, r *http.Request) {
	const msg = "okauth: native sign-out failed"
	if a.bearer == nil {
		a.jsonFail(w, r, msg, ErrNativeDisabled)
		return
	}
	if err := a.logout.Check(r); err != nil {
		a.jsonFail(w, r, msg, fmt.Errorf("%w: %w", ErrCrossOrigin, err))
		return
	}
	raw := bearerValue(r)
	if raw == "" && r.ContentLength != 0 {
		var req signOutRequest
		if err := readJSON(w, r, &req); err != nil {
			a.jsonFail(w, r, msg, err)
			return
		}
		if len(req.Session) > maxNativeBody || !cleanText(req.Session) {
			a.jsonFail(w, r, msg, fmt.Errorf("%w: session is not clean text", ErrNativeRequest))
			return
		}
		raw = req.Session
	}
	if raw == "" {
		a.writeJSONError(w, r, http.StatusUnauthorized, a.errorBody(r, ErrNotSignedIn))
		return
	}
	if err := a.endBearer(r.Context(), raw); err != nil {
		a.jsonFail(w, r, msg, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
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
