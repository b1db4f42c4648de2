package okauth

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"time"
)

// The sign-ins a browser has in progress are listed in one short-lived
// cookie, signed and encrypted with the session keys, scoped to
// Config.Prefix (so /login, where a sign-in starts, and /callback, where it
// ends, both see it) and SameSite=Lax, so it comes back on OK's cross-site
// redirect and on the relay page's POST. However often /login is hit, the
// list holds at most maxPendingStates sign-ins (several tabs can sign in at
// once; the oldest is dropped first) and the whole cookie stays within
// maxStateCookie bytes, so it can never crowd out the session cookie or
// swell the Cookie header.
const (
	stateLifetime    = 10 * time.Minute
	stateCookieName  = "okauth_state"
	maxPendingStates = 8
	// maxStateCookie bounds the state cookie's name, "=" and value: well
	// under the 4 KB a browser keeps per cookie, and with a session cookie
	// still under 4 KB of Cookie header together.
	maxStateCookie = 2048
	stateBytes     = 32
)

// pendingLogin is one sign-in in progress.
type pendingLogin struct {
	State   string
	Next    string // "" means Config.LandingPath
	Created int64  // Unix seconds
}

// states issues and checks sign-in states: begin at /login, finish at the
// callback. A code flow reuses both.
type states struct {
	codec  *cookieCodec
	name   string // the cookie's name, with the __Secure- prefix when secure
	path   string // Config.Prefix
	secure bool
	used   ReplayStore
	now    func() time.Time
}

func newStates(codec *cookieCodec, prefix string, secure bool, used ReplayStore) *states {
	name := stateCookieName
	if secure {
		name = "__Secure-" + name
	}
	return &states{codec: codec, name: name, path: cmp.Or(prefix, "/"), secure: secure, used: used, now: time.Now}
}

// newState returns a fresh random state: 32 bytes from crypto/rand,
// base64url without padding.
func newState() string {
	b := make([]byte, stateBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *states) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: s.name, Value: value, Path: s.path, MaxAge: maxAge,
		Secure: s.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// begin adds a new sign-in that will return to next (already checked by
// SafeNext; "" for the landing path) to this browser's list and returns
// its state. A next too long for the cookie's budget is dropped, so the
// sign-in returns to the landing path; the oldest pending sign-ins are
// dropped to keep at most maxPendingStates within the budget. It fails
// only if the cookie cannot be encrypted.
func (s *states) begin(w http.ResponseWriter, r *http.Request, next string) (string, error) {
	now := s.now().Unix()
	fresh := pendingLogin{State: newState(), Next: next, Created: now}
	list := append(s.pending(r, now), fresh)
	if len(list) > maxPendingStates {
		list = list[len(list)-maxPendingStates:]
	}
	if s.size([]pendingLogin{fresh}) > maxStateCookie {
		list[len(list)-1].Next = ""
	}
	for len(list) > 1 && s.size(list) > maxStateCookie {
		list = list[1:]
	}
	if err := s.write(w, list); err != nil {
		return "", err
	}
	return fresh.State, nil
}

// size is how many bytes the state cookie listing list takes, name and
// "=" included. securecookie's format has a fixed length for a given
// payload length, so this is exact.
func (s *states) size(list []pendingLogin) int {
	n := len(encodePending(list))
	// base64url(ts "|" base64url(iv+ciphertext) "|" mac), both padded.
	inner := base64.URLEncoding.EncodedLen(16 + n)
	return len(s.name) + 1 + base64.URLEncoding.EncodedLen(10+1+inner+1+32)
}

// write sets the state cookie to list, or expires it when list is empty.
func (s *states) write(w http.ResponseWriter, list []pendingLogin) error {
	if len(list) == 0 {
		http.SetCookie(w, s.cookie("", -1))
		return nil
	}
	value, err := s.codec.encode(s.name, encodePending(list))
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(value, int(stateLifetime/time.Second)))
	return nil
}

// pending is this browser's list of unexpired sign-ins, oldest first. An
// unreadable cookie counts as an empty list.
func (s *states) pending(r *http.Request, now int64) []pendingLogin {
	raw := cookieValue(r, s.name)
	if raw == "" {
		return nil
	}
	data, err := s.codec.decode(namePipe(s.name), raw, nil)
	if err != nil {
		return nil
	}
	list, err := decodePending(data)
	if err != nil {
		return nil
	}
	live := list[:0]
	for _, p := range list {
		if now-p.Created <= int64(stateLifetime/time.Second) && p.Created <= now+60 {
			live = append(live, p)
		}
	}
	return live
}

// finish checks state against this browser's list, removes it from the
// list, and reserves it in the replay memory, so that it can finish only
// once. It returns the pending sign-in and release, which the caller must
// call if the sign-in then fails, so that a failed callback leaves nothing
// behind in the replay memory.
func (s *states) finish(ctx context.Context, w http.ResponseWriter, r *http.Request, state string) (pendingLogin, func(), error) {
	noop := func() {}
	if state == "" {
		return pendingLogin{}, noop, ErrStateMissing
	}
	now := s.now()
	var list []pendingLogin
	if raw := cookieValue(r, s.name); raw != "" {
		if data, err := s.codec.decode(namePipe(s.name), raw, nil); err == nil {
			list, _ = decodePending(data)
		}
	}
	at := -1
	for i, p := range list {
		if subtle.ConstantTimeCompare([]byte(p.State), []byte(state)) == 1 {
			at = i
		}
	}
	if at < 0 {
		if s.used.Used(ctx, state) {
			return pendingLogin{}, noop, ErrStateReused
		}
		return pendingLogin{}, noop, ErrStateMismatch
	}
	p := list[at]
	rest := append(list[:at:at], list[at+1:]...)
	if err := s.write(w, rest); err != nil {
		return p, noop, err
	}
	created := time.Unix(p.Created, 0)
	left := created.Add(stateLifetime).Sub(now)
	if left <= 0 {
		return p, noop, ErrStateExpired
	}
	if err := s.used.Reserve(ctx, state, left); err != nil {
		return p, noop, err
	}
	return p, func() { s.used.Release(context.WithoutCancel(ctx), state) }, nil
}

// encodePending writes list compactly: for each sign-in, its creation
// time and two length-prefixed strings.
func encodePending(list []pendingLogin) []byte {
	b := make([]byte, 0, 64*len(list))
	for _, p := range list {
		b = binary.AppendUvarint(b, uint64(p.Created))
		b = binary.AppendUvarint(b, uint64(len(p.State)))
		b = append(b, p.State...)
		b = binary.AppendUvarint(b, uint64(len(p.Next)))
		b = append(b, p.Next...)
	}
	return b
}

// decodePending reads what encodePending wrote.
func decodePending(data []byte) ([]pendingLogin, error) {
	var list []pendingLogin
	rest := string(data)
	next := func() (string, bool) {
		l, n := uvarint(rest)
		if n <= 0 || l > uint64(len(rest)-n) {
			return "", false
		}
		v := rest[n : n+int(l)]
		rest = rest[n+int(l):]
		return v, true
	}
	for rest != "" && len(list) < maxPendingStates {
		created, n := uvarint(rest)
		if n <= 0 || created > 1<<40 {
			return nil, errPending
		}
		rest = rest[n:]
		state, ok1 := next()
		nxt, ok2 := next()
		if !ok1 || !ok2 || state == "" {
			return nil, errPending
		}
		list = append(list, pendingLogin{State: state, Next: nxt, Created: int64(created)})
	}
	if rest != "" {
		return nil, errPending
	}
	return list, nil
}
