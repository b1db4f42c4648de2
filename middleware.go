package okauth

import (
	"net/http"
	"strings"
)

// Middleware puts the signed-in user, if any, on each request's context,
// where [UserFrom] finds it. It does not decode the session until a
// handler asks: a request without a session cookie passes through
// untouched, and one with a cookie costs a context until UserFrom is
// called. It never refuses a request; see [Auth.RequireLogin].
func (a *Auth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, a.attach(r))
	})
}

// attach returns r with a lazy session on its context, or r itself when
// there is no session cookie or one is attached already.
func (a *Auth) attach(r *http.Request) *http.Request {
	if r.Context().Value(userKey) != nil {
		return r
	}
	raw := cookieValue(r, a.cfg.SessionName)
	if raw == "" {
		return r
	}
	ls := &lazySession{Context: r.Context(), backend: a.sessions, raw: raw}
	r = r.WithContext(ls)
	ls.r = r
	return r
}

// RequireLogin passes signed-in requests to next. It sends anyone else's
// browser (a GET or HEAD that accepts HTML) to sign in, returning to the
// page it asked for afterwards, and answers other requests 401 with a JSON
// body naming the login URL. It works with or without [Auth.Middleware]
// in front of it.
//
// A session is trusted until OK's token expires or Config.MaxSessionAge
// passes, whichever is first; RequireLogin does not ask OK on each request.
// When a call to OK answers [CodeSessionExpired], end the session with
// [Auth.Logout].
func (a *Auth) RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = a.attach(r)
		if _, ok := UserFrom(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		login := a.LoginURL(requestPath(r.RequestURI, r.URL))
		w.Header().Set("Cache-Control", "no-store")
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && acceptsHTML(r) {
			http.Redirect(w, r, login, http.StatusSeeOther)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"not signed in","login_url":` + jsonString(login) + "}\n"))
	})
}

// acceptsHTML reports whether the request comes from a browser page load.
func acceptsHTML(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(v, "text/html") {
			return true
		}
	}
	return false
}
