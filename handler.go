package okauth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on the callback form. A form beyond them is refused, not cut.
const (
	maxFormBytes      = 64 << 10
	maxTokenLen       = 1024
	maxSecretLen      = 256
	maxStateLen       = 256
	maxErrorCodeLen   = 64
	maxErrorDescShown = 200
	// bodyReadTimeout bounds reading the callback's body, so a client that
	// sends it a byte at a time cannot hold the connection.
	bodyReadTimeout = 10 * time.Second
)

// ServeHTTP serves the routes under Config.Prefix:
//
//	GET  /login?next=/path  start a sign-in and go to OK's dialog
//	GET  /callback          the relay page OK redirects back to; in the
//	                        code flow, with ?code=…&state=…, sign in
//	POST /callback          the relay page's form: check and sign in
//	POST /logout            sign out, then go to Config.LogoutPath
//	POST /token             a phone app's OK token or code, as JSON, for
//	                        a bearer session (see README "Native apps")
//	GET  /fragment.js       the relay page's script
//	GET  /button.css        the sign-in button's style (see [Auth.Button])
//	GET  /app               the App link, with Config.AppLink: OK's launch
//	                        inside ok.ru's iframe (see applaunch.go)
//
// Mount it with mux.Handle(cfg.Prefix+"/", auth).
func (a *Auth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, ok := strings.CutPrefix(r.URL.Path, a.cfg.Prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case route == "/login" && get:
		a.login(w, r)
	case route == appRoute && get && a.appLaunch != nil:
		a.appLaunch.ServeHTTP(w, r)
	case route == "/callback" && get && a.cfg.Flow == FlowCode && r.URL.RawQuery != "":
		a.codeCallback(w, r)
	case route == "/callback" && get:
		a.relayPage(w, r)
	case route == "/callback" && r.Method == http.MethodPost:
		a.callback(w, r)
	case route == "/logout" && r.Method == http.MethodPost:
		a.logoutRoute(w, r)
	case route == "/token" && r.Method == http.MethodPost:
		a.nativeSignIn(w, r)
	case route == "/fragment.js" && get:
		serveAsset(w, r, "fragment.js", "text/javascript; charset=utf-8", fragmentETag, fragmentJS)
	case route == "/button.css" && get:
		serveAsset(w, r, "button.css", "text/css; charset=utf-8", buttonETag, ButtonCSS)
	case route == "/login" || route == "/fragment.js" || route == "/button.css" || (route == appRoute && a.appLaunch != nil):
		methodNotAllowed(w, "GET, HEAD")
	case route == "/callback":
		methodNotAllowed(w, "GET, HEAD, POST")
	case route == "/logout" || route == "/token":
		methodNotAllowed(w, "POST")
	default:
		http.NotFound(w, r)
	}
}

// routes are the paths ServeHTTP answers under the prefix.
var routes = []string{"/login", "/callback", "/logout", "/token", "/fragment.js", "/button.css", appRoute}

// Routes are the paths the Auth serves, under Config.Prefix, such as
// "/login", for adapters that register each route on a router.
func (a *Auth) Routes() []string { return slices.Clone(routes) }

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
}

// login remembers a new state and redirects to OK's dialog. A next that
// is not safe, or too long to remember, means Config.LandingPath.
func (a *Auth) login(w http.ResponseWriter, r *http.Request) {
	next, _ := SafeNext(r.URL.Query().Get("next"))
	state, err := a.states.begin(w, r, next)
	if err != nil {
		a.cfg.Logger.ErrorContext(r.Context(), "okauth: cannot start sign-in", "error", err)
		http.Error(w, "500 cannot start sign-in", http.StatusInternalServerError)
		return
	}
	u := *a.authorize
	q := u.Query()
	q.Set("client_id", a.cfg.AppID)
	q.Set("scope", strings.Join(a.cfg.Scopes, ";"))
	q.Set("response_type", string(a.cfg.Flow))
	q.Set("redirect_uri", a.cfg.RedirectURL)
	q.Set("layout", a.cfg.Layout)
	q.Set("state", state)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

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

// noop is the release of a sign-in that reserved nothing.
func noop() {}

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

// readForm reads the callback's urlencoded body strictly: one value per
// field, valid UTF-8, no control characters, within the size limits.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	body, err := readBody(w, r, "application/x-www-form-urlencoded", maxFormBytes, ErrBadForm)
	if err != nil {
		return nil, err
	}
	return parseStrict(body)
}

// readBody reads r's body of media type mediaType and at most limit
// bytes, or returns why not, wrapping bad.
func readBody(w http.ResponseWriter, r *http.Request, mediaType string, limit int64, bad error) (string, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != mediaType {
		return "", fmt.Errorf("%w: content type is not %s", bad, mediaType)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return "", fmt.Errorf("%w: %w", bad, err)
	}
	return string(body), nil
}

// parseStrict parses an urlencoded form or query: one value per field,
// valid UTF-8, no control characters, within the size limits.
func parseStrict(s string) (url.Values, error) {
	form, err := url.ParseQuery(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadForm, err)
	}
	limits := map[string]int{"access_token": maxTokenLen, "session_secret_key": maxSecretLen, "state": maxStateLen, "code": maxTokenLen}
	for k, vs := range form {
		if len(vs) != 1 {
			return nil, fmt.Errorf("%w: field %.40q repeated", ErrBadForm, k)
		}
		if !cleanText(k) || !cleanText(vs[0]) {
			return nil, fmt.Errorf("%w: field %.40q is not clean UTF-8 text", ErrBadForm, k)
		}
		if n, ok := limits[k]; ok && len(vs[0]) > n {
			return nil, fmt.Errorf("%w: field %s over %d bytes", ErrBadForm, k, n)
		}
	}
	return form, nil
}

// cleanText reports whether s is valid UTF-8 without control characters.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if c < ' ' || c == 0x7f || (c >= 0x80 && c < 0xa0) {
			return false
		}
	}
	return true
}

// logoutRoute ends the session of a same-origin POST and redirects.
func (a *Auth) logoutRoute(w http.ResponseWriter, r *http.Request) {
	if err := a.logout.Check(r); err != nil {
		a.fail(w, r, "okauth: logout refused", fmt.Errorf("%w: %w", ErrCrossOrigin, err), "")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := a.Logout(w, r); err != nil {
		// The session lives on: never answer as if the user were signed out.
		a.fail(w, r, "okauth: cannot end session", err, "")
		return
	}
	http.Redirect(w, r, a.cfg.LogoutPath, http.StatusSeeOther)
}

// fail logs err once as msg, without secrets, and hands the request to the
// failure handler, with next for its "Try again" link. What a visitor can
// cause is a WARN, and past the first few a minute only counted (see
// failureLog); OK's own failures and a full replay memory are an ERROR.
func (a *Auth) fail(w http.ResponseWriter, r *http.Request, msg string, err error, next string) {
	a.logFailure(r, msg, err)
	a.failure.ServeHTTP(w, withError(r, err, next))
}

// logFailure logs err once as msg, as fail says, and returns its status.
func (a *Auth) logFailure(r *http.Request, msg string, err error) int {
	status := StatusOf(err)
	level := slog.LevelWarn
	if okFault(err) || errors.Is(err, ErrReplayFull) || errors.Is(err, ErrNativeDisabled) || errors.Is(err, ErrStoreUnavailable) {
		level = slog.LevelError
	}
	if okFault(err) || a.failures.allow() {
		a.cfg.Logger.LogAttrs(r.Context(), level, msg,
			slog.Int("status", status), slog.Int("ok_error_code", apiCode(err)), slog.String("error", err.Error()))
	}
	return status
}
