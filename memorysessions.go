package okauth

import (
	"context"
	"slices"
	"sync"
	"time"
)

// NewMemorySessions returns a [SessionStore] in this process's memory.
// With it, [Auth.Logout] ends a session for every copy of its cookie and
// [Auth.SignOutEverywhere] ends all of a user's sessions, but only on
// this instance, and a restart signs everyone out. Several instances need
// a shared store (the okredis module). It keeps at most
// [DefaultMaxUserSessions] live sessions per user, ending the oldest
// first. Expired sessions are dropped as new ones are saved, at an
// amortised O(1) cost per save.
func NewMemorySessions() SessionStore {
	return NewMemorySessionsMax(DefaultMaxUserSessions)
}

// NewMemorySessionsMax is [NewMemorySessions] keeping at most perUser live
// sessions per user (at least 1; DefaultMaxUserSessions when perUser is
// 0 or less).
func NewMemorySessionsMax(perUser int) SessionStore {
	if perUser <= 0 {
		perUser = DefaultMaxUserSessions
	}
	return &memorySessions{now: time.Now, perUser: perUser, byID: map[string]memorySession{}, byUID: map[string][]string{}, sweepAt: minSweep}
}

// minSweep is how many sessions a memory store holds before it first
// looks for expired ones.
const minSweep = 1024

type memorySession struct {
	uid     string
	data    []byte
	expires time.Time
}

type memorySessions struct {
	now     func() time.Time
	perUser int

	mu      sync.Mutex
	byID    map[string]memorySession
	byUID   map[string][]string // a user's session IDs, oldest first
	sweepAt int                 // sweep expired sessions when byID reaches this size
}

func (m *memorySessions) Save(_ context.Context, id, uid string, data []byte, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.byID) >= m.sweepAt {
		m.sweep()
		m.sweepAt = max(2*len(m.byID), minSweep)
	}
	m.byID[id] = memorySession{uid: uid, data: append([]byte(nil), data...), expires: expires}
	ids := append(m.byUID[uid], id)
	if len(ids) > m.perUser {
		now := m.now()
		ids = slices.DeleteFunc(ids, func(id string) bool { // expired ones first
			if s, ok := m.byID[id]; !ok || !now.Before(s.expires) {
				delete(m.byID, id)
				return true
			}
			return false
		})
	}
	for len(ids) > m.perUser {
		delete(m.byID, ids[0])
		ids = ids[1:]
	}
	m.byUID[uid] = ids
	return nil
}

func (m *memorySessions) Load(_ context.Context, id string) ([]byte, error) {
	m.mu.Lock()
	s, ok := m.byID[id]
	m.mu.Unlock()
	if !ok || !m.now().Before(s.expires) {
		return nil, ErrNoSession
	}
	return s.data, nil
}

func (m *memorySessions) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.remove(id)
	return nil
}

func (m *memorySessions) DeleteUser(_ context.Context, uid string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range m.byUID[uid] {
		delete(m.byID, id)
	}
	delete(m.byUID, uid)
	return nil
}

// remove forgets session id; m.mu is held.
func (m *memorySessions) remove(id string) {
	s, ok := m.byID[id]
	if !ok {
		return
	}
	delete(m.byID, id)
	ids := slices.DeleteFunc(m.byUID[s.uid], func(other string) bool { return other == id })
	if len(ids) == 0 {
		delete(m.byUID, s.uid)
	} else {
		m.byUID[s.uid] = ids
	}
}

// sweep forgets every expired session; m.mu is held.
func (m *memorySessions) sweep() {
	now := m.now()
	for id, s := range m.byID {
		if !now.Before(s.expires) {
			m.remove(id)
		}
	}
}
