package okauth

import (
	"context"
	"time"
)

// DefaultMaxUserSessions is how many live sessions of one user
// [NewMemorySessions] and the okredis module keep by default: a user
// signed in on more browsers and devices than this loses the oldest
// sign-in.
const DefaultMaxUserSessions = 50

// SessionStore keeps sessions on the server, so that they can be ended
// from anywhere: the cookie (or a native app's bearer value) then holds
// only a sealed random session ID, and [Auth.Logout] and
// [Auth.SignOutEverywhere] end the session for every copy of that cookie.
// [NewMemorySessions] keeps them in this process; the okredis module keeps
// them in Redis, shared by every instance.
//
// A store bounds the live sessions of one user: when Save would leave a
// uid with more than the store's bound, it ends that uid's oldest
// sessions (the first saved) until the bound holds, in the same step, and
// never the session it is saving; a session so ended is refused like one
// Delete ended. The bound is the store's own, configurable where the
// store is made; okauth's stores default to [DefaultMaxUserSessions]. So
// one user signing in again and again (one OK token sent to the token
// route in a loop) keeps a fixed amount of the store's memory, and
// DeleteUser's cost is bounded by it.
//
// A store too full to save must still Load and Delete: a full store
// refuses new sign-ins, never the users already signed in.
//
// The uid okauth hands a store is bound to the app: the app's ID
// (Config.AppID), a colon, then the OK uid, so that apps sharing one store
// never end each other's sessions.
//
// Errors other than [ErrNoSession] mean the store could not answer; they
// should wrap [ErrStoreUnavailable].
type SessionStore interface {
	// Save stores data, the encoded session of uid, under id until
	// expires, then ends uid's oldest sessions past the store's bound.
	// id is new: 32 random bytes, base64url-encoded.
	Save(ctx context.Context, id, uid string, data []byte, expires time.Time) error
	// Load returns the data saved under id, or an error wrapping
	// [ErrNoSession] when there is none. A session ended by Delete or
	// DeleteUser must never be returned again, by any instance. The
	// caller does not change the data, so a store may return what it
	// caches without copying it.
	Load(ctx context.Context, id string) ([]byte, error)
	// Delete ends the session id. Ending one that does not exist is no
	// error.
	Delete(ctx context.Context, id string) error
	// DeleteUser ends every session of uid.
	DeleteUser(ctx context.Context, uid string) error
}
