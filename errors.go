package okauth

import (
	"errors"
	"fmt"
	"net/http"
)

// Errors a sign-in can end with. Use [errors.Is] to tell them apart; the
// failure handler finds the error with [ErrorFrom].
var (
	// ErrConfig is wrapped by every error [New] returns for a bad Config.
	ErrConfig = errors.New("okauth: invalid config")

	// ErrBadForm means the callback POST was not a well-formed form: wrong
	// content type, too large, a repeated field, bytes that are not UTF-8,
	// or control characters.
	ErrBadForm = errors.New("okauth: malformed callback form")

	// ErrStateMissing means the callback carried no state.
	ErrStateMissing = errors.New("okauth: state missing")

	// ErrStateMismatch means the callback's state does not belong to this
	// browser: no matching state cookie, or one that was tampered with or
	// signed with a key no longer configured.
	ErrStateMismatch = errors.New("okauth: state mismatch")

	// ErrStateExpired means the sign-in took longer than the state lifetime
	// (10 minutes).
	ErrStateExpired = errors.New("okauth: state expired")

	// ErrStateReused means the state was already used by a finished sign-in.
	ErrStateReused = errors.New("okauth: state already used")

	// ErrTokenMissing means the callback carried no access_token.
	ErrTokenMissing = errors.New("okauth: access_token missing")

	// ErrSecretMissing means the callback carried no session_secret_key and
	// no AppSecret is configured to sign calls without it.
	ErrSecretMissing = errors.New("okauth: session_secret_key missing")

	// ErrBadExpiry means expires_in was not a positive whole number.
	ErrBadExpiry = errors.New("okauth: invalid expires_in")

	// ErrAccessDenied is matched by an [*OAuthError] with code
	// access_denied: the user refused the app, or revoked it.
	ErrAccessDenied = errors.New("okauth: access denied")

	// ErrUnreachable means OK could not be reached or answered with an HTTP
	// error status.
	ErrUnreachable = errors.New("okauth: OK.ru unreachable")

	// ErrBadResponse means OK answered with something that is not the JSON
	// it should be, or with no user id.
	ErrBadResponse = errors.New("okauth: unreadable answer from OK.ru")

	// ErrNotSignedIn means a call needed a signed-in user and there was none.
	ErrNotSignedIn = errors.New("okauth: not signed in")

	// ErrCrossOrigin means a POST to logout came from another origin.
	ErrCrossOrigin = errors.New("okauth: cross-origin request refused")

	// ErrCodeMissing means a code-flow callback carried neither a code nor
	// an error.
	ErrCodeMissing = errors.New("okauth: code missing")

	// ErrSignInRefused is matched by the error of a sign-in that
	// Config.OnSignIn refused; the error it returned is wrapped too, for a
	// failure handler to find with [errors.As] or [errors.Is]. It is not
	// shown to the user by the default error page.
	ErrSignInRefused = errors.New("okauth: sign-in refused by the app")

	// ErrTokenExpired means OK's access token no longer works: [Auth.Call]
	// returns it without calling OK when the token is known to have expired
	// and cannot be refreshed, and OK's answers 102 (PARAM_SESSION_EXPIRED),
	// 103 (PARAM_SESSION_KEY) and 453 (SESSION_REQUIRED), an [*APIError],
	// match it too, as does a refresh that OK refused. The session itself
	// may still be valid; [Auth.RequireToken] gets a new token.
	ErrTokenExpired = errors.New("okauth: OK.ru access token expired")
)

// OAuthError is the error OK put in the redirect fragment
// (error=CODE&error_description=…) instead of a token.
type OAuthError struct {
	Code        string // such as "access_denied"; see the seed table in the README
	Description string // OK's error_description, possibly empty; never trusted as HTML
}

func (e *OAuthError) Error() string {
	if e.Description == "" {
		return "okauth: OK.ru refused sign-in: " + e.Code
	}
	return fmt.Sprintf("okauth: OK.ru refused sign-in: %s (%s)", e.Code, e.Description)
}

// Is reports whether the code is access_denied when target is
// [ErrAccessDenied].
func (e *OAuthError) Is(target error) bool {
	return target == ErrAccessDenied && e.Code == "access_denied"
}

// APIError is an error answer of OK's REST API, such as
// {"error_code":102,"error_msg":"PARAM_SESSION_EXPIRED : Session expired"}.
type APIError struct {
	Code int    // OK's error_code, such as 102 (PARAM_SESSION_EXPIRED)
	Msg  string // OK's error_msg
}

func (e *APIError) Error() string {
	return fmt.Sprintf("okauth: OK.ru API error %d: %s", e.Code, e.Msg)
}

// Is reports whether target is [ErrTokenExpired] and the code is one OK
// gives for a token that no longer works (102, 103, 453).
func (e *APIError) Is(target error) bool {
	return target == ErrTokenExpired && deadTokenCode(e.Code)
}

func deadTokenCode(code int) bool {
	return code == CodeSessionExpired || code == CodeSessionKey || code == CodeSessionRequired
}

// OK.ru REST error codes that callers commonly test for on an [*APIError].
const (
	CodeParamAPIKey      = 101 // PARAM_API_KEY: the application key is unknown or not this token's app
	CodeSessionExpired   = 102 // PARAM_SESSION_EXPIRED: the access token expired or was revoked
	CodeSessionKey       = 103 // PARAM_SESSION_KEY: the token is not a valid session key
	CodeSignature        = 104 // PARAM_SIGNATURE: the request signature is wrong
	CodeSessionRequired  = 453 // SESSION_REQUIRED: the method needs a user's token
	CodePermissionDenied = 10  // PERMISSION_DENIED
)

// StatusOf is the HTTP status a failure handler should answer err with:
// 4xx for what the browser sent (a refused sign-in, a bad state, a
// malformed form), 403 for a sign-in Config.OnSignIn refused, 401 for a
// token known to be expired, and 502 when OK was unreachable, broken, or
// refused the token.
func StatusOf(err error) int {
	var oe *OAuthError
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &oe):
		switch oe.Code {
		case "access_denied":
			return http.StatusForbidden
		case "invalid_client", "unauthorized_client":
			return http.StatusBadGateway // the app is misconfigured at OK, not the user's doing
		}
		return http.StatusBadRequest
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrCrossOrigin), errors.Is(err, ErrSignInRefused):
		return http.StatusForbidden
	case errors.Is(err, ErrNotSignedIn):
		return http.StatusUnauthorized
	case errors.Is(err, ErrUnreachable), errors.Is(err, ErrBadResponse), errors.As(err, new(*APIError)):
		return http.StatusBadGateway
	case errors.Is(err, ErrTokenExpired):
		return http.StatusUnauthorized
	}
	return http.StatusBadRequest
}

// okOutage reports whether an API error code means OK itself failed
// (UNKNOWN, SERVICE, SYSTEM) rather than refused the request.
func okOutage(code int) bool { return code == 1 || code == 2 || code == 9999 }

// userMessage is what the default error page tells a person about err. It
// never includes anything the browser sent.
func userMessage(err error) (title, detail string) {
	var oe *OAuthError
	var ae *APIError
	switch {
	case errors.Is(err, ErrSignInRefused):
		return "Sign-in refused", "This site did not accept this sign-in. Nothing was saved."
	case errors.Is(err, ErrAccessDenied):
		return "Sign-in cancelled", "You did not allow this site to use your OK.ru account. Nothing was saved."
	case errors.As(err, &oe) && StatusOf(err) == http.StatusBadGateway:
		return "OK.ru refused this site", "OK.ru did not accept this site's sign-in request (" + oe.Code + "). The site's OK.ru app settings need attention."
	case errors.As(err, &oe):
		return "OK.ru could not sign you in", "OK.ru reported a problem with this sign-in. Please try again."
	case errors.Is(err, ErrStateExpired):
		return "Sign-in took too long", "The sign-in was not finished within 10 minutes. Please start again."
	case errors.Is(err, ErrStateReused):
		return "Sign-in already used", "This sign-in was already completed. Please start again."
	case errors.Is(err, ErrStateMissing), errors.Is(err, ErrStateMismatch):
		return "Sign-in not recognised", "This sign-in was not started in this browser, or its cookie was lost. Please start again."
	case errors.As(err, &ae) && !okOutage(ae.Code):
		return "OK.ru refused the sign-in", "OK.ru did not accept the sign-in token. Please try again."
	case errors.As(err, &ae), errors.Is(err, ErrUnreachable), errors.Is(err, ErrBadResponse):
		return "OK.ru could not be reached", "OK.ru did not answer properly while checking your sign-in. Please try again in a moment."
	case errors.Is(err, ErrCrossOrigin):
		return "Request refused", "This request came from another site and was refused."
	case errors.Is(err, ErrTokenMissing), errors.Is(err, ErrSecretMissing), errors.Is(err, ErrBadExpiry), errors.Is(err, ErrCodeMissing):
		return "Incomplete sign-in", "OK.ru's answer was incomplete. Please start again."
	}
	return "Bad sign-in request", "The sign-in request could not be read. Please start again."
}
