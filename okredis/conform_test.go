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
// Redis — with the client-side cache on and off.
func TestStoresConform(t *testing.T) {
	redis := redistest.Start(t)
	for _, noCache := range []bool{false, true} {
		t.Run(fmt.Sprintf("NoCache=%v", noCache), func(t *testing.T) {
			storetest.TestStores(t, func(t *testing.T) storetest.Stores {
				rc, err := okredis.Open(redis.URL(), okredis.Options{NoCache: noCache})
				require.NoError(t, err)
				t.Cleanup(rc.Close)
				return storetest.Stores{Sessions: rc.Sessions(), Replay: rc.Replay()}
			})
		})
	}
}

// TestRedisDownFailsClosedAcrossInstances: two instances on one Redis,
// which is killed (SIGKILL, as in a crash) and restarted empty.
func TestRedisDownFailsClosedAcrossInstances(t *testing.T) {
	redis := redistest.Start(t)
	storetest.TestOutage(t, func(t *testing.T) storetest.Stores {
		rc, err := okredis.Open(redis.URL(), okredis.Options{Timeout: 300 * time.Millisecond})
		require.NoError(t, err)
		t.Cleanup(rc.Close)
		return storetest.Stores{Sessions: rc.Sessions(), Replay: rc.Replay()}
	}, redis.Stop, redis.Restart)
}
