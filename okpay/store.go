package okpay

import (
	"context"
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
// so that each transaction_id is credited once, across OK's retries and
// concurrent deliveries. Its three methods map onto one Redis key per
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
type MemoryStore struct {
	max       int
	retention time.Duration
	now       func() time.Time

	mu       sync.Mutex
	state    map[string]Claim // Claimed (in progress) or AlreadyCredited
	credited []record         // credited transactions, oldest first
	head     int              // credited[:head] are already forgotten
}

type record struct {
	id      string
	expires time.Time
}

// NewMemoryStore returns a MemoryStore that keeps a credited record for
// retention, and at most max of them: when full it forgets the oldest
// first. Transactions being credited are never forgotten.
func NewMemoryStore(max int, retention time.Duration) *MemoryStore {
	return &MemoryStore{max: max, retention: retention, now: time.Now, state: map[string]Claim{}}
}

// Claim implements [Store].
func (m *MemoryStore) Claim(_ context.Context, id string) (Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expireLocked()
	switch m.state[id] {
	case AlreadyCredited:
		return AlreadyCredited, nil
	case Claimed:
		return Busy, nil
	}
	m.state[id] = Claimed
	return Claimed, nil
}

// MarkCredited implements [Store].
func (m *MemoryStore) MarkCredited(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.state[id] == AlreadyCredited {
		return nil
	}
	m.state[id] = AlreadyCredited
	m.credited = append(m.credited, record{id: id, expires: m.now().Add(m.retention)})
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
	now := m.now()
	for m.head < len(m.credited) && now.After(m.credited[m.head].expires) {
		m.forgetOldestLocked()
	}
}

func (m *MemoryStore) forgetOldestLocked() {
	delete(m.state, m.credited[m.head].id)
	m.credited[m.head] = record{}
	m.head++
	// Compact once the forgotten prefix is half the slice, so the memory
	// stays proportional to what is remembered.
	if m.head > 1024 && m.head*2 > len(m.credited) {
		m.credited = append(m.credited[:0:0], m.credited[m.head:]...)
		m.head = 0
	}
}
