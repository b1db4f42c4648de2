package okauth

import (
	"cmp"
	"context"
	"net/http"
	"time"
)

// A session holds one [User]. It is written once, when a sign-in succeeds,
// and read on every request; both backends store the same compact encoding
// (see encodeUser), so any sessions.Store can hold it without gob
// registration.
type sessionBackend interface {
	// load returns the user of r's session, whose cookie has value raw, or
	// nil when there is no valid one unexpired at now. The user must not be
	// modified: it may be shared with other requests. An error, wrapping
	// ErrStoreUnavailable, means a server-side store could not tell.
	load(r *http.Request, raw string, now time.Time) (*User, error)
	// save starts a new session for u, replacing any the request had; now
	// is the time the cookie's lifetime counts from.
	save(w http.ResponseWriter, r *http.Request, u *User, now time.Time) error
	// clear ends the request's session.
	clear(w http.ResponseWriter, r *http.Request) error
}

// boxLoader is a sessionBackend that can decode a session into the
// caller's box, which saves the signed-in request an allocation.
type boxLoader interface {
	loadInto(r *http.Request, raw string, now time.Time, box *userBox) (*User, error)
}

// bearerBackend is a sessionBackend whose sessions are one value, which a
// native app sends back as "Authorization: Bearer <value>".
type bearerBackend interface {
	sessionBackend
	// seal starts u's session and returns its value.
	seal(ctx context.Context, u *User) (string, error)
	// end ends the session whose value is raw, on every instance; ending
	// one that is not live is no error. A backend that cannot end a
	// session (the whole session sealed in the value) returns
	// ErrNotRevocable.
	end(ctx context.Context, raw string) error
}

// newSessionBackend is where sessions in the cookie opts names are kept:
// cfg.SessionStore (the cookie holds an ID), cfg.GorillaStore, or the cookie
// itself.
func newSessionBackend(cfg Config, opts cookieOptions) (sessionBackend, error) {
	if cfg.GorillaStore != nil {
		return &gorillaSessions{opts: opts, store: cfg.GorillaStore}, nil
	}
	return newBackend(cfg, opts)
}

// newBackend is a backend of sessions that seal into one value: an ID in
// cfg.SessionStore, or the whole session. Native apps' bearer sessions
// use one whatever cfg.GorillaStore is.
func newBackend(cfg Config, opts cookieOptions) (bearerBackend, error) {
	if cfg.SessionStore != nil {
		return newIDSessions(cfg, opts)
	}
	return newCookieSessions(cfg, opts)
}

// sessionsFor is the backend that holds u's session: the App link's for a
// user who came in through it.
func (a *Auth) sessionsFor(u *User) sessionBackend {
	if u.InsideOK && a.appSessions != nil {
		return a.appSessions
	}
	return a.sessions
}

// cookieUser is the live user of r's session in the cookie name, held by
// backend (nil: none), or nil when there is none or the store cannot tell.
// The middleware reads sessions lazily instead; this is for the App link's
// decisions that need to know who the browser is now.
func (a *Auth) cookieUser(r *http.Request, backend sessionBackend, name string) *User {
	raw := cookieValue(r, name)
	if backend == nil || raw == "" {
		return nil
	}
	if u, err := backend.load(r, raw, a.now()); err == nil {
		return u
	}
	return nil
}

// cookieOptions are the attributes of a session cookie: SameSite=Lax
// unless sameSite says otherwise (the App link's cookie).
type cookieOptions struct {
	name        string
	secure      bool
	sameSite    http.SameSite
	partitioned bool
}

func (o cookieOptions) cookie(value string, maxAge int) *http.Cookie {
	c := &http.Cookie{Name: o.name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: o.secure, HttpOnly: true, SameSite: cmp.Or(o.sameSite, http.SameSiteLaxMode), Partitioned: o.partitioned}
	if maxAge > 0 {
		c.Expires = time.Now().Add(time.Duration(maxAge) * time.Second)
	}
	return c
}

// maxAgeOf is the cookie lifetime for u at now, in whole seconds.
func maxAgeOf(u *User, now time.Time) int {
	return max(1, int(u.Expires.Sub(now)/time.Second))
}
