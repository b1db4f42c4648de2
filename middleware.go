package okauth

import (
	"errors"
	"net/http"
	"strings"
)

// Middleware puts the signed-in user, if any, on each request's context,
// where [UserFrom] finds it. It does not decode the session until a
// handler asks: a request without a session cookie passes through
// untouched, and one with a cookie costs a context until UserFrom is
// called. It never refuses a request; see [Auth.RequireLogin].
//
// The session is the cookie's, or a native app's bearer session (see
// Native apps in the package documentation).
func (a *Auth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, a.attach(r))
	})
}

// attach returns r with a lazy session on its context, or r itself when
// there is no session or one is attached already. The session is the
// one of an "Authorization: Bearer" header when there is one (only an app
// sends it, explicitly: no browser adds it to a cross-site request),
// otherwise the session cookie's, and otherwise the App link's cookie, if
// it counts for r (see appSessionCounts). With Config.WriteSession the
// site keeps the sessions, and no request carries one of okauth's: a
// cookie okauth wrote before would outlive the site's own sign-out.
func (a *Auth) attach(r *http.Request) *http.Request {
	if r.Context().Value(userKey) != nil || a.cfg.WriteSession != nil {
		return r
	}
	var backend sessionBackend
	var raw string
	if a.bearer != nil {
		backend, raw = a.bearer, bearerValue(r)
	}
	if raw == "" {
		backend, raw = a.sessions, cookieValue(r, a.cfg.SessionName)
	}
	if raw == "" && a.appSessions != nil && appSessionCounts(r) {
		// The App link's session, for the app's own requests only: any
		// frame in OK's partition makes the browser send the cookie.
		backend, raw = a.appSessions, cookieValue(r, a.appSessionName)
	}
	if raw == "" {
		return r
	}
	ls := &lazySession{Context: r.Context(), backend: backend, now: a.now, raw: raw}
	r = r.WithContext(ls)
	ls.r = r
	return r
}

// RequireLogin passes signed-in requests to next. Anyone else gets
// Config.Unauthenticated; by default, a browser's GET or HEAD that accepts
// HTML is sent to sign in, returning to the page it asked for afterwards,
// and other requests, and any with a bearer session, are answered 401 with
// okauth's JSON error: {"error": "not_signed_in", "message": …, "login_url":
// …}, or "invalid_token" without login_url when a bearer session was sent
// and refused, with WWW-Authenticate: Bearer when the token route is on.
// When Config.SessionStore cannot answer, the request is answered 503
// rather than sent to sign in: the failure page for a browser, else JSON
// with "store_unavailable". It works with or without [Auth.Middleware] in
// front of it.
//
// A session lasts Config.SessionLifetime whatever OK's token does;
// RequireLogin does not ask OK on each request. Pages that call OK's API
// can use [Auth.RequireToken] instead.
func (a *Auth) RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = a.attach(r)
		if _, ok := UserFrom(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		a.unauthenticated(w, r)
	})
}

// RequireToken is [Auth.RequireLogin] for pages that need a live OK token:
// a signed-in user whose token is known to have expired, and cannot be
// refreshed (the token flow), has their browser's GET sent through OK's
// dialog again and back to the same page. OK closes the dialog by itself
// when the user has already allowed the app, and the user returns with a
// new token. If OK comes back as another user, that is a new sign-in, as
// any. Other requests with an expired token are answered 401 with JSON,
// as RequireLogin answers anonymous ones.
func (a *Auth) RequireToken(next http.Handler) http.Handler {
	return a.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, _ := UserFrom(r.Context()); u.RefreshToken != "" || !a.tokenExpired(u) {
			next.ServeHTTP(w, r)
			return
		}
		a.toLogin(w, r, ErrTokenExpired)
	}))
}

// unauthenticated answers a request RequireLogin refused.
func (a *Auth) unauthenticated(w http.ResponseWriter, r *http.Request) {
	if a.storeDown(w, r) {
		return
	}
	if a.cfg.Unauthenticated != nil {
		a.cfg.Unauthenticated.ServeHTTP(w, r)
		return
	}
	a.toLogin(w, r, ErrNotSignedIn)
}

// toLogin sends a browser's page load to sign in and back, and answers
// anything else 401 as JSON with why's code (ErrNotSignedIn or
// ErrTokenExpired): not_signed_in becomes invalid_token for a bearer
// session that is refused, and only a request without one is given the
// login URL, which a phone app cannot use.
func (a *Auth) toLogin(w http.ResponseWriter, r *http.Request, why error) {
	login := a.LoginURL(requestPath(r.RequestURI, r.URL))
	if a.pageLoad(r) {
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, login, http.StatusSeeOther)
		return
	}
	body := a.errorBody(r, why)
	switch {
	case a.bearerOf(r) == "":
		body.LoginURL = login
	case errors.Is(why, ErrNotSignedIn):
		body.Error = "invalid_token"
	}
	a.writeJSONError(w, r, http.StatusUnauthorized, body)
}

// pageLoad reports whether r is a browser loading a page: a GET or HEAD
// that wants HTML (see wantsHTML).
func (a *Auth) pageLoad(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && a.wantsHTML(r)
}

// wantsHTML reports whether r is a browser's, answered with pages: it
// accepts HTML and carries no bearer session, which only an app sends.
// Everything else is answered as JSON. Without the token route an
// "Authorization: Bearer" header is not okauth's (an authenticating proxy
// may add one to every request) and changes nothing.
func (a *Auth) wantsHTML(r *http.Request) bool {
	return acceptsHTML(r) && a.bearerOf(r) == ""
}

// acceptsHTML reports whether the request accepts an HTML page.
func acceptsHTML(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(v, "text/html") {
			return true
		}
	}
	return false
}

// cookieValue finds the value of the cookie called name in r's Cookie
// headers without allocating, or returns "".
func cookieValue(r *http.Request, name string) string {
	for _, line := range r.Header["Cookie"] {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimLeft(part, " \t")
			if len(part) > len(name) && part[len(name)] == '=' && part[:len(name)] == name {
				v := strings.TrimRight(part[len(name)+1:], " \t")
				if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
					v = v[1 : len(v)-1]
				}
				if v != "" {
					return v
				}
			}
		}
	}
	return ""
}

// bearerOf is r's bearer session value when the token route is on (see
// attach), or "".
func (a *Auth) bearerOf(r *http.Request) string {
	if a.bearer == nil {
		return ""
	}
	return bearerValue(r)
}

// bearerValue is the credentials of r's one "Authorization: Bearer …"
// header, without allocating, or "".
func bearerValue(r *http.Request) string {
	h := r.Header["Authorization"]
	if len(h) != 1 || len(h[0]) < 7 || !strings.EqualFold(h[0][:7], "bearer ") {
		return ""
	}
	return strings.TrimSpace(h[0][7:])
}
