package okauth

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"
)

// ReplayStore remembers the states of sign-ins that finished, for the rest
// of their lifetime (at most 10 minutes), so that a callback replayed from
// a browser that kept its state cookie is refused. The default is
// [NewMemoryReplay], which is per process: several instances behind a load
// balancer need a shared store, whose Reserve is an atomic set-if-absent
// with the state's remaining lifetime.
//
// A state is reserved before OK is asked about the sign-in and released if
// the sign-in fails, so a flood of bad callbacks leaves nothing behind.
type ReplayStore interface {
	// Reserve marks state as used for ttl. Of any number of concurrent
	// calls with the same state, at most one returns nil; the others
	// return [ErrStateReused]. It returns another error, such as
	// [ErrReplayFull], when it cannot remember the state; the sign-in is
	// then refused.
	Reserve(ctx context.Context, state string, ttl time.Duration) error
	// Release forgets a state that Reserve marked, because its sign-in
	// failed.
	Release(ctx context.Context, state string)
	// Used reports whether state is marked.
	Used(ctx context.Context, state string) bool
}

// defaultReplayLimit is how many finished sign-ins the default
// [ReplayStore] remembers.
const defaultReplayLimit = 1 << 18

// NewMemoryReplay returns a [ReplayStore] that keeps at most limit states
// in this process's memory. A limit ≤ 0 means 262,144: every sign-in of
// the last 10 minutes, up to about 437 a second, in about 20 MB. Each
// call costs O(1), amortised, however full it is. When it holds limit live
// states it refuses new ones with [ErrReplayFull] rather than forget one
// early: new sign-ins then fail with 503 until states expire.
func NewMemoryReplay(limit int) ReplayStore {
	if limit <= 0 {
		limit = defaultReplayLimit
	}
	return &memoryReplay{limit: limit, live: map[replayKey]replayMark{}, now: time.Now}
}

// replayKey is a state's SHA-256, cut to 16 bytes: the map then holds no
// strings, and its size does not depend on what a client sent.
type replayKey [16]byte

type replayMark struct {
	seq     uint64 // which queue entry marked it
	expires int64  // Unix nanoseconds
}

type replayEntry struct {
	key replayKey
	seq uint64
	at  int64 // when it was reserved, in Unix nanoseconds
}

// memoryReplay is the default ReplayStore. States are queued in the order
// they were reserved; each lives at most stateLifetime, so the queue's
// head is always the first to go, and expiring costs O(1) per state.
// Released states stay in the queue until it is compacted, which happens
// once they outnumber the live ones, so compacting is O(1) amortised too.
type memoryReplay struct {
	mu    sync.Mutex
	limit int
	live  map[replayKey]replayMark
	queue []replayEntry // queue[head:] are the states in reservation order
	head  int
	seq   uint64
	now   func() time.Time
}

func keyOf(state string) replayKey {
	sum := sha256.Sum256([]byte(state))
	return replayKey(sum[:16])
}

func (m *memoryReplay) Reserve(_ context.Context, state string, ttl time.Duration) error {
	k := keyOf(state)
	now := m.now().UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now)
	if mark, ok := m.live[k]; ok && now < mark.expires {
		return ErrStateReused
	}
	if len(m.live) >= m.limit {
		return ErrReplayFull
	}
	m.seq++
	m.live[k] = replayMark{seq: m.seq, expires: now + int64(min(ttl, stateLifetime))}
	m.queue = append(m.queue, replayEntry{key: k, seq: m.seq, at: now})
	return nil
}

func (m *memoryReplay) Release(_ context.Context, state string) {
	k := keyOf(state)
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.live, k)
	if queued := len(m.queue) - m.head; queued > 2*len(m.live)+64 {
		m.compact()
	}
}

func (m *memoryReplay) Used(_ context.Context, state string) bool {
	k := keyOf(state)
	now := m.now().UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	mark, ok := m.live[k]
	return ok && now < mark.expires
}

// expire drops the states reserved more than stateLifetime ago from the
// head of the queue.
func (m *memoryReplay) expire(now int64) {
	cutoff := now - int64(stateLifetime)
	for m.head < len(m.queue) && m.queue[m.head].at <= cutoff {
		e := m.queue[m.head]
		if mark, ok := m.live[e.key]; ok && mark.seq == e.seq {
			delete(m.live, e.key)
		}
		m.head++
	}
	if m.head == len(m.queue) {
		m.queue, m.head = m.queue[:0], 0
	} else if m.head > len(m.queue)/2 && m.head > 1024 {
		m.compact()
	}
}

// compact keeps only the queued states still marked, in order.
func (m *memoryReplay) compact() {
	q := m.queue[:0]
	for _, e := range m.queue[m.head:] {
		if mark, ok := m.live[e.key]; ok && mark.seq == e.seq {
			q = append(q, e)
		}
	}
	m.queue, m.head = q, 0
}
