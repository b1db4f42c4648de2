package okauth

import (
	"strings"
	"sync"
	"time"
)

// defaultSessionCache is how many decoded sessions the cookie store
// remembers unless Config.SessionCache says otherwise.
const defaultSessionCache = 4096

// sessionCache remembers the users decoded from recent session cookies, so
// a signed-in user's next requests skip the base64, HMAC and AES work.
//
// It is keyed by the whole cookie value, which is what the HMAC covered:
// a value is only ever added after it verified, and a hit needs the very
// same bytes, so a hit proves exactly what verifying again would. Keys
// never change within an Auth, and expiry is checked on every hit, so the
// cache changes no answer, only its cost. It holds at most max entries in
// two generations: when the newer fills up, the older is dropped.
type sessionCache struct {
	max int

	mu       sync.RWMutex
	cur, old map[string]*User
}

func newSessionCache(max int) *sessionCache {
	if max <= 0 {
		return nil
	}
	return &sessionCache{max: max, cur: map[string]*User{}}
}

// get returns the user decoded from value, unexpired at now, or nil.
func (c *sessionCache) get(value string, now time.Time) *User {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	u, ok := c.cur[value]
	if !ok {
		u = c.old[value]
	}
	c.mu.RUnlock()
	if u == nil || !now.Before(u.Expires) {
		return nil
	}
	return u
}

// put remembers u as the user decoded from value.
func (c *sessionCache) put(value string, u *User) {
	if c == nil {
		return
	}
	key := strings.Clone(value) // value is a slice of the request's header
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cur) >= (c.max+1)/2 {
		c.old, c.cur = c.cur, make(map[string]*User, len(c.cur))
	}
	c.cur[key] = u
}
