package okredis

import (
	"testing"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenRefusesEviction: Open refuses a Redis that may evict keys,
// naming the setting and the policy it found, and accepts noeviction.
func TestOpenRefusesEviction(t *testing.T) {
	for _, policy := range []string{"volatile-lru", "volatile-ttl", "allkeys-lru"} {
		t.Run(policy, func(t *testing.T) {
			srv := redistest.Start(t, "--maxmemory", "64mb", "--maxmemory-policy", policy)
			c, err := Open(srv.URL(), Options{})
			if c != nil {
				c.Close()
			}
			require.ErrorIs(t, err, ErrEvictionPolicy)
			assert.NotErrorIs(t, err, okauth.ErrStoreUnavailable, "Redis answered: a setting to change, not an outage")
			assert.Contains(t, err.Error(), "maxmemory-policy")
			assert.Contains(t, err.Error(), `"`+policy+`"`)
		})
	}
	srv := redistest.Start(t, "--maxmemory", "64mb", "--maxmemory-policy", "noeviction")
	c, err := Open(srv.URL(), Options{})
	require.NoError(t, err)
	c.Close()
}
