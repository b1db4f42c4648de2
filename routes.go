package okauth

import (
	"net/http"
	"strings"
	"time"
)

// Route is one route the Auth serves: its path under Config.Prefix, such
// as "/login", and the methods it answers, such as GET and HEAD. Any other
// method gets 405 with these in the Allow header.
type Route struct {
	Path    string
	Methods []string
}

// ServeHTTP serves the routes under Config.Prefix:
//
//	GET  /login?next=/path  start a sign-in and go to OK's dialog
//	GET  /callback          the relay page OK redirects back to; in the
//	                        code flow, with ?code=…&state=…, sign in
//	POST /callback          the relay page's form: check and sign in (in
//	                        the code flow, OK's error only)
//	GET  /logout            a page whose button signs out (a sign-out link)
//	POST /logout            sign out, then go to Config.LogoutPath (neither
//	                        with Config.WriteSession: the site signs out)
//	POST /token             a phone app's OK token or code, as JSON, for
//	                        a bearer session (see the package documentation)
//	DELETE /token           a phone app signs out: its bearer session ends
//	                        on every instance (see [Auth.Logout]); 204
//	GET  /fragment.js       the relay page's script
//	GET  /button.css        the sign-in button's style (see [Auth.Button])
//	GET  /app               the App link, with Config.AppLink: OK's launch
//	                        inside ok.ru's iframe
//	POST /app               the App link's confirmation, when a launch is
//	                        opened outside ok.ru's iframe
//
// Each GET route answers HEAD too; [Auth.Routes] lists the routes served
// and the methods of each. Mount it with mux.Handle(cfg.Prefix+"/", auth).
func (a *Auth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, a.cfg.Prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	for _, row := range routeTable {
		if row.path != path || (row.on != nil && !row.on(a)) {
			continue
		}
		if serve := row.handler(r.Method); serve != nil {
			serve(a, w, r)
			return
		}
		allow := strings.Join(row.methods(), ", ")
		if row.api {
			w.Header().Set("Allow", allow)
			a.writeJSONError(w, r, http.StatusMethodNotAllowed, a.errorBody(r, errMethodNotAllowed))
			return
		}
		methodNotAllowed(w, allow)
		return
	}
	http.NotFound(w, r)
}

// routeTable is every route ServeHTTP answers, what answers each method,
// and, for a route served only with some Config, when it is served.
// Routes lists it, so adapters register what ServeHTTP serves; a route
// added here is registered by them and answered with 405 for other
// methods.
var routeTable = []routeRow{
	{path: "/login", serve: get((*Auth).login)},
	{path: "/callback", serve: get((*Auth).callbackPage).post((*Auth).callbackForm)},
	{path: "/logout", serve: get((*Auth).logoutPage).post((*Auth).logoutRoute), on: (*Auth).keepsSessions},
	{path: "/token", serve: post((*Auth).nativeSignIn).delete((*Auth).nativeSignOut), api: true},
	{path: "/fragment.js", serve: get((*Auth).fragmentJS)},
	{path: "/button.css", serve: get((*Auth).buttonCSS)},
	{path: appRoute, serve: get((*Auth).appLaunchPage).post((*Auth).confirmLaunch), on: (*Auth).hasAppLink},
}

// routeRow is one route of routeTable.
type routeRow struct {
	path  string
	serve methodHandlers
	on    func(*Auth) bool // nil: always served
	api   bool             // for apps, not browsers: a wrong method's 405 is okauth's JSON error
}

// handlerFunc is a route's answer to one method.
type handlerFunc func(*Auth, http.ResponseWriter, *http.Request)

// methodHandler is what answers one method of a route.
type methodHandler struct {
	method string
	serve  handlerFunc
}

// methodHandlers are a route's methods, in the order Allow lists them.
type methodHandlers []methodHandler

// get is a route answering GET and HEAD with h.
func get(h handlerFunc) methodHandlers { return methodHandlers(nil).get(h) }

// post is a route answering POST with h.
func post(h handlerFunc) methodHandlers { return methodHandlers(nil).post(h) }

// get adds GET and HEAD, answered by h, to m.
func (m methodHandlers) get(h handlerFunc) methodHandlers {
	return append(m, methodHandler{http.MethodGet, h}, methodHandler{http.MethodHead, h})
}

// post adds POST, answered by h, to m.
func (m methodHandlers) post(h handlerFunc) methodHandlers {
	return append(m, methodHandler{http.MethodPost, h})
}

// delete adds DELETE, answered by h, to m.
func (m methodHandlers) delete(h handlerFunc) methodHandlers {
	return append(m, methodHandler{http.MethodDelete, h})
}

// handler is what answers method on the row's route, or nil.
func (row routeRow) handler(method string) handlerFunc {
	for _, m := range row.serve {
		if m.method == method {
			return m.serve
		}
	}
	return nil
}

// methods are the row's methods, in the order Allow lists them.
func (row routeRow) methods() []string {
	methods := make([]string, len(row.serve))
	for i, m := range row.serve {
		methods[i] = m.method
	}
	return methods
}

// Routes are the routes the Auth serves under Config.Prefix, each with
// the methods it answers, for adapters that register each route on a
// router for its methods. The App link's route is among them only with
// Config.AppLink.
func (a *Auth) Routes() []Route {
	var routes []Route
	for _, row := range routeTable {
		if row.on == nil || row.on(a) {
			routes = append(routes, Route{Path: row.path, Methods: row.methods()})
		}
	}
	return routes
}

// callbackPage answers GET /callback: in the code flow, OK's redirect
// with its code signs in; otherwise it is the relay page.
func (a *Auth) callbackPage(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Flow == FlowCode && fromOK(r.URL.RawQuery) {
		a.codeCallback(w, r)
		return
	}
	a.relayPage(w, r)
}

// callbackForm answers POST /callback: the relay page's form, or, in the
// code flow, OK's error.
func (a *Auth) callbackForm(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Flow == FlowCode {
		a.codeFlowError(w, r)
		return
	}
	a.callback(w, r)
}

// appLaunchPage answers GET on the App link: OK's launch.
func (a *Auth) appLaunchPage(w http.ResponseWriter, r *http.Request) {
	a.appLaunch.ServeHTTP(w, r)
}

// hasAppLink is whether the App link is served (Config.AppLink).
func (a *Auth) hasAppLink() bool { return a.appLaunch != nil }

// keepsSessions is whether okauth keeps the sessions, so that its logout
// route can end one: not with Config.WriteSession, where the site's own
// sign-out does.
func (a *Auth) keepsSessions() bool { return a.cfg.WriteSession == nil }

// fragmentJS serves the relay page's script.
func (a *Auth) fragmentJS(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, "fragment.js", "text/javascript; charset=utf-8", fragmentETag, fragmentJS)
}

// buttonCSS serves the sign-in button's style.
func (a *Auth) buttonCSS(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, "button.css", "text/css; charset=utf-8", buttonETag, ButtonCSS)
}

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
