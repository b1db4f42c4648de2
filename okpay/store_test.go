package okpay

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMemoryStore: claim, busy, credited, release; records expire after
// the retention and the oldest go first past the bound; a transaction
// being credited is never forgotten.
func TestMemoryStore(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := NewMemoryStore(3, time.Hour)
	m.now = func() time.Time { return now }

	claim := func(id string) Claim {
		c, err := m.Claim(ctx, id)
		require.NoError(t, err)
		return c
	}
	assert.Equal(t, Claimed, claim("a"))
	assert.Equal(t, Busy, claim("a"), "a second delivery while the first credits")
	require.NoError(t, m.Release(ctx, "a"))
	assert.Equal(t, Claimed, claim("a"), "released: a retry may credit it")
	require.NoError(t, m.MarkCredited(ctx, "a"))
	assert.Equal(t, AlreadyCredited, claim("a"))
	require.NoError(t, m.Release(ctx, "a"))
	assert.Equal(t, AlreadyCredited, claim("a"), "Release never forgets a credited record")

	now = now.Add(59 * time.Minute)
	assert.Equal(t, AlreadyCredited, claim("a"))
	now = now.Add(2 * time.Minute)
	assert.Equal(t, Claimed, claim("a"), "forgotten after the retention")
	require.NoError(t, m.Release(ctx, "a"))

	for _, id := range []string{"b", "c", "d", "e"} {
		require.Equal(t, Claimed, claim(id))
		require.NoError(t, m.MarkCredited(ctx, id))
	}
	assert.Equal(t, 3, m.Len(), "bounded")
	_, err := m.Claim(ctx, "b")
	assert.ErrorIs(t, err, errForgotten, "the oldest went first, and is not claimed again")
	assert.Equal(t, AlreadyCredited, claim("e"))

	now = now.Add(time.Second)
	require.Equal(t, Claimed, claim("busy"), "made after the forgotten one")
	now = now.Add(48 * time.Hour)
	assert.Zero(t, m.Len())
	assert.Equal(t, Busy, claim("busy"), "a claim in progress does not expire")
}

// TestMemoryStoreForgetsNothingEarly: past its bound a MemoryStore
// forgets the oldest record inside its retention, but refuses every
// transaction at or before the newest transaction_time it forgot, so none
// is credited twice; later ones are claimed as before.
func TestMemoryStoreForgetsNothingEarly(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	m := NewMemoryStore(2, 7*24*time.Hour)
	m.now = func() time.Time { return now }
	at := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	for i, id := range []string{"a", "b", "c"} {
		c, err := m.claim(id, at(i-3)) // made 3, 2 and 1 hours ago
		require.NoError(t, err)
		require.Equal(t, Claimed, c)
		require.NoError(t, m.MarkCredited(ctx, id))
	}
	require.Equal(t, 2, m.Len(), "a was forgotten inside its retention")
	_, err := m.claim("a", at(-3))
	assert.ErrorIs(t, err, errForgotten, "a replay of a forgotten transaction")
	_, err = m.claim("never-seen", at(-3))
	assert.ErrorIs(t, err, errForgotten, "at the forgotten time: it may have been credited")
	c, err := m.claim("b", at(-2))
	assert.NoError(t, err)
	assert.Equal(t, AlreadyCredited, c)
	c, err = m.claim("late", at(-3).Add(time.Second))
	assert.NoError(t, err)
	assert.Equal(t, Claimed, c, "after the newest forgotten transaction")
}

// TestMemoryStoreCompacts: memory stays proportional to what is kept.
func TestMemoryStoreCompacts(t *testing.T) {
	m := NewMemoryStore(100, time.Hour)
	for i := range 10_000 {
		id := strconv.Itoa(i)
		_, _ = m.Claim(t.Context(), id)
		_ = m.MarkCredited(t.Context(), id)
	}
	assert.Equal(t, 100, m.Len())
	assert.Less(t, cap(m.credited), 4096)
	assert.Len(t, m.state, 100)
}
