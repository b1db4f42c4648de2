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

	// ErrSecretMissing means the callback carried neither
	// session_secret_key nor refresh_token (which OK may send in its place)
	// and no AppSecret is configured to sign calls without them.
	ErrSecretMissing = errors.New("okauth: session_secret_key missing")

	// ErrSecretMismatch means OK refused the signature (104) of a call
	// signed with the session_secret_key the callback relayed, with no
	// AppSecret configured: that secret does not belong to the token, so
	// the browser sent something wrong (400). It wraps OK's [*APIError].
	ErrSecretMismatch = errors.New("okauth: session_secret_key does not belong to the token")

	// ErrReplayFull means the replay memory ([ReplayStore]) could not
	// remember one more finished sign-in, so the sign-in was refused (503)
	// rather than any remembered state forgotten early.
	ErrReplayFull = errors.New("okauth: too many sign-ins to remember")

	// ErrRefusedByOK is matched by every [*OAuthError]: OK.ru's dialog
	// answered with an error instead of a token.
	ErrRefusedByOK = errors.New("okauth: OK.ru refused sign-in")

	// ErrDeniedByUser is matched by an [*OAuthError] with code
	// access_denied: the user refused the app, or revoked it.
	ErrDeniedByUser = errors.New("okauth: access denied")

	// ErrAppRejectedByOK is matched by an [*OAuthError] with code
	// invalid_client or unauthorized_client: OK.ru does not accept the
	// app's AppID or RedirectURL, which needs fixing in the app's settings
	// at OK, not by the user.
	ErrAppRejectedByOK = errors.New("okauth: OK.ru rejected the app")

	// ErrAPI is matched by every [*APIError]: OK.ru's REST API answered
	// with an error, such as a token it does not accept.
	ErrAPI = errors.New("okauth: OK.ru API error")

	// ErrOutage is matched by an [*APIError] that means OK.ru itself failed
	// (codes 1 UNKNOWN, 2 SERVICE, 9999 SYSTEM) rather than refused.
	ErrOutage = errors.New("okauth: OK.ru failed")

	// ErrUnreachable means OK could not be reached or answered with an HTTP
	// error status.
	ErrUnreachable = errors.New("okauth: OK.ru unreachable")

	// ErrBadResponse means OK answered with something that is not the JSON
	// it should be, or with no user id.
	ErrBadResponse = errors.New("okauth: unreadable answer from OK.ru")

	// ErrNotSignedIn means a call needed a signed-in user and there was none.
	ErrNotSignedIn = errors.New("okauth: not signed in")

	// ErrCrossOrigin means a browser's request to sign out, or to the token
	// route, came from another origin.
	ErrCrossOrigin = errors.New("okauth: cross-origin request refused")

	// ErrSignOutFailed is wrapped by the error of a sign-out that could
	// not end the session (a [SessionStore] that cannot answer, which is
	// wrapped too): the session lives on, so the user must not be told
	// they are signed out. The logout route answers it with 503.
	ErrSignOutFailed = errors.New("okauth: sign-out failed")

	// ErrNotRevocable is wrapped, with [ErrSignOutFailed], by the error of
	// a sign-out of a native app's bearer session when there is no
	// Config.SessionStore: the bearer value then holds the whole session,
	// sealed, and stays valid until it expires whatever the server does.
	// The app can only forget it. The phone sign-out route answers it 501.
	ErrNotRevocable = errors.New("okauth: a bearer session without a SessionStore cannot be ended")

	// ErrCodeMissing means a code-flow callback carried neither a code nor
	// an error.
	ErrCodeMissing = errors.New("okauth: code missing")

	// ErrRefusedByOnSignIn is matched by the error of a sign-in that
	// Config.OnSignIn refused; the error it returned is wrapped too, for a
	// failure handler to find with [errors.As] or [errors.Is]. It is not
	// shown to the user by the default error page.
	ErrRefusedByOnSignIn = errors.New("okauth: sign-in refused by the app")

	// ErrWriteSessionFailed is matched by the error of a sign-in whose
	// Config.WriteSession failed: it wraps the hook's error, and nothing
	// was written (500 unless the hook's error says otherwise).
	ErrWriteSessionFailed = errors.New("okauth: the site's session was not written")

	// ErrTokenExpired means OK's access token no longer works: [Auth.Call]
	// returns it without calling OK when the token is known to have expired
	// and cannot be refreshed, and OK's answers 102 (PARAM_SESSION_EXPIRED),
	// 103 (PARAM_SESSION_KEY) and 453 (SESSION_REQUIRED), an [*APIError],
	// match it too, as does a refresh that OK refused. The session itself
	// may still be valid; [Auth.RequireToken] gets a new token.
	ErrTokenExpired = errors.New("okauth: OK.ru access token expired")

	// ErrNativeRequest means a POST to the token route (native apps) was
	// not what it takes: not application/json, not one JSON object with
	// only the known fields, not exactly one of access_token and code, or
	// a code with a redirect_uri that is not one of OK's SDKs' for the
	// app. Too large a body is an [*http.MaxBytesError] (413).
	ErrNativeRequest = errors.New("okauth: malformed native sign-in request")

	// ErrNativeDisabled means the token route (native apps) was used but
	// Config.AppSecret is not set, which it needs to verify a phone's
	// token with OK (501).
	ErrNativeDisabled = errors.New("okauth: native sign-in needs Config.AppSecret")

	// ErrBadLaunch means a request to the App link was not a launch OK
	// signed for this app: a wrong application_key, a missing or wrong sig
	// or auth_sig, a missing field, or a repeated parameter.
	ErrBadLaunch = errors.New("okauth: app launch not signed by OK.ru")

	// ErrLaunchUnauthorized means OK launched the app with authorized=0:
	// the user has not allowed the app, so OK gave no session to trust.
	ErrLaunchUnauthorized = errors.New("okauth: app launched without the user's authorization")

	// ErrLaunchUsed means a launch URL already signed someone in (or was
	// shown for confirmation) within the last 10 minutes: a launch signs
	// in once.
	ErrLaunchUsed = errors.New("okauth: app launch already used")

	// ErrNoSession is wrapped by what [SessionStore.Load] returns for an ID
	// it holds no session under: never saved, expired, or ended.
	ErrNoSession = errors.New("okauth: no such session")

	// ErrStoreUnavailable is wrapped by the errors of a shared store that
	// cannot answer (a [SessionStore], [ReplayStore] or [TokenStore] on a
	// server that is down or too slow). okauth fails closed on it: a
	// sign-in is refused with 503 and nothing is written.
	ErrStoreUnavailable = errors.New("okauth: shared store unavailable")
)

// OAuthError is the error OK put in the redirect fragment
// (error=CODE&error_description=…) instead of a token.
//
// OK's codes are invalid_request, invalid_client, unauthorized_client,
// access_denied, invalid_grant and invalid_token; [StatusOf] and
// [Auth.Message] give each one's status and words.
type OAuthError struct {
	Code        string // such as "access_denied"
	Description string // OK's error_description, possibly empty; never trusted as HTML
}

func (e *OAuthError) Error() string {
	if e.Description == "" {
		return "okauth: OK.ru refused sign-in: " + e.Code
	}
	return fmt.Sprintf("okauth: OK.ru refused sign-in: %s (%s)", e.Code, e.Description)
}

// Is reports whether e matches target: [ErrRefusedByOK] always,
// [ErrDeniedByUser] for access_denied, [ErrAppRejectedByOK] for invalid_client
// and unauthorized_client.
func (e *OAuthError) Is(target error) bool {
	switch target {
	case ErrRefusedByOK:
		return true
	case ErrDeniedByUser:
		return e.Code == "access_denied"
	case ErrAppRejectedByOK:
		return e.Code == "invalid_client" || e.Code == "unauthorized_client"
	}
	return false
}

// unconfirmed is an error fragment that came without a state this browser
// started: shown for what it says (the user may well have cancelled, and
// OK's docs do not promise a state), but never a 5xx, since anyone can
// send one.
type unconfirmed struct{ *OAuthError }

// Is matches [ErrRefusedByOK], and [ErrDeniedByUser] for access_denied, but
// not [ErrAppRejectedByOK]: without this browser's state, a claim that the app
// is misconfigured at OK is not believed (nor shown as a 502).
func (e unconfirmed) Is(target error) bool {
	return target == ErrRefusedByOK || (target == ErrDeniedByUser && e.Code == "access_denied")
}

// APIError is an error answer of OK's REST API, such as
// {"error_code":102,"error_msg":"PARAM_SESSION_EXPIRED : Session expired"}.
type APIError struct {
	Code int    // OK's error_code, such as 102 (PARAM_SESSION_EXPIRED)
	Msg  string // OK's error_msg, clipped to 200 bytes
}

func (e *APIError) Error() string {
	return fmt.Sprintf("okauth: OK.ru API error %d: %s", e.Code, e.Msg)
}

// Is reports whether e matches target: [ErrAPI] always, [ErrOutage] for
// the codes that mean OK.ru failed (1, 2, 9999), and [ErrTokenExpired]
// for the codes OK gives for a token that no longer works (102, 103, 453).
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrAPI:
		return true
	case ErrOutage:
		return e.Code == 1 || e.Code == 2 || e.Code == 9999
	case ErrTokenExpired:
		return deadTokenCode(e.Code)
	}
	return false
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
// token known to be expired or that OK says is dead (102, 103, 453: any
// visitor can bring a made-up one, so never a 5xx), 503 when a store
// cannot answer, 501 for what the app is not set up for (the token route
// without AppSecret, ending a bearer session without a SessionStore),
// and 502 when OK was unreachable, broken, or refused the token otherwise
// (101, 104: the app's key or secret), except 104 on a token-flow call
// signed with the relayed secret ([ErrSecretMismatch], 400).
func StatusOf(err error) int {
	var uc unconfirmed
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &uc):
		if uc.Code == "access_denied" {
			return http.StatusForbidden
		}
		return http.StatusBadRequest // anyone can send one: never a 5xx
	case errors.Is(err, ErrDeniedByUser):
		return http.StatusForbidden
	case errors.Is(err, ErrAppRejectedByOK):
		return http.StatusBadGateway // the app is misconfigured at OK, not the user's doing
	case errors.Is(err, ErrRefusedByOK), errors.Is(err, ErrSecretMismatch):
		return http.StatusBadRequest
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrCrossOrigin), errors.Is(err, ErrRefusedByOnSignIn), errors.Is(err, ErrLaunchUnauthorized):
		return http.StatusForbidden
	case errors.Is(err, ErrNativeDisabled), errors.Is(err, ErrNotRevocable):
		return http.StatusNotImplemented
	case errors.Is(err, ErrReplayFull), errors.Is(err, ErrStoreUnavailable), errors.Is(err, ErrSignOutFailed):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrNotSignedIn):
		return http.StatusUnauthorized
	case errors.Is(err, ErrTokenExpired):
		// The token the visitor brought, or the user's session at OK,
		// is dead (102, 103, 453): theirs to renew, not a fault here.
		return http.StatusUnauthorized
	case errors.Is(err, ErrUnreachable), errors.Is(err, ErrBadResponse), errors.Is(err, ErrAPI):
		return http.StatusBadGateway
	case errors.Is(err, ErrWriteSessionFailed), errors.Is(err, errSessionNotSaved):
		return http.StatusInternalServerError // the site's own failure
	}
	return http.StatusBadRequest
}

// apiCode is OK's error code in err, or 0.
func apiCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// Errors that stay inside okauth: a session, cookie or state cookie that
// does not decode is no session, and a reloaded launch opens the app.
var (
	errSession = errors.New("okauth: session data invalid")
	errCookie  = errors.New("okauth: session cookie invalid")
	errPending = errors.New("okauth: state cookie invalid")

	// errMethodNotAllowed is a method an API route does not take.
	errMethodNotAllowed = errors.New("okauth: method not allowed")

	// errSessionNotSaved is a verified sign-in whose session could not be
	// written for a reason of the server's (sealing it failed): a 500,
	// answered and logged as any failure.
	errSessionNotSaved = errors.New("okauth: session not saved")

	// errLaunchReloaded is a used launch opened again by the browser whose
	// App link session it started (or one of the same user's): OK's page
	// reloaded with the same launch. It signs no one in and changes nothing,
	// so inside OK's frame the app just opens.
	errLaunchReloaded = errors.New("okauth: app launch reloaded")
)
