package okauth

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// callback finishes a sign-in of the token flow: the relay page POSTs
// what OK put after "#" on the callback URL, OK's token or its error.
func (a *Auth) callback(w http.ResponseWriter, r *http.Request) {
	a.signIn(w, r, a.readToken, a.browserAnswer())
}

// readToken reads the relay page's form: the state and OK's error (see
// returned), then the token and its session secret. As in OK's Android
// SDK, a fragment without session_secret_key may carry refresh_token
// instead (sign-in through OK's own app): it is then the secret that signs
// the token's calls, and it is kept as the session secret, never as a
// refresh token for OK's token endpoint.
func (a *Auth) readToken(w http.ResponseWriter, r *http.Request) (claim, error) {
	form, c, err := a.relayed(w, r)
	if err != nil {
		return c, err
	}
	token, secret := form.Get("access_token"), cmp.Or(form.Get("session_secret_key"), form.Get("refresh_token"))
	switch {
	case token == "":
		return c, ErrTokenMissing
	case secret == "" && a.cfg.AppSecret == "":
		return c, ErrSecretMissing
	}
	c.user = User{AccessToken: Secret(token), SessionSecret: Secret(secret), Permissions: permissions(form.Get("permissions_granted"))}
	if !a.longToken(c.user.Permissions) {
		c.user.TokenExpires = a.expiry(form.Get("expires_in"))
	}
	if a.cfg.AppSecret == "" {
		c.vouch = relayedSecretVouch
	}
	return c, nil
}

// longToken reports whether the app asked for LONG_ACCESS_TOKEN and the
// fragment says OK granted it. OK then extends the token each time it is
// used, so its expiry is left unknown (zero) and OK decides: a dead token
// still comes back from OK as ErrTokenExpired. The browser relays
// permissions_granted, but claiming it only sends calls to OK, which checks
// the token either way.
func (a *Auth) longToken(granted []string) bool {
	return slices.Contains(a.cfg.Scopes, ScopeLongAccessToken) && slices.Contains(granted, ScopeLongAccessToken)
}

// relayedSecretVouch judges OK's answer to a call signed with the session
// secret the browser relayed: OK's 104 (PARAM_SIGNATURE) then means that
// secret does not belong to the token, which only the visitor can cause.
func relayedSecretVouch(_ *User, err error) error {
	if apiCode(err) == CodeSignature {
		return fmt.Errorf("%w: %w", ErrSecretMismatch, err)
	}
	return err
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
