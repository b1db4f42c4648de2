package okredis

import (
	"strings"
	"sync"
	"time"

	"github.com/redis/rueidis"
)

// frontCache keeps the sessions this instance read, by session ID, in
// front of rueidis's client-side cache: a hit is one map lookup, where
// rueidis would build a command and hash its key first. It is exactly as
// fresh as rueidis's cache, since it is emptied by the same signals:
//
//   - every "invalidate" Redis pushes (a session changed, ended or expired
//     on any instance) deletes the IDs it names, and one naming no keys
//     (FLUSHALL) empties it;
//   - a connection that closes (Redis died, or hung past HangTimeout)
//     empties it, as rueidis then reports an invalidation of everything.
//
// A fill races an invalidation that arrives while Redis's answer is on its
// way: Load reserves the ID before asking rueidis and fills only its own
// reservation, which any invalidation of the ID (or of everything) has
// removed meanwhile. Entries also expire after CacheTTL, like rueidis's.
type frontCache struct {
	prefix string // of session keys: prefix + "s:", then {group}id
	max    int    // entries at most
	ttl    time.Duration

	mu sync.RWMutex
	m  map[string]*frontEntry
}

type frontEntry struct {
	data  []byte // the session's data; never changed once filled
	until int64  // Unix nanoseconds
	ready bool
}

func newFrontCache(prefix string, max int, ttl time.Duration) *frontCache {
	return &frontCache{prefix: prefix, max: max, ttl: ttl, m: map[string]*frontEntry{}}
}

// get returns the data cached for id, which the caller must not change.
func (f *frontCache) get(id string, now time.Time) ([]byte, bool) {
	f.mu.RLock()
	e := f.m[id]
	ok := e != nil && e.ready && now.UnixNano() < e.until
	f.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return e.data, true
}

// reserve marks id as being read from Redis; fill with the mark stores
// what was read, unless an invalidation came first.
func (f *frontCache) reserve(id string) *frontEntry {
	e := &frontEntry{}
	f.mu.Lock()
	if _, ok := f.m[id]; !ok && len(f.m) >= f.max {
		f.evictLocked()
	}
	f.m[id] = e
	f.mu.Unlock()
	return e
}

func (f *frontCache) fill(id string, e *frontEntry, data []byte, now time.Time) {
	f.mu.Lock()
	if f.m[id] == e {
		e.data, e.until, e.ready = data, now.Add(f.ttl).UnixNano(), true
	}
	f.mu.Unlock()
}

// forget drops id, which this instance just ended.
func (f *frontCache) forget(id string) {
	f.mu.Lock()
	delete(f.m, id)
	f.mu.Unlock()
}

// evictLocked drops an eighth of the entries, whichever the map's order
// gives first; the next reads of those go to rueidis.
func (f *frontCache) evictLocked() {
	n := max(len(f.m)/8, 1)
	for id := range f.m {
		delete(f.m, id)
		if n--; n == 0 {
			return
		}
	}
}

// onInvalidations is rueidis's OnInvalidations: the keys Redis says
// changed, or nil for all of them (FLUSHALL, or a connection that closed).
func (f *frontCache) onInvalidations(ms []rueidis.RedisMessage) {
	if ms == nil {
		f.invalidate(nil)
		return
	}
	keys := make([]string, 0, len(ms))
	for _, m := range ms {
		k, err := m.ToString()
		if err != nil {
			f.invalidate(nil) // cannot tell which: forget everything
			return
		}
		keys = append(keys, k)
	}
	f.invalidate(keys)
}

// invalidate drops the sessions of keys, or all with nil.
func (f *frontCache) invalidate(keys []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if keys == nil {
		clear(f.m)
		return
	}
	for _, key := range keys {
		if rest, ok := strings.CutPrefix(key, f.prefix); ok {
			if _, id, ok := strings.Cut(rest, "}"); ok { // after the hash tag
				delete(f.m, id)
			}
		}
	}
}
