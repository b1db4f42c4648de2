package okredis

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var _ okauth.ReplayStore = (*ReplayStore)(nil)

// TestReplayAcrossInstances: a state reserved on A is refused on B; of
// concurrent reservations on both, exactly one wins; Release frees it;
// the mark expires with the state's remaining lifetime.
func TestReplayAcrossInstances(t *testing.T) {
	srv := redistest.Start(t)
	a, b := open(t, srv, Options{}).Replay(), open(t, srv, Options{}).Replay()
	ctx := context.Background()

	require.NoError(t, a.Reserve(ctx, "state-1", time.Minute))
	assert.ErrorIs(t, b.Reserve(ctx, "state-1", time.Minute), okauth.ErrStateReused)
	assert.True(t, b.Used(ctx, "state-1"))
	assert.False(t, b.Used(ctx, "state-2"))

	b.Release(ctx, "state-1")
	assert.False(t, a.Used(ctx, "state-1"), "released on B, free on A")
	require.NoError(t, a.Reserve(ctx, "state-1", time.Minute))

	require.NoError(t, a.Reserve(ctx, "brief", 100*time.Millisecond))
	require.Eventually(t, func() bool { return !b.Used(ctx, "brief") }, 2*time.Second, 10*time.Millisecond)
	require.NoError(t, b.Reserve(ctx, "brief", time.Minute), "expired: usable again")

	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			s := a
			if i%2 == 1 {
				s = b
			}
			switch err := s.Reserve(ctx, "raced", time.Minute); {
			case err == nil:
				wins.Add(1)
			default:
				assert.ErrorIs(t, err, okauth.ErrStateReused)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, wins.Load())

	long := string(make([]byte, 10_000))
	require.NoError(t, a.Reserve(ctx, long, time.Minute), "any state, hashed into a short key")
}
