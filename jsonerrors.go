package okauth

import (
	"encoding/json"
	"errors"
	"net/http"
)

// jsonError is the body of every error okauth answers a client that is not
// a browser loading a page: a phone app, or a page's script. Error is a
// fixed snake_case code (the README lists them) and Message the text of
// the request's language for it; neither repeats anything the client
// sent. LoginURL, only on a 401 to a request without a bearer session,
// is the login route returning to the page asked for, for a page's
// script to open.
type jsonError struct {
	Error    string `json:"error"`
	Message  string `json:"message"`
	LoginURL string `json:"login_url,omitempty"`
}

// jsonFail logs err once as msg, as fail does, and answers it as JSON
// with the status StatusOf gives.
func (a *Auth) jsonFail(w http.ResponseWriter, r *http.Request, msg string, err error) {
	a.writeJSONError(w, r, a.logFailure(r, msg, err), a.errorBody(r, err))
}

// errorBody is err's code and r's language's text for it.
func (a *Auth) errorBody(r *http.Request, err error) jsonError {
	return jsonError{Error: errorCode(err), Message: a.langs.forRequest(r).text(err).Detail}
}

// writeJSONError answers body with status, not to be stored. A 401 carries
// the challenge of RFC 6750 when the token route is on: "Bearer" to a
// request that sent no bearer session, and error="invalid_token" to one
// whose bearer session is refused (expired, ended, not one of ours, or
// its OK token dead).
func (a *Auth) writeJSONError(w http.ResponseWriter, r *http.Request, status int, body jsonError) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized && a.bearer != nil {
		if bearerValue(r) != "" {
			h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		} else {
			h.Set("WWW-Authenticate", "Bearer")
		}
	}
	writeJSON(w, status, body)
}

// errorCode is the stable code of err in a jsonError.
func errorCode(err error) string {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return "too_large"
	case errors.Is(err, ErrNativeDisabled):
		return "not_configured"
	case errors.Is(err, ErrNotRevocable):
		return "not_revocable"
	case errors.Is(err, ErrStoreUnavailable):
		return "store_unavailable"
	case errors.Is(err, ErrReplayFull):
		return "busy"
	case errors.Is(err, ErrRefusedByOnSignIn):
		return "sign_in_refused"
	case errors.Is(err, ErrCrossOrigin):
		return "cross_origin"
	case errors.Is(err, ErrOutage), errors.Is(err, ErrUnreachable), errors.Is(err, ErrBadResponse):
		return "ok_unavailable"
	case errors.Is(err, ErrTokenExpired):
		return "token_expired"
	case errors.Is(err, ErrAPI):
		return "token_refused"
	case errors.Is(err, ErrRefusedByOK):
		return "code_refused"
	case errors.Is(err, ErrNotSignedIn):
		return "not_signed_in"
	case errors.Is(err, errMethodNotAllowed):
		return "method_not_allowed"
	case errors.Is(err, errSessionNotSaved):
		return "server_error"
	}
	return "invalid_request"
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
