package okauth

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// callback finishes a sign-in of the token flow: the relay page POSTs
// what OK put after "#" on the callback URL, OK's token or its error.
func (a *Auth) callback(w http.ResponseWriter, r *http.Request) {
	a.signIn(w, r, a.readToken, pageAnswer{a: a, msg: signInFailed})
}

// readToken reads the relay page's form: the state and OK's error (see
// returned), then the token and its session secret.
func (a *Auth) readToken(w http.ResponseWriter, r *http.Request) (claim, error) {
	form, c, err := a.relayed(w, r)
	if err != nil {
		return c, err
	}
	token, secret := form.Get("access_token"), form.Get("session_secret_key")
	switch {
	case token == "":
		return c, ErrTokenMissing
	case secret == "" && a.cfg.AppSecret == "":
		return c, ErrSecretMissing
	}
	c.user = User{AccessToken: Secret(token), SessionSecret: Secret(secret), TokenExpires: a.expiry(form.Get("expires_in")),
		Permissions: permissions(form.Get("permissions_granted"))}
	return c, nil
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

// expiry turns the browser's expires_in (seconds) into when the token
// expires. The browser relays it, so it is not proof: it may not claim more
// than OK's short default, or 30 days if the app asked for
// LONG_ACCESS_TOKEN. As in OK's own SDKs, a missing, zero or unreadable
// expires_in means the lifetime is unknown: OK's default applies.
func (a *Auth) expiry(s string) time.Time {
	limit := defaultTokenLife
	if slices.Contains(a.cfg.Scopes, ScopeLongAccessToken) {
		limit = longTokenLife
	}
	return a.now().Add(tokenLife(s, limit))
}

// permissions splits permissions_granted, which OK separates with ";" (some
// clients see ","), dropping empty and overlong entries.
func permissions(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
		if len(p) <= 64 && len(out) < 32 {
			out = append(out, p)
		}
	}
	return out
}
