package okauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A launch opened at top level (a link in a mail, a chat or on ok.ru, a
// bookmark, OK's mobile app) may be anyone's launch that a victim was made
// to open. So it starts no session by itself: the App link shows whom the
// user would be signed in as and waits for them to choose. The choice is a
// same-origin POST of a single-use token that must match the one sealed,
// with the user OK confirmed, in a short-lived cookie of this browser.
// Until then nothing but that cookie is written, and Cancel leaves any
// session the browser has as it was.

// confirmLifetime is how long a confirmation page can be answered.
const confirmLifetime = 5 * time.Minute

// maxConfirmForm bounds the confirmation form's body.
const maxConfirmForm = 1 << 10

// confirmCSP is the confirmation page's policy: its form posts to this
// origin only, and no one may frame it (it asks for a click).
var confirmCSP = "default-src 'none'; style-src 'sha256-" + hashB64(pageCSS) + "'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// confirmName is the cookie a pending top-level launch waits in, after
// SessionName.
func confirmName(sessionName string) string {
	return "__Host-" + strings.TrimPrefix(sessionName, "__Host-") + "-launch"
}

func (a *Auth) confirmCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: a.confirmName, Value: value, Path: "/", MaxAge: maxAge,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode}
}

// askToConfirm keeps u, whom OK confirmed for a launch opened at top
// level, and next, the landing page Continue opens (see readLaunch), in
// the pending-launch cookie and shows the confirmation page. A next too
// long for the cookie is kept without the launch's parameters. It reports
// false, having answered with the failure, if u cannot be kept.
func (a *Auth) askToConfirm(w http.ResponseWriter, r *http.Request, u *User, next string) bool {
	token := newState()
	u.Expires = a.now().Add(confirmLifetime) // the session's end is set on Continue
	if len(next) > maxCarried {
		next = a.cfg.AppLink.LandingPath
	}
	data := append([]byte(token+"|"+url.QueryEscape(next)+"|"), encodeUser(u)...)
	value, err := a.confirmCodec.encode(a.confirmName, data)
	if err != nil {
		a.cfg.Logger.ErrorContext(r.Context(), "okauth: cannot seal a pending launch", "error", err)
		http.Error(w, "500 cannot start the launch", http.StatusInternalServerError)
		return false
	}
	if fw, ok := w.(*frameWriter); ok {
		// A page that asks for a click is framed by no one, OK included:
		// skip Frameable, which wraps the App link's answers.
		w = fw.ResponseWriter
	}
	http.SetCookie(w, a.confirmCookie(value, int(confirmLifetime/time.Second)))
	m := a.langs.forRequest(r)
	render(w, "appconfirm.html", confirmCSP, http.StatusOK, struct {
		M                          *Messages
		Name, UID, Current, Action string
		Token                      string
		CSS                        template.CSS
	}{m, displayName(u), u.UID, a.signedInOtherThan(r, u.UID, m), a.cfg.Prefix + appRoute, token, template.CSS(pageCSS)})
	return true
}

// signedInOtherThan is how the confirmation page names the user r's
// browser is signed in as now, in this site's cookie or the App link's,
// when that is not uid; "" when it is uid or no one. A name alone can be
// copied, so a user who sees their own name here learns that the link
// is someone else's account.
func (a *Auth) signedInOtherThan(r *http.Request, uid string, m *Messages) string {
	u := a.cookieUser(r, a.sessions, a.cfg.SessionName)
	if u == nil || u.UID == uid {
		u = a.cookieUser(r, a.appSessions, a.appSessionName)
	}
	if u == nil || u.UID == uid {
		return ""
	}
	return displayName(u) + " (" + m.ProfileID + " " + u.UID + ")"
}

// displayName is how the confirmation page names u.
func displayName(u *User) string {
	if u.Name != "" {
		return u.Name
	}
	if n := strings.TrimSpace(u.FirstName + " " + u.LastName); n != "" {
		return n
	}
	return u.UID
}

// confirmLaunch answers the confirmation page: Cancel clears the pending
// launch and goes to Config.LandingPath; Continue starts the session kept
// in the pending-launch cookie, once, if the form's token is the
// cookie's. A request from another origin is refused (403).
func (a *Auth) confirmLaunch(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := a.logout.Check(r); err != nil {
		a.fail(w, r, "okauth: app launch refused", fmt.Errorf("%w: %w", ErrCrossOrigin, err), "")
		return
	}
	body, err := readBody(w, r, "application/x-www-form-urlencoded", maxConfirmForm, ErrBadLaunch)
	if err != nil {
		a.fail(w, r, "okauth: app launch refused", err, "")
		return
	}
	form, err := url.ParseQuery(body)
	if err != nil {
		a.fail(w, r, "okauth: app launch refused", fmt.Errorf("%w: %w", ErrBadLaunch, err), "")
		return
	}
	raw := cookieValue(r, a.confirmName)
	http.SetCookie(w, a.confirmCookie("", -1))
	if form.Get("do") == "cancel" {
		w.Header().Set("Location", a.cfg.LandingPath)
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	u, token, next, err := a.pendingLaunch(raw, form.Get("token"))
	if err != nil {
		a.fail(w, r, "okauth: app launch refused", err, "")
		return
	}
	key := "okauth-app-confirm:" + token
	switch err := a.states.used.Reserve(r.Context(), key, confirmLifetime); {
	case errors.Is(err, ErrStateReused):
		a.fail(w, r, "okauth: app launch refused", ErrLaunchUsed, "")
		return
	case err != nil:
		a.fail(w, r, "okauth: app launch refused", err, "")
		return
	}
	if !a.keep(w, r, u, next, pageAnswer{a: a, msg: signInFailed}) {
		a.states.used.Release(context.WithoutCancel(r.Context()), key)
	}
}

// pendingLaunch opens the pending-launch cookie raw and returns the user
// it holds and the landing page it opens if its token is formToken.
func (a *Auth) pendingLaunch(raw, formToken string) (u *User, token, next string, err error) {
	data, err := a.confirmCodec.decode(namePipe(a.confirmName), raw, nil)
	if err != nil {
		return nil, "", "", fmt.Errorf("%w: no pending launch in this browser, or it expired", ErrBadLaunch)
	}
	token, rest, ok := strings.Cut(string(data), "|")
	if !ok || formToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(formToken)) != 1 {
		return nil, "", "", fmt.Errorf("%w: the confirmation is not this browser's", ErrBadLaunch)
	}
	escaped, enc, ok := strings.Cut(rest, "|")
	if next, err = url.QueryUnescape(escaped); !ok || err != nil {
		return nil, "", "", fmt.Errorf("%w: the pending launch is malformed", ErrBadLaunch)
	}
	u = &User{}
	if err := decodeUser(enc, u); err != nil {
		return nil, "", "", fmt.Errorf("%w: %w", ErrBadLaunch, err)
	}
	return u, token, next, nil
}
