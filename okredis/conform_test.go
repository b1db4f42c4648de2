package okredis_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth/okredis"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest/storetest"
)

// TestStoresConform: okredis's session and replay stores pass okauth's
// store checks — their contracts, and the attack-table rows on sessions
// and replay played against two instances of an app sharing one real
// Redis — with the client-side cache on and off, on one server, on a
// Sentinel set and on a Cluster (whose primaries wait for their replicas
// on every sign-out).
func TestStoresConform(t *testing.T) {
	for _, topology := range []struct {
		name  string
		start func(t *testing.T) string
	}{
		{"single", func(t *testing.T) string { return redistest.Start(t).URL() }},
		{"sentinel", func(t *testing.T) string { return redistest.StartSentinel(t).URL() }},
		{"cluster", func(t *testing.T) string { return redistest.StartCluster(t).URL() }},
	} {
		t.Run(topology.name, func(t *testing.T) {
			url := topology.start(t)
			for _, noCache := range []bool{false, true} {
				t.Run(fmt.Sprintf("NoCache=%v", noCache), func(t *testing.T) {
					storetest.TestStores(t, func(t *testing.T) storetest.Stores {
						// ReplicaWait: a loaded CI machine's replicas may
						// take longer than a production network's.
						rc, err := okredis.Open(url, okredis.Options{NoCache: noCache, ReplicaWait: 2 * time.Second})
						require.NoError(t, err)
						t.Cleanup(rc.Close)
						return storetest.Stores{Sessions: rc.Sessions(), Replay: rc.Replay()}
					})
				})
			}
		})
	}
}

// TestRedisDownFailsClosedAcrossInstances: two instances on one Redis,
// which is killed (SIGKILL, as in a crash) and restarted empty, or hung
// (SIGSTOP, as a stuck server or a cut network) and resumed with its
// data, where TestOutage also checks that nothing was half-written.
func TestRedisDownFailsClosedAcrossInstances(t *testing.T) {
	redis := redistest.Start(t)
	open := func(t *testing.T) storetest.Stores {
		rc, err := okredis.Open(redis.URL(), okredis.Options{Timeout: 300 * time.Millisecond, HangTimeout: time.Second})
		require.NoError(t, err)
		t.Cleanup(rc.Close)
		return storetest.Stores{Sessions: rc.Sessions(), Replay: rc.Replay()}
	}
	t.Run("killed", func(t *testing.T) { storetest.TestOutage(t, open, redis.Stop, redis.Restart) })
	t.Run("hung", func(t *testing.T) {
		if testing.Short() {
			t.Skip("waits for okredis to give up a hung connection")
		}
		resumed := false
		t.Cleanup(func() {
			if !resumed {
				redis.Resume()
			}
		})
		storetest.TestOutage(t, open, redis.Pause, func() { redis.Resume(); resumed = true })
	})
}
