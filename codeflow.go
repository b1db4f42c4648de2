package okauth

import (
	"cmp"
	"context"
	"net/http"
)

// codeCallback finishes a sign-in of the code flow: OK redirected the
// browser to the callback with ?code=…&state=…. It checks the state as the
// token flow does, exchanges the code at OK's token endpoint (one call),
// asks OK who the user is (one signed call) and starts the session. OK
// reports errors after "#" in this flow too, so those reach the relay page
// and its POST instead.
func (a *Auth) codeCallback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer") // the code is in this URL
	a.finishSignIn(w, r, a.completeCode)
}

// completeCode checks the callback's query, exchanges its code and
// returns the user, where to send them and the state's release (see
// [Auth.complete]).
func (a *Auth) completeCode(w http.ResponseWriter, r *http.Request) (*User, string, func(), error) {
	query, err := parseStrict(r.URL.RawQuery)
	if err != nil {
		return nil, "", noop, err
	}
	next, release, err := a.returned(w, r, query)
	if err != nil {
		return nil, next, release, err
	}
	code := query.Get("code")
	if code == "" {
		return nil, next, release, ErrCodeMissing
	}
	ctx, cancel := context.WithTimeout(r.Context(), a.cfg.Timeout)
	defer cancel()
	tok, err := a.endpoint.exchange(ctx, code, a.now())
	if err != nil {
		return nil, next, release, err
	}
	u := &User{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenExpires: tok.Expires}
	if err := a.client.currentUser(ctx, u, a.cfg.Fields); err != nil {
		return nil, next, release, err
	}
	return u, cmp.Or(next, a.cfg.LandingPath), release, nil
}
