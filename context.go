package okauth

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// lazySession is the context Middleware gives a request with a session
// cookie: its parent, plus the cookie's raw value, decoded on the first
// UserFrom and never again. Being the context itself, rather than a value
// in one, saves an allocation on every signed-in request.
type lazySession struct {
	context.Context
	backend sessionBackend
	now     func() time.Time
	r       *http.Request
	raw     string

	done atomic.Bool
	mu   sync.Mutex
	u    *User   // nil: no valid session
	err  error   // the session store could not tell (ErrStoreUnavailable)
	box  userBox // where a boxLoader decodes u
}

// Value returns l for userKey and defers every other key to the parent.
func (l *lazySession) Value(key any) any {
	if key == any(userKey) {
		return l
	}
	return l.Context.Value(key)
}

func (l *lazySession) user() *User {
	if !l.done.Load() {
		l.mu.Lock()
		if !l.done.Load() {
			if b, ok := l.backend.(boxLoader); ok {
				l.u, l.err = b.loadInto(l.r, l.raw, l.now(), &l.box)
			} else {
				l.u, l.err = l.backend.load(l.r, l.raw, l.now())
			}
			l.done.Store(true)
		}
		l.mu.Unlock()
	}
	return l.u
}

// ctxKey is the type of this package's context keys.
type ctxKey int

const (
	userKey ctxKey = iota // a *User or a *lazySession
	errorKey
	nextKey // the next path of a failed sign-in, when known
)

// WithUser returns a copy of ctx that carries u, so that handlers can be
// tested without a sign-in.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey, &u)
}

// UserFrom returns the signed-in user that [Auth.Middleware] found for the
// request, and whether there is one. The session is decoded on the first
// call for a request, not before.
func UserFrom(ctx context.Context) (User, bool) {
	switch v := ctx.Value(userKey).(type) {
	case *User:
		return *v, true
	case *lazySession:
		if u := v.user(); u != nil {
			return *u, true
		}
	}
	return User{}, false
}

// ErrorFrom returns the error that sent a request to the failure handler.
func ErrorFrom(ctx context.Context) (error, bool) {
	err, ok := ctx.Value(errorKey).(error)
	return err, ok
}

// withError returns r carrying err, and the next path of the failed
// sign-in if known, for the failure handler.
func withError(r *http.Request, err error, next string) *http.Request {
	ctx := context.WithValue(r.Context(), errorKey, err)
	if next != "" {
		ctx = context.WithValue(ctx, nextKey, next)
	}
	return r.WithContext(ctx)
}

// storeError is why the request's session could not be checked: its
// SessionStore failed. It is nil when there was no session to check, or
// the store answered.
func storeError(ctx context.Context) error {
	if l, ok := ctx.Value(userKey).(*lazySession); ok {
		l.user()
		return l.err
	}
	return nil
}
