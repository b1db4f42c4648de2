package okauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
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
	// id is new, made by [NewSessionID].
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

// SessionGrouper is implemented by a [SessionStore] that keeps the
// sessions of one user together and must find that place from a
// session's ID alone, such as one on Redis Cluster, where the keys a
// script changes together must share a hash slot. okauth then begins each
// new session ID with the group of its user.
type SessionGrouper interface {
	// SessionGroup returns the group of uid: 1 to 8 base64url characters,
	// the same for every call with uid.
	SessionGroup(uid string) string
}

// NewSessionID returns a new ID for a session of uid in store, as okauth
// makes them: 43 base64url characters, random but for the group of uid
// first when store is a [SessionGrouper] (at least 35 random characters,
// 210 bits). Tests of a store use it to make the IDs they save.
func NewSessionID(store SessionStore, uid string) string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	id := base64.RawURLEncoding.EncodeToString(b[:])
	if g, ok := store.(SessionGrouper); ok {
		if group := g.SessionGroup(uid); validGroup(group) {
			id = group + id[len(group):]
		}
	}
	return id
}

// validGroup reports whether group is 1 to 8 base64url characters.
func validGroup(group string) bool {
	if len(group) == 0 || len(group) > 8 {
		return false
	}
	for _, c := range []byte(group) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
