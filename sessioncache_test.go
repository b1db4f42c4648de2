package okauth

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessionCache: a hit needs the exact cookie value that verified,
// expiry is checked on every hit, and the cache stays within its size.
func TestSessionCache(t *testing.T) {
	c, err := newCookieCodec(time.Hour, testPairs(t, "cache test secret of thirty-two bytes!"))
	require.NoError(t, err)
	s := &cookieSessions{opts: cookieOptions{name: "okauth"}, pipe: namePipe("okauth"), codec: c, cache: newSessionCache(4)}
	s.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }
	cookie := func(u *User) string {
		v, err := c.encode("okauth", encodeUser(u))
		require.NoError(t, err)
		return v
	}

	u := typicalUser()
	value := cookie(u)
	first := loaded(s.load(nil, value, time.Now()))
	require.NotNil(t, first)
	assert.Equal(t, u.UID, first.UID)
	assert.Same(t, first, loaded(s.load(nil, value, time.Now())), "the second read is a hit")

	// A value differing in any byte is no hit, and does not verify.
	for _, i := range []int{0, len(value) / 2, len(value) - 2} {
		b := []byte(value)
		b[i] ^= 0x01
		assert.Nil(t, loaded(s.load(nil, string(b), time.Now())), "byte %d flipped", i)
	}
	assert.Nil(t, loaded(s.load(nil, value[:len(value)-1], time.Now())))

	// A cached entry that has expired is not served: the cookie is decoded
	// again (and would be refused if it too had expired).
	cached := loaded(s.load(nil, value, time.Now()))
	s.cache.mu.Lock()
	cached.Expires = time.Now().Add(-time.Second) // as if time passed
	s.cache.mu.Unlock()
	again := loaded(s.load(nil, value, time.Now()))
	require.NotNil(t, again)
	assert.NotSame(t, cached, again, "expiry is checked on a hit")
	assert.True(t, again.Expires.After(time.Now()))

	// At most max entries, in two generations.
	for i := range 20 {
		v := typicalUser()
		v.UID = fmt.Sprint(1000 + i)
		require.NotNil(t, loaded(s.load(nil, cookie(v), time.Now())))
		s.cache.mu.RLock()
		assert.LessOrEqual(t, len(s.cache.cur)+len(s.cache.old), 4)
		s.cache.mu.RUnlock()
	}

	// Disabled: every read decodes, and still works.
	s.cache = newSessionCache(-1)
	a, b := loaded(s.load(nil, value, time.Now())), loaded(s.load(nil, value, time.Now()))
	require.NotNil(t, a)
	assert.NotSame(t, a, b)
	assert.Equal(t, *a, *b)
}

// loaded is the user of a backend's load, whose error only a server-side
// store returns.
func loaded(u *User, _ error) *User { return u }
