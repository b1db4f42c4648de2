package okauth

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// callback finishes a sign-in from the relay page's POST: in the token
// flow, OK's token; in either flow, OK's error.
func (a *Auth) callback(w http.ResponseWriter, r *http.Request) {
	// Not supported by every ResponseWriter (httptest's); the server's own
	// timeouts then apply.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(a.bodyTimeout))
	a.finishSignIn(w, r, a.complete)
}

// complete checks the callback form and the token, and returns the user,
// where to send them, and release, to call if the sign-in fails after all
// (it frees the state in the replay memory). It writes nothing but the
// state cookie. On failure it still returns where the sign-in was to
// return to, when the state told it, for the error page's "Try again".
func (a *Auth) complete(w http.ResponseWriter, r *http.Request) (*User, string, func(), error) {
	form, err := readForm(w, r)
	if err != nil {
		return nil, "", noop, err
	}
	next, release, err := a.returned(w, r, form)
	if err != nil {
		return nil, next, release, err
	}
	if a.cfg.Flow == FlowCode {
		// The token flow's tokens are not accepted from a browser here:
		// this app's tokens come from OK's token endpoint only.
		return nil, next, release, fmt.Errorf("%w: a token posted to an app that uses the code flow", ErrBadForm)
	}
	token, secret := form.Get("access_token"), form.Get("session_secret_key")
	switch {
	case token == "":
		return nil, next, release, ErrTokenMissing
	case secret == "" && a.cfg.AppSecret == "":
		return nil, next, release, ErrSecretMissing
	}
	u := &User{AccessToken: Secret(token), SessionSecret: Secret(secret), TokenExpires: a.expiry(form.Get("expires_in")),
		Permissions: permissions(form.Get("permissions_granted"))}
	ctx, cancel := context.WithTimeout(r.Context(), a.cfg.Timeout)
	defer cancel()
	if err := a.client.currentUser(ctx, u, a.cfg.Fields); err != nil {
		return nil, next, release, err
	}
	return u, cmp.Or(next, a.cfg.LandingPath), release, nil
}

// returned checks what OK sent back to the callback (a form or a query):
// the state, as the sign-in this browser started, and OK's error if it
// sent one. It returns where the sign-in was to return to (when the state
// told it), and release, to call if the sign-in fails after all (it frees
// the state in the replay memory). OK's error is shown for what it is
// whether or not it carries a state (OK's docs do not promise one); the
// state, if it is this browser's, is used up.
func (a *Auth) returned(w http.ResponseWriter, r *http.Request, params url.Values) (string, func(), error) {
	var oe *OAuthError
	if code := params.Get("error"); code != "" {
		oe = &OAuthError{Code: clip(code, maxErrorCodeLen), Description: clip(params.Get("error_description"), maxErrorDescShown)}
	}
	pending, release, err := a.states.finish(r.Context(), w, r, params.Get("state"))
	switch {
	case err != nil && oe != nil:
		return "", noop, unconfirmed{oe}
	case err != nil:
		return nextOr(pending.Next, ""), noop, err
	case oe != nil:
		return nextOr(pending.Next, ""), release, oe
	}
	return nextOr(pending.Next, ""), release, nil
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
