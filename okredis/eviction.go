package okredis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/rueidis"
)

// ErrEvictionPolicy is wrapped by what [Open] returns when Redis may
// evict keys to free memory: its maxmemory-policy is not noeviction.
// Under any other policy Redis may drop, under memory pressure, the keys
// that end sessions everywhere, refuse a replayed sign-in and remember a
// credited payment, and nothing would tell.
var ErrEvictionPolicy = errors.New("okredis: Redis may evict keys")

// checkNoEviction returns an error wrapping ErrEvictionPolicy unless
// every Redis server rc talks to (each node of a Cluster) has
// maxmemory-policy noeviction. It reads the policy from INFO memory, which
// managed Redis services answer where they disable CONFIG GET.
func checkNoEviction(ctx context.Context, rc rueidis.Client) error {
	for _, node := range rc.Nodes() {
		if err := checkNodeNoEviction(ctx, node); err != nil {
			return err
		}
	}
	return nil
}

func checkNodeNoEviction(ctx context.Context, rc rueidis.Client) error {
	info, err := rc.Do(ctx, rc.B().Info().Section("memory").Build()).ToString()
	if err != nil {
		return unavailable("reading INFO memory", err)
	}
	policy := ""
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "maxmemory_policy:"); ok {
			policy = v
		}
	}
	switch policy {
	case "noeviction":
		return nil
	case "":
		return fmt.Errorf("%w: INFO memory names no maxmemory_policy; okredis needs maxmemory-policy noeviction", ErrEvictionPolicy)
	}
	return fmt.Errorf("%w: maxmemory-policy is %q; okredis needs noeviction, so that memory pressure refuses new writes instead of dropping sessions' indexes, replay marks and credited payments", ErrEvictionPolicy, policy)
}
