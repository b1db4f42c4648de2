package okredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"maps"
	"slices"
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
	base     string   // the canaries' names begin with it
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
	return &tracking{base: prefix + "canary:" + hex.EncodeToString(b[:]) + ":",
		interval: interval, ttl: ttl, onFail: onFail, stop: make(chan struct{}), done: make(chan struct{})}
}

// start runs the first round, then one every interval until close.
func (t *tracking) start(rc rueidis.Client) {
	t.rc = rc
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

// pick chooses the canaries: one per connection cached reads take, keys
// whose slots differ modulo 4; on a Cluster, that for each primary, as
// the slots are served now (a failover or a resharding moves them).
func (t *tracking) pick(ctx context.Context) error {
	owner := func(uint16) string { return "" }
	owners := 1
	if t.rc.Mode() == rueidis.ClientModeCluster {
		slots, err := clusterSlots(ctx, t.rc)
		if err != nil {
			return err
		}
		owner = func(slot uint16) string { return slots[slot] }
		owners = len(slices.Compact(slices.Sorted(maps.Values(slots))))
	}
	covered := map[string]bool{}
	var keys []string
	for n := 0; len(keys) < owners*connections && n < 1_000_000; n++ {
		key := t.base + strconv.Itoa(n)
		cmd := t.rc.B().Get().Key(key).Cache()
		slot := cmd.Slot()
		at := owner(slot)
		if class := at + "/" + strconv.Itoa(int(slot%connections)); !covered[class] && (at != "" || owners == 1) {
			covered[class] = true
			keys = append(keys, key)
		}
	}
	t.mu.Lock()
	t.keys = keys
	t.mu.Unlock()
	return nil
}

// clusterSlots maps each slot a Cluster serves to its primary's address,
// from CLUSTER SLOTS.
func clusterSlots(ctx context.Context, rc rueidis.Client) (map[uint16]string, error) {
	ranges, err := rc.Do(ctx, rc.B().ClusterSlots().Build()).ToArray()
	if err != nil {
		return nil, err
	}
	slots := make(map[uint16]string, 16384)
	for _, r := range ranges {
		f, err := r.ToArray()
		if err != nil || len(f) < 3 {
			return nil, errors.New("okredis: CLUSTER SLOTS: malformed")
		}
		lo, err1 := f[0].AsInt64()
		hi, err2 := f[1].AsInt64()
		node, err3 := f[2].ToArray()
		if err1 != nil || err2 != nil || err3 != nil || len(node) < 2 {
			return nil, errors.New("okredis: CLUSTER SLOTS: malformed")
		}
		host, _ := node[0].ToString()
		port, _ := node[1].AsInt64()
		for s := lo; s <= hi && s < 16384; s++ {
			slots[uint16(s)] = host + ":" + strconv.FormatInt(port, 10)
		}
	}
	return slots, nil
}

// round checks every canary once.
func (t *tracking) round() {
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), t.interval)
	defer cancel()
	if err := t.pick(ctx); err != nil {
		t.failed.Store(time.Now().UnixNano())
		t.onFail()
		return
	}
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
