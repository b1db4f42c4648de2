package okredis

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestFrontCache: what fills, what a fill racing an invalidation does,
// and what empties it.
func TestFrontCache(t *testing.T) {
	now := time.Now()
	f := newFrontCache("okauth:s:", 100, time.Minute)
	fill := func(id, data string) {
		f.fill(id, f.reserve(id), []byte(data), now)
	}
	has := func(id string) bool { _, ok := f.get(id, now); return ok }

	fill("a", "A")
	got, ok := f.get("a", now)
	assert.True(t, ok)
	assert.Equal(t, "A", string(got))
	_, ok = f.get("a", now.Add(2*time.Minute))
	assert.False(t, ok, "past CacheTTL")

	mark := f.reserve("b")
	assert.False(t, has("b"), "reserved is not filled")
	f.invalidate([]string{"okauth:s:{b}b"})
	f.fill("b", mark, []byte("stale"), now)
	assert.False(t, has("b"), "an invalidation during the read wins over its answer")

	mark = f.reserve("c")
	f.invalidate(nil)
	f.fill("c", mark, []byte("stale"), now)
	assert.False(t, has("c"), "so does a connection that closed")

	mark = f.reserve("d")
	f.forget("d")
	f.fill("d", mark, []byte("stale"), now)
	assert.False(t, has("d"), "and this instance's own delete")

	fill("e", "E")
	fill("f", "F")
	f.invalidate([]string{"okauth:s:{e}e", "okauth:u:{f}f", "other:s:{f}f"})
	assert.False(t, has("e"))
	assert.True(t, has("f"), "only session keys of this prefix count")
	f.invalidate(nil)
	assert.False(t, has("f"))

	fill("g", "G")
	f.onInvalidations(nil)
	assert.False(t, has("g"), "rueidis's nil: everything")

	for i := range 1000 {
		fill(strconv.Itoa(i), "x")
		assert.LessOrEqual(t, len(f.m), 100)
	}
	assert.True(t, has("999"), "the latest is kept")
}
