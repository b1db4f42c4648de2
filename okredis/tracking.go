package okredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"
)

// tracking checks that Redis's invalidations still reach this client, so
// that the client-side cache is trusted only while they do. Redis tracks
// the keys a connection read; when something between the client and Redis
// reopens the connection behind the client's back (a reconnecting or
// pooling proxy), or a network drops Redis's pushes, the client's
// connection stays open while no invalidation will ever come.
//
// Every interval it reads a canary key on each of the client's
// connections through the cache, writes it, and waits up to interval for
// the invalidations. The cache is trusted while the last round that got
// them all began within 2×interval, and no round failed within CacheTTL
// (so that whatever was cached while invalidations were lost has expired
// before the cache is used again). Untrusted, sessions are read from Redis
// on every request. A cached session is thus served at most 2×interval
// after invalidations stop, whatever stops them.
type tracking struct {
	rc       rueidis.Client
	keys     []string // canaries, one per connection cached reads take
	interval time.Duration
	ttl      time.Duration // CacheTTL

	verified atomic.Int64 // Unix ns: when the last complete round began
	failed   atomic.Int64 // Unix ns: when the last failed round ended
	onFail   func()       // drops what this client cached in front of rueidis

	mu      sync.Mutex
	waiting map[string]bool // canaries whose invalidation has not come
	arrived chan struct{}   // closed when waiting empties

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

// connections is the most connections a single rueidis client reads
// through (its PipelineMultiplex is at most 2); it picks one by the key's
// hash slot modulo their number.
const connections = 4

func newTracking(prefix string, interval, ttl time.Duration, onFail func()) *tracking {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &tracking{keys: []string{prefix + "canary:" + hex.EncodeToString(b[:]) + ":"},
		interval: interval, ttl: ttl, onFail: onFail, stop: make(chan struct{}), done: make(chan struct{})}
}

// start runs the first round, then one every interval until close.
func (t *tracking) start(rc rueidis.Client) {
	t.rc = rc
	// One canary per connection: keys whose slots differ modulo 4.
	base, covered := t.keys[0], [connections]bool{}
	t.keys = nil
	for n := 0; len(t.keys) < connections; n++ {
		key := base + strconv.Itoa(n)
		cmd := rc.B().Get().Key(key).Cache()
		if s := cmd.Slot() % connections; !covered[s] {
			covered[s] = true
			t.keys = append(t.keys, key)
		}
	}
	t.round()
	go func() {
		defer close(t.done)
		tick := time.NewTicker(t.interval)
		defer tick.Stop()
		for {
			select {
			case <-t.stop:
				return
			case <-tick.C:
				t.round()
			}
		}
	}()
}

func (t *tracking) close() {
	t.stopOnce.Do(func() { close(t.stop) })
	<-t.done
}

// trusted reports whether the client-side cache may answer at now.
func (t *tracking) trusted(now int64) bool {
	f := t.failed.Load()
	return now-t.verified.Load() <= 2*int64(t.interval) && (f == 0 || now-f > int64(t.ttl))
}

// round checks every canary once.
func (t *tracking) round() {
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), t.interval)
	defer cancel()
	arrived := make(chan struct{})
	t.mu.Lock()
	t.waiting = make(map[string]bool, len(t.keys))
	for _, k := range t.keys {
		t.waiting[k] = true
	}
	t.arrived = arrived
	t.mu.Unlock()
	ok := true
	value := strconv.FormatInt(began.UnixNano(), 10)
	life := 10*t.interval + 10*time.Second // gone soon after the client
	for _, k := range t.keys {
		if err := t.rc.DoCache(ctx, t.rc.B().Get().Key(k).Cache(), t.ttl).Error(); err != nil && !isNil(err) {
			ok = false
			break
		}
		if err := t.rc.Do(ctx, t.rc.B().Set().Key(k).Value(value).Px(life).Build()).Error(); err != nil {
			ok = false
			break
		}
	}
	if ok {
		select {
		case <-arrived:
		case <-ctx.Done():
			ok = false
		}
	}
	if ok {
		t.verified.Store(began.UnixNano())
		return
	}
	t.failed.Store(time.Now().UnixNano())
	t.onFail()
}

// onInvalidations notes the canaries Redis said changed; nil (everything
// was dropped) counts for all.
func (t *tracking) onInvalidations(ms []rueidis.RedisMessage) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.waiting) == 0 {
		return
	}
	if ms == nil {
		clear(t.waiting)
	}
	for _, m := range ms {
		if k, err := m.ToString(); err == nil {
			delete(t.waiting, k)
		}
	}
	if len(t.waiting) == 0 {
		close(t.arrived)
	}
}
