package okredis

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest/storetest"
)

// TestCacheAcrossResharding: on a Cluster, a session B has cached is
// never served after A ends it, when its slot moves to another primary in
// between (the move deletes it from the old primary, which tells B), and
// when B reads it again from the new primary first; sessions whose slot
// moved keep working, and a user's sessions and set move together.
func TestCacheAcrossResharding(t *testing.T) {
	cluster := redistest.StartCluster(t)
	ctx := context.Background()
	a, b := openURL(t, cluster.URL()).Sessions(), openURL(t, cluster.URL()).Sessions()
	hour := time.Now().Add(time.Hour)
	for _, readAgain := range []bool{false, true} {
		uid := "app:" + newID()
		id := okauth.NewSessionID(a, uid)
		require.NoError(t, a.Save(ctx, id, uid, []byte("session"), hour))
		_, err := b.Load(ctx, id) // cached on B from now on
		require.NoError(t, err)

		slot := slotOf(a.c, a.key(id))
		require.Equal(t, slot, slotOf(a.c, a.ukey(uid)), "a session and its user's set share a slot")
		from := cluster.Primary(slot)
		var to *redistest.Server
		for _, n := range cluster.Nodes {
			if n != from && n.Running() && isPrimary(t, n) {
				to = n
				break
			}
		}
		require.NotNil(t, to)
		cluster.MoveSlot(slot, to)
		if readAgain {
			require.Eventually(t, func() bool {
				got, err := b.Load(ctx, id)
				return err == nil && string(got) == "session"
			}, 5*time.Second, 20*time.Millisecond, "a moved session loads from its new primary")
			require.Eventually(t, func() bool {
				got, err := a.Load(ctx, id)
				return err == nil && string(got) == "session"
			}, 5*time.Second, 20*time.Millisecond, "on A too")
		}
		require.Eventually(t, func() bool { return a.DeleteUser(ctx, uid) == nil }, 5*time.Second, 20*time.Millisecond,
			"the user's sessions end on the new primary")
		start := time.Now()
		for {
			_, err := b.Load(ctx, id)
			if err != nil {
				require.ErrorIs(t, err, okauth.ErrNoSession)
				break
			}
			require.Less(t, time.Since(start), storetest.Revocation, "B serves a session A ended (read again: %v)", readAgain)
			time.Sleep(time.Millisecond)
		}
		for range 20 {
			_, err := b.Load(ctx, id)
			assert.ErrorIs(t, err, okauth.ErrNoSession)
		}
	}
}

func isPrimary(t *testing.T, s *redistest.Server) bool {
	v, err := s.Do("ROLE")
	require.NoError(t, err)
	return v.([]any)[0] == "master"
}

// openURL is a Client on url, closed when the test ends.
func openURL(t testing.TB, url string) *Client {
	t.Helper()
	c, err := Open(url, Options{ReplicaWait: 2 * time.Second})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// TestTrackingCoversEveryPrimary: on a Cluster, the canaries that check
// that invalidations still arrive are read through every primary's
// connection (4 per primary, as on one server).
func TestTrackingCoversEveryPrimary(t *testing.T) {
	cluster := redistest.StartCluster(t)
	c := openURL(t, cluster.URL())
	ctx := context.Background()
	check := func() {
		t.Helper()
		slots, err := clusterSlots(ctx, c.rc)
		require.NoError(t, err)
		c.track.mu.Lock()
		keys := append([]string(nil), c.track.keys...)
		c.track.mu.Unlock()
		per := map[string]int{}
		for _, k := range keys {
			per[slots[uint16(slotOf(c, k))]]++
		}
		primaries := map[string]bool{}
		for _, p := range slots {
			primaries[p] = true
		}
		assert.Len(t, per, len(primaries), "every primary has canaries: %v", per)
		for p, n := range per {
			assert.Equal(t, connections, n, "canaries on %s", p)
		}
	}
	check()
	assert.True(t, c.cached(time.Now().UnixNano()), "the cache is trusted")
}
