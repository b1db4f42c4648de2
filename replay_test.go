package okauth

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clockReplay is a memory replay store on a clock the test moves.
func clockReplay(limit int) (*memoryReplay, *atomic.Int64) {
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	m := NewMemoryReplay(limit).(*memoryReplay)
	m.now = func() time.Time { return time.Unix(0, now.Load()) }
	return m, &now
}

func TestMemoryReplayRemembersUntilExpiry(t *testing.T) {
	ctx := context.Background()
	m, now := clockReplay(10)
	require.NoError(t, m.Reserve(ctx, "a", stateLifetime))
	assert.ErrorIs(t, m.Reserve(ctx, "a", stateLifetime), ErrStateReused)
	assert.True(t, m.Used(ctx, "a"))
	assert.False(t, m.Used(ctx, "b"))

	now.Add(int64(stateLifetime - time.Second))
	assert.True(t, m.Used(ctx, "a"), "still within its lifetime")
	now.Add(int64(2 * time.Second))
	assert.False(t, m.Used(ctx, "a"), "expired")
	require.NoError(t, m.Reserve(ctx, "b", stateLifetime))
	assert.Len(t, m.live, 1, "expired states are dropped")
}

// The store refuses new states when full, and never forgets a live one
// to make room.
func TestMemoryReplayFullRefusesAndForgetsNothing(t *testing.T) {
	ctx := context.Background()
	m, now := clockReplay(3)
	for i := range 3 {
		require.NoError(t, m.Reserve(ctx, strconv.Itoa(i), stateLifetime))
	}
	assert.ErrorIs(t, m.Reserve(ctx, "new", stateLifetime), ErrReplayFull)
	for i := range 3 {
		assert.ErrorIs(t, m.Reserve(ctx, strconv.Itoa(i), stateLifetime), ErrStateReused, "state %d is remembered", i)
	}
	now.Add(int64(stateLifetime))
	assert.NoError(t, m.Reserve(ctx, "new", stateLifetime), "room again once the old ones expire")
}

// A flood of reservations that are released (failed sign-ins) leaves the
// store empty and its queue short.
func TestMemoryReplayReleasedLeaveNothing(t *testing.T) {
	ctx := context.Background()
	m, _ := clockReplay(100)
	require.NoError(t, m.Reserve(ctx, "kept", stateLifetime))
	for i := range 100_000 {
		s := "flood" + strconv.Itoa(i)
		require.NoError(t, m.Reserve(ctx, s, stateLifetime))
		m.Release(ctx, s)
	}
	assert.Len(t, m.live, 1)
	assert.Less(t, len(m.queue)-m.head, 200, "released states are compacted away")
	assert.True(t, m.Used(ctx, "kept"))
}

// Of many concurrent reservations of one state, exactly one wins.
func TestMemoryReplayOneWinner(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryReplay(0)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			if m.Reserve(ctx, "same", stateLifetime) == nil {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
}

// BenchmarkMemoryReplayReserve is one sign-in's reservation with the store
// empty and with it holding 200,000 live states: the cost must not grow
// with what the store holds.
func BenchmarkMemoryReplayReserve(b *testing.B) {
	for _, held := range []int{0, 200_000} {
		b.Run("held="+strconv.Itoa(held), func(b *testing.B) {
			ctx := context.Background()
			m := NewMemoryReplay(held + b.N + 1)
			for i := range held {
				_ = m.Reserve(ctx, "attacker"+strconv.Itoa(i), stateLifetime)
			}
			keys := make([]string, b.N)
			for i := range keys {
				keys[i] = newState()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for _, k := range keys {
				if err := m.Reserve(ctx, k, stateLifetime); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
