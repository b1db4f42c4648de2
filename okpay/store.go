package okpay

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Claim is what [Store.Claim] found for a transaction.
type Claim int

const (
	// Claimed means the caller now holds the transaction: it calls the
	// app, then [Store.MarkCredited] or [Store.Release].
	Claimed Claim = iota + 1
	// AlreadyCredited means the transaction was credited before; the
	// handler answers true without calling the app.
	AlreadyCredited
	// Busy means another delivery holds the transaction right now; the
	// handler answers "try later" (code 2) and OK's retry finds it credited
	// or released.
	Busy
)

// Store remembers which transactions are being credited and which were,
// so that each is credited once, across OK's retries and concurrent
// deliveries. Its ids are [Payment.EventID]: the transaction_id, or for a
// subscription event without one, "=" and 64 hex digits. Its three methods map onto one Redis key per
// transaction, which is how a store shared between instances works:
//
//	Claim:         SET okpay:<id> claimed NX PX <lease>   → OK: Claimed;
//	               otherwise GET: "credited" → AlreadyCredited, else Busy
//	MarkCredited:  SET okpay:<id> credited PX <retention>
//	Release:       DEL okpay:<id> (only while it says "claimed")
//
// A claim's lease (longer than [Config.Timeout]) frees a transaction whose
// instance died mid-call; a credited record is kept at least
// [Config.Retention]. Implementations must be safe for concurrent use.
type Store interface {
	// Claim atomically takes the transaction for crediting if nobody has
	// it, or reports that it was credited or is held by another delivery.
	Claim(ctx context.Context, transactionID string) (Claim, error)
	// MarkCredited records that the app credited the transaction.
	MarkCredited(ctx context.Context, transactionID string) error
	// Release gives up a claim after the app failed, so a retry can
	// claim the transaction again.
	Release(ctx context.Context, transactionID string) error
}

// MemoryStore is the in-memory [Store] a [Handler] uses by default. It
// forgets everything on restart and is not shared between instances: an
// app on several instances needs a shared Store, and every app should also
// keep transaction_id unique in its own database, where the credit lives.
//
// It keeps at most a bound of credited records, and past it forgets the
// oldest first, even inside their retention. It never forgets that it
// did: a Handler refuses (1001) every callback whose transaction_time is
// at or before that of the newest transaction it has forgotten, so within
// the retention a transaction is credited at most once. Past the bound,
// a callback that arrives later than the payments after it are credited
// (one OK delayed while more than the bound were paid) is refused, not
// credited twice.
type MemoryStore struct {
	max       int
	retention time.Duration
	now       func() time.Time

	mu        sync.Mutex
	state     map[string]Claim // Claimed (in progress) or AlreadyCredited
	claimedAt map[string]int64 // transaction_time of each claim in progress
	credited  []record         // credited transactions, oldest first
	head      int              // credited[:head] are already forgotten
	forgotten int64            // the newest transaction_time forgotten
}

// record is a credited transaction; times are Unix nanoseconds, to keep
// a record small.
type record struct {
	id            string
	time, expires int64 // transaction_time, and when the record expires
}

// errForgotten is a callback at or before the newest transaction a
// MemoryStore forgot: it may have been credited already.
var errForgotten = errors.New("okpay: transaction_time at or before the newest transaction the payment store forgot")

// NewMemoryStore returns a MemoryStore that keeps a credited record for
// retention, and at most max of them: when full it forgets the oldest
// first (see [MemoryStore]). Transactions being credited are never
// forgotten.
func NewMemoryStore(max int, retention time.Duration) *MemoryStore {
	return &MemoryStore{max: max, retention: retention, now: time.Now, state: map[string]Claim{}, claimedAt: map[string]int64{}}
}

// Claim implements [Store]. It knows no transaction_time, so the
// transaction counts as made now, with the clock skew OK may have.
func (m *MemoryStore) Claim(_ context.Context, id string) (Claim, error) {
	return m.claim(id, m.now().Add(maxClockSkew))
}

// claim is Claim for a transaction made at t (its transaction_time). It
// returns errForgotten for a transaction that may be one it forgot.
func (m *MemoryStore) claim(id string, t time.Time) (Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expireLocked()
	switch m.state[id] {
	case AlreadyCredited:
		return AlreadyCredited, nil
	case Claimed:
		return Busy, nil
	}
	if t.UnixNano() <= m.forgotten {
		return 0, errForgotten
	}
	m.state[id] = Claimed
	m.claimedAt[id] = t.UnixNano()
	return Claimed, nil
}

// MarkCredited implements [Store].
func (m *MemoryStore) MarkCredited(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.state[id] == AlreadyCredited {
		return nil
	}
	t, ok := m.claimedAt[id]
	if !ok {
		t = m.now().Add(maxClockSkew).UnixNano()
	}
	delete(m.claimedAt, id)
	m.state[id] = AlreadyCredited
	m.credited = append(m.credited, record{id: id, time: t, expires: m.now().Add(m.retention).UnixNano()})
	for len(m.credited)-m.head > m.max {
		m.forgetOldestLocked()
	}
	return nil
}

// Release implements [Store].
func (m *MemoryStore) Release(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.state[id] == Claimed {
		delete(m.state, id)
		delete(m.claimedAt, id)
	}
	return nil
}

// Len is how many credited transactions m remembers.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expireLocked()
	return len(m.credited) - m.head
}

// expireLocked forgets the credited records past their retention. They
// are in the order they expire, as every record lives as long.
func (m *MemoryStore) expireLocked() {
	now := m.now().UnixNano()
	for m.head < len(m.credited) && now > m.credited[m.head].expires {
		m.forgetOldestLocked()
	}
}

func (m *MemoryStore) forgetOldestLocked() {
	r := m.credited[m.head]
	m.forgotten = max(m.forgotten, r.time)
	delete(m.state, r.id)
	m.credited[m.head] = record{}
	m.head++
	// Compact once the forgotten prefix is half the slice, so the memory
	// stays proportional to what is remembered.
	if m.head > 1024 && m.head*2 > len(m.credited) {
		m.credited = append(m.credited[:0:0], m.credited[m.head:]...)
		m.head = 0
	}
}
