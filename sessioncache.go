package okauth

import (
	"strings"
	"sync"
	"time"
)

// defaultSessionCache is how many decoded sessions the cookie store
// remembers unless Config.SessionCache says otherwise.
const defaultSessionCache = 4096

// recent remembers values by string key, at most max of them, in two
// generations: when the newer fills up, the older is dropped. A nil
// *recent remembers nothing.
type recent[V any] struct {
	max int

	mu       sync.RWMutex
	cur, old map[string]V
}

func newRecent[V any](max int) *recent[V] {
	if max <= 0 {
		return nil
	}
	return &recent[V]{max: max, cur: map[string]V{}}
}

// get returns the value remembered under key.
func (c *recent[V]) get(key string) (V, bool) {
	if c == nil {
		var zero V
		return zero, false
	}
	c.mu.RLock()
	v, ok := c.cur[key]
	if !ok {
		v, ok = c.old[key]
	}
	c.mu.RUnlock()
	return v, ok
}

// put remembers v under key.
func (c *recent[V]) put(key string, v V) {
	if c == nil {
		return
	}
	key = strings.Clone(key) // key is often a slice of the request's header
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cur) >= (c.max+1)/2 {
		c.old, c.cur = c.cur, make(map[string]V, len(c.cur))
	}
	c.cur[key] = v
}

// newSessionCache returns the cache of users decoded from recent session
// cookies, so a signed-in user's next requests skip the base64, HMAC and
// AES work (nil when max ≤ 0: no cache).
//
// It is keyed by the whole cookie value, which is what the HMAC covered:
// a value is only ever added after it verified, and a hit needs the very
// same bytes, so a hit proves exactly what verifying again would. Keys
// never change within an Auth, and expiry is checked on every hit (see
// cachedUser), so the cache changes no answer, only its cost.
func newSessionCache(max int) *recent[*User] { return newRecent[*User](max) }

// cachedUser returns the user c remembers decoded from value, unexpired
// at now, or nil.
func cachedUser(c *recent[*User], value string, now time.Time) *User {
	u, _ := c.get(value)
	if u == nil || !now.Before(u.Expires) {
		return nil
	}
	return u
}
