package okauth

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Every way into a session is one pipeline: an entry point's reader parses
// and checks the request (parse, check), OK verifies what it read (verify),
// the app admits the user (admit: when the session ends, Config.OnSignIn),
// the session is written or sealed (write) and the entry point answers. A
// sign-in that fails at any step writes nothing, leaves the request's
// session as it was, and releases what its check reserved.

// maxAccountID bounds what Config.OnSignIn may keep in the session.
const maxAccountID = 256

// signInFailed is how a failed sign-in is logged.
const signInFailed = "okauth: sign-in failed"

// claim is what an entry point read from a request and checked, for OK to
// verify.
type claim struct {
	// user is who the request says signed in: OK's token and session
	// secret (or the App link's session_key), when the token expires, the
	// permissions granted, InsideOK.
	user User
	// code, when set, is exchanged first at OK's token endpoint for the
	// token of the redirect URI it was issued for: redirect, or
	// Config.RedirectURL when that is "".
	code, redirect string
	// vouch, when set, judges OK's answer (err is the call's error), for
	// an entry point that knows more about whom to expect.
	vouch func(u *User, err error) error
	// next is where the sign-in returns to, "" when the state did not say
	// (or there is no state).
	next string
	// release frees what the check reserved (a state, a launch) when a
	// later step fails. nil means nothing.
	release func()
}

// reader is an entry point's first steps: it parses and checks r. On
// failure the claim still holds next and release when the check got that
// far.
type reader func(w http.ResponseWriter, r *http.Request) (claim, error)

// answer is how an entry point writes a session and answers: with pages
// (pageAnswer) or with JSON (the token route's nativeOutcome).
type answer interface {
	// write writes or seals u's session and returns its value, if the
	// answer shows one.
	write(w http.ResponseWriter, r *http.Request, u *User) (string, error)
	// signedIn answers a sign-in whose session is written.
	signedIn(w http.ResponseWriter, r *http.Request, u *User, value, next string)
	// failed logs and answers a failed sign-in: the visitor's, OK's, a
	// shared store's, or a session this server could not write.
	failed(w http.ResponseWriter, r *http.Request, err error, next string)
}

// signIn is the whole pipeline for an entry point that starts a session
// as soon as OK vouched for the user.
func (a *Auth) signIn(w http.ResponseWriter, r *http.Request, read reader, ans answer) {
	c, u, err := a.verified(w, r, read)
	if err != nil {
		ans.failed(w, r, err, c.next)
		return
	}
	if !a.keep(w, r, u, cmp.Or(c.next, a.cfg.LandingPath), ans) {
		c.release()
	}
}

// verified is the pipeline's first steps: read (parse and check r), then
// verify with OK. On failure it has released what the check reserved and
// returns the error for the entry point to answer; the claim still holds
// next.
func (a *Auth) verified(w http.ResponseWriter, r *http.Request, read reader) (claim, *User, error) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == http.MethodPost {
		// Bounds reading the body, so a client that sends it a byte at a
		// time cannot hold the connection. Not supported by every
		// ResponseWriter (httptest's); the server's own timeouts then apply.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(a.bodyTimeout))
	}
	c, err := read(w, r)
	if c.release == nil {
		c.release = noop
	}
	var u *User
	if err == nil {
		u, err = a.verify(r.Context(), c)
	}
	if err != nil {
		c.release()
		return c, nil, err
	}
	return c, u, nil
}

// keep is the pipeline's last steps, once OK has verified u: admit u,
// write its session and answer, going to next. On any failure nothing is
// written, the request's session is left as it was, the failure is
// answered, and it reports false.
func (a *Auth) keep(w http.ResponseWriter, r *http.Request, u *User, next string, ans answer) bool {
	if err := a.admit(r, u); err != nil {
		ans.failed(w, r, err, next)
		return false
	}
	value, err := ans.write(w, r, u)
	switch {
	case errors.Is(err, ErrStoreUnavailable), errors.Is(err, ErrWriteSessionFailed):
		ans.failed(w, r, err, next)
		return false
	case err != nil:
		ans.failed(w, r, fmt.Errorf("%w: %w", errSessionNotSaved, err), next)
		return false
	}
	ans.signedIn(w, r, u, value, next)
	return true
}

// noop is the release of a sign-in that reserved nothing.
func noop() {}

// admit sets when u's session ends and lets Config.OnSignIn refuse or
// attach the app's account.
func (a *Auth) admit(r *http.Request, u *User) error {
	u.Expires = a.sessionEnd(u.TokenExpires, a.now())
	return a.onSignIn(r, u)
}

// sessionEnd is when a session started at now ends, for a token that
// expires at tokenExpires.
func (a *Auth) sessionEnd(tokenExpires, now time.Time) time.Time {
	end := now.Add(a.cfg.SessionLifetime)
	if a.cfg.SessionEndsWithToken && !tokenExpires.IsZero() && tokenExpires.Before(end) {
		return tokenExpires
	}
	return end
}

// onSignIn runs Config.OnSignIn on a copy of u and keeps only the account
// ID it set, so the hook cannot change who signed in.
func (a *Auth) onSignIn(r *http.Request, u *User) error {
	if a.cfg.OnSignIn == nil {
		return nil
	}
	c := *u
	if err := a.cfg.OnSignIn(r, &c); err != nil {
		return fmt.Errorf("%w: %w", ErrRefusedByOnSignIn, err)
	}
	if len(c.AccountID) > maxAccountID || !cleanText(c.AccountID) {
		return fmt.Errorf("%w: OnSignIn set an AccountID over %d bytes or with control characters", ErrRefusedByOnSignIn, maxAccountID)
	}
	u.AccountID = c.AccountID
	return nil
}

// pageAnswer answers a browser's sign-in with pages: the session in its
// cookie, a 303 to where the sign-in goes (or, with open, a page of its
// own), and failures through the failure handler, logged as msg.
type pageAnswer struct {
	a    *Auth
	msg  string
	open func(w http.ResponseWriter, r *http.Request, next string)
}

func (p pageAnswer) write(w http.ResponseWriter, r *http.Request, u *User) (string, error) {
	return "", p.a.sessionsFor(u).save(w, r, u, p.a.now())
}

func (p pageAnswer) signedIn(w http.ResponseWriter, r *http.Request, u *User, _, next string) {
	p.logSignedIn(r, u)
	if p.open != nil {
		p.open(w, r, next)
		return
	}
	// No body: http.Redirect would echo next into one for a GET.
	w.Header().Set("Location", next)
	w.WriteHeader(http.StatusSeeOther)
}

// logSignedIn logs a browser's sign-in.
func (p pageAnswer) logSignedIn(r *http.Request, u *User) {
	p.a.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "okauth: signed in", slog.String("uid", u.UID))
}

func (p pageAnswer) failed(w http.ResponseWriter, r *http.Request, err error, next string) {
	p.a.fail(w, r, p.msg, err, next)
}

// relayed reads the relay page's form and checks what OK sent in it (see
// returned), in either flow.
func (a *Auth) relayed(w http.ResponseWriter, r *http.Request) (url.Values, claim, error) {
	form, err := readForm(w, r)
	if err != nil {
		return nil, claim{}, err
	}
	c, err := a.returned(w, r, form)
	return form, c, err
}

// returned checks what OK sent back to the callback (a form or a query),
// in either flow: the state, as the sign-in this browser started, and OK's
// error if it sent one. Its claim holds where the sign-in was to return to
// (when the state told it), and the release that frees the state in the
// replay memory if the sign-in fails after all. OK's error is shown for what it is
// whether or not it carries a state (OK's docs do not promise one); the
// state, if it is this browser's, is used up.
func (a *Auth) returned(w http.ResponseWriter, r *http.Request, params url.Values) (claim, error) {
	var oe *OAuthError
	if code := params.Get("error"); code != "" {
		oe = &OAuthError{Code: clip(code, maxErrorCodeLen), Description: clip(params.Get("error_description"), maxErrorDescShown)}
	}
	pending, release, err := a.states.finish(r.Context(), w, r, params.Get("state"))
	switch {
	case err != nil && oe != nil:
		return claim{}, unconfirmed{oe}
	case err != nil:
		return claim{next: nextOr(pending.Next, "")}, err
	}
	c := claim{next: nextOr(pending.Next, ""), release: release}
	if oe != nil {
		return c, oe
	}
	return c, nil
}
