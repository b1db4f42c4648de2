package okredis

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/okredis/internal/redistest"
)

// TestOpenEveryTopology: Open reads one server, a Sentinel set and a
// Cluster from their URLs alone, and every store works on each: on the
// Cluster, keys of many slots, so every primary answers. Sign-outs wait
// for a replica on Sentinel and the Cluster.
func TestOpenEveryTopology(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string
		mode rueidis.ClientMode
		wait int // replicas a sign-out waits for
	}{
		{"single", func(t *testing.T) string { return redistest.Start(t).URL() }, rueidis.ClientModeStandalone, 0},
		{"sentinel", func(t *testing.T) string { return redistest.StartSentinel(t).URL() }, rueidis.ClientModeSentinel, 1},
		{"cluster", func(t *testing.T) string { return redistest.StartCluster(t).URL() }, rueidis.ClientModeCluster, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Open(tc.url(t), Options{ReplicaWait: 2 * time.Second}) // a loaded CI machine
			require.NoError(t, err)
			t.Cleanup(c.Close)
			assert.Equal(t, tc.mode, c.rc.Mode())
			assert.Equal(t, tc.wait, c.waitReplicas)
			r, p, tk := c.Replay(), c.Payments(0, 0), c.Tokens()
			for i := range 20 {
				state := newID()
				require.NoError(t, r.Reserve(ctx, state, time.Minute), "state %d", i)
				require.ErrorIs(t, r.Reserve(ctx, state, time.Minute), okauth.ErrStateReused)
				tx := newID()
				claim, err := p.Claim(ctx, tx)
				require.NoError(t, err)
				require.Equal(t, okpay.Claimed, claim)
				require.NoError(t, p.MarkCredited(ctx, tx))
				claim, err = p.Claim(ctx, tx)
				require.NoError(t, err)
				require.Equal(t, okpay.AlreadyCredited, claim)
				key := newID()
				require.NoError(t, tk.Put(ctx, key, okauth.Token{AccessToken: "t", Expires: time.Now().Add(time.Hour)}))
				_, ok, err := tk.Get(ctx, key)
				require.NoError(t, err)
				require.True(t, ok)
				unlock, err := tk.LockToken(ctx, key, time.Second)
				require.NoError(t, err)
				unlock()
			}
		})
	}
}

// TestPasswordOnSentinelAndCluster: Redis servers that require a
// password are reached with the password in the URL — through Sentinel
// (whose sentinels require none), and on every node of a Cluster; without
// it, Open fails as Redis unavailable, naming no password.
func TestPasswordOnSentinelAndCluster(t *testing.T) {
	for name, start := range map[string]func(t *testing.T) string{
		"sentinel": func(t *testing.T) string { return redistest.StartSentinelWithPassword(t, "redis-pass").URL() },
		"cluster":  func(t *testing.T) string { return redistest.StartClusterWithPassword(t, "redis-pass").URL() },
	} {
		t.Run(name, func(t *testing.T) {
			url := start(t)
			require.Contains(t, url, "default:redis-pass@")
			s := openURL(t, url).Sessions()
			ctx := context.Background()
			for i := range 12 { // users on every primary of a Cluster
				uid := "app:" + strconv.Itoa(i)
				id := okauth.NewSessionID(s, uid)
				require.NoError(t, s.Save(ctx, id, uid, []byte("x"), time.Now().Add(time.Hour)))
				require.NoError(t, s.DeleteUser(ctx, uid), "ended, and confirmed by a replica")
			}
			_, err := Open(strings.Replace(url, "default:redis-pass@", "", 1), Options{})
			require.ErrorIs(t, err, okauth.ErrStoreUnavailable)
			assert.NotContains(t, err.Error(), "redis-pass")
		})
	}
}
