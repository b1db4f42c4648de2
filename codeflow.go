package okauth

import (
	"fmt"
	"net/http"
	"net/url"
)

// fromOK reports whether a GET of the callback is OK's redirect of the
// code flow, by what OK sends in the query (a code, an error, a state),
// whatever else Config.RedirectURL's own query holds. A query that cannot
// be read counts too: codeCallback refuses it. OK reports errors after "#"
// in this flow too, so those reach the relay page, whose POST
// codeFlowError answers.
func fromOK(rawQuery string) bool {
	q, err := url.ParseQuery(rawQuery)
	return err != nil || q.Has("code") || q.Has("error") || q.Has("state")
}

// codeCallback finishes a sign-in of the code flow: OK redirected the
// browser to the callback with ?code=…&state=…. It checks the state as the
// token flow does, exchanges the code at OK's token endpoint (one call),
// asks OK who the user is (one signed call) and starts the session.
func (a *Auth) codeCallback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer") // the code is in this URL
	a.signIn(w, r, a.readCode, a.browserAnswer())
}

// readCode reads the callback's query: the state and OK's error (see
// returned), then the code.
func (a *Auth) readCode(w http.ResponseWriter, r *http.Request) (claim, error) {
	query, err := parseStrict(r.URL.RawQuery)
	if err != nil {
		return claim{}, err
	}
	c, err := a.returned(w, r, query)
	if err != nil {
		return c, err
	}
	if c.code = query.Get("code"); c.code == "" {
		return c, ErrCodeMissing
	}
	return c, nil
}

// codeFlowError answers the relay page's POST in the code flow: OK's
// error, which it put after "#". Tokens are not accepted from a browser
// here: this app's tokens come from OK's token endpoint only.
func (a *Auth) codeFlowError(w http.ResponseWriter, r *http.Request) {
	a.signIn(w, r, a.readCodeFlowError, pageAnswer{a: a, msg: signInFailed})
}

// readCodeFlowError reads the relay page's form in the code flow: the
// state and OK's error (see relayed). Without an error, the form is
// refused.
func (a *Auth) readCodeFlowError(w http.ResponseWriter, r *http.Request) (claim, error) {
	_, c, err := a.relayed(w, r)
	if err == nil {
		err = fmt.Errorf("%w: a token posted to an app that uses the code flow", ErrBadForm)
	}
	return c, err
}
