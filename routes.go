package okauth

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// ServeHTTP serves the routes under Config.Prefix:
//
//	GET  /login?next=/path  start a sign-in and go to OK's dialog
//	GET  /callback          the relay page OK redirects back to; in the
//	                        code flow, with ?code=…&state=…, sign in
//	POST /callback          the relay page's form: check and sign in (in
//	                        the code flow, OK's error only)
//	GET  /logout            a page whose button signs out (a sign-out link)
//	POST /logout            sign out, then go to Config.LogoutPath
//	POST /token             a phone app's OK token or code, as JSON, for
//	                        a bearer session (see the package documentation)
//	DELETE /token           a phone app signs out: its bearer session ends
//	                        on every instance (see [Auth.Logout]); 204
//	GET  /fragment.js       the relay page's script
//	GET  /button.css        the sign-in button's style (see [Auth.Button])
//	GET  /app               the App link, with Config.AppLink: OK's launch
//	                        inside ok.ru's iframe
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
	case route == appRoute && r.Method == http.MethodPost && a.appLaunch != nil:
		a.confirmLaunch(w, r)
	case route == "/callback" && get && a.cfg.Flow == FlowCode && fromOK(r.URL.RawQuery):
		a.codeCallback(w, r)
	case route == "/callback" && get:
		a.relayPage(w, r)
	case route == "/callback" && r.Method == http.MethodPost && a.cfg.Flow == FlowCode:
		a.codeFlowError(w, r)
	case route == "/callback" && r.Method == http.MethodPost:
		a.callback(w, r)
	case route == "/logout" && r.Method == http.MethodPost:
		a.logoutRoute(w, r)
	case route == "/logout" && get:
		a.logoutPage(w, r)
	case route == "/token" && r.Method == http.MethodPost:
		a.nativeSignIn(w, r)
	case route == "/token" && r.Method == http.MethodDelete:
		a.nativeSignOut(w, r)
	case route == "/fragment.js" && get:
		serveAsset(w, r, "fragment.js", "text/javascript; charset=utf-8", fragmentETag, fragmentJS)
	case route == "/button.css" && get:
		serveAsset(w, r, "button.css", "text/css; charset=utf-8", buttonETag, ButtonCSS)
	case route == "/login" || route == "/fragment.js" || route == "/button.css":
		methodNotAllowed(w, "GET, HEAD")
	case route == "/callback" || route == "/logout" || (route == appRoute && a.appLaunch != nil):
		methodNotAllowed(w, "GET, HEAD, POST")
	case route == "/token":
		w.Header().Set("Allow", "POST, DELETE")
		a.writeJSONError(w, r, http.StatusMethodNotAllowed, jsonError{Error: "method_not_allowed", Message: http.StatusText(http.StatusMethodNotAllowed)})
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

// serveAsset serves one of the routes' static files, revalidated by its
// ETag.
func serveAsset(w http.ResponseWriter, r *http.Request, name, contentType, etag, body string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", etag)
	http.ServeContent(w, r, name, time.Time{}, strings.NewReader(body))
}

// Prefix is the path the routes live under (Config.Prefix), for adapters
// that mount them on a router.
func (a *Auth) Prefix() string { return a.cfg.Prefix }

// appRoute is the App link's path under the prefix.
const appRoute = "/app"
