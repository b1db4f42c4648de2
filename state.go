package okauth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// A sign-in in progress is remembered in its own short-lived cookie, named
// after its state, so that any number of tabs can sign in at once without
// overwriting each other. The cookie is signed and encrypted with the
// session keys, scoped to the callback path and SameSite=Lax, so it comes
// back on OK's cross-site redirect and on the relay page's POST.
const (
	stateLifetime    = 10 * time.Minute
	stateCookiePre   = "okauth_state_"
	maxPendingStates = 8 // more concurrent sign-ins than this drop the oldest
	stateBytes       = 32
)

// pendingLogin is what a state cookie holds.
type pendingLogin struct {
	State   string `json:"s"`
	Next    string `json:"n"`
	Created int64  `json:"t"`
}

// states issues and checks sign-in states.
type states struct {
	codec  *cookieCodec
	path   string
	secure bool
	used   usedStates
	now    func() time.Time
}

// newState returns a fresh random state: 32 bytes from crypto/rand,
// base64url without padding.
func newState() string {
	b := make([]byte, stateBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// cookieName is the name of the cookie that remembers state.
func (s *states) cookieName(state string) string {
	sum := sha256.Sum256([]byte(state))
	return stateCookiePre + hex.EncodeToString(sum[:6])
}

func (s *states) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: s.path, MaxAge: maxAge,
		Secure: s.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// begin remembers a new sign-in that will return to next and returns its
// state. It drops the oldest pending sign-ins beyond maxPendingStates.
func (s *states) begin(w http.ResponseWriter, r *http.Request, next string) (string, error) {
	s.prune(w, r)
	p := pendingLogin{State: newState(), Next: next, Created: s.now().Unix()}
	data, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	name := s.cookieName(p.State)
	value, err := s.codec.encode(name, data)
	if err != nil {
		return "", err
	}
	http.SetCookie(w, s.cookie(name, value, int(stateLifetime/time.Second)))
	return p.State, nil
}

// prune expires the oldest state cookies so that, with the one about to be
// set, at most maxPendingStates remain.
func (s *states) prune(w http.ResponseWriter, r *http.Request) {
	type pending struct {
		name    string
		created int64
	}
	var all []pending
	for _, c := range r.Cookies() {
		if !strings.HasPrefix(c.Name, stateCookiePre) {
			continue
		}
		p, err := s.read(c.Name, c.Value)
		if err != nil {
			http.SetCookie(w, s.cookie(c.Name, "", -1))
			continue
		}
		all = append(all, pending{c.Name, p.Created})
	}
	if len(all) < maxPendingStates {
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i].created < all[j].created })
	for _, p := range all[:len(all)-maxPendingStates+1] {
		http.SetCookie(w, s.cookie(p.name, "", -1))
	}
}

func (s *states) read(name, value string) (pendingLogin, error) {
	var p pendingLogin
	data, err := s.codec.decode(namePipe(name), value, nil)
	if err != nil {
		return p, ErrStateMismatch
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, ErrStateMismatch
	}
	return p, nil
}

// finish checks state against this browser's cookie for it, and uses it
// up: the cookie is expired and the state is remembered as used until it
// would have expired anyway. It returns the pending sign-in.
func (s *states) finish(w http.ResponseWriter, r *http.Request, state string) (pendingLogin, error) {
	if state == "" {
		return pendingLogin{}, ErrStateMissing
	}
	name := s.cookieName(state)
	c, err := r.Cookie(name)
	if err != nil {
		if s.used.seen(name) {
			return pendingLogin{}, ErrStateReused
		}
		return pendingLogin{}, ErrStateMismatch
	}
	p, err := s.read(name, c.Value)
	if err != nil {
		return p, err
	}
	if subtle.ConstantTimeCompare([]byte(p.State), []byte(state)) != 1 {
		return p, ErrStateMismatch
	}
	http.SetCookie(w, s.cookie(name, "", -1))
	created := time.Unix(p.Created, 0)
	if s.now().Sub(created) > stateLifetime {
		return p, ErrStateExpired
	}
	if !s.used.use(name, created.Add(stateLifetime)) {
		return p, ErrStateReused
	}
	return p, nil
}

// usedStates remembers states that finished, until they expire, so that a
// replayed callback fails even if the browser kept the cookie. It is per
// process; the cookie's deletion covers a browser that obeys it.
type usedStates struct {
	mu    sync.Mutex
	until map[string]time.Time
}

const maxUsedStates = 100_000

// use records name as used and reports whether it was unused.
func (u *usedStates) use(name string, expires time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	now := time.Now()
	if u.until == nil {
		u.until = map[string]time.Time{}
	}
	if t, ok := u.until[name]; ok && now.Before(t) {
		return false
	}
	if len(u.until) >= maxUsedStates/2 {
		for k, t := range u.until {
			if !now.Before(t) || len(u.until) >= maxUsedStates {
				delete(u.until, k)
			}
		}
	}
	u.until[name] = expires
	return true
}

// seen reports whether name was used and has not yet expired.
func (u *usedStates) seen(name string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	t, ok := u.until[name]
	return ok && time.Now().Before(t)
}
