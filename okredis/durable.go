package okredis

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/rueidis"
)

// ErrNotReplicated is wrapped by the error of a change that must not be
// undone (ending a session, ending a user's sessions, recording a
// credited payment) when no replica confirmed it within
// [Options.ReplicaWait]. The primary made the change, but a failover
// before the replica catches up could undo it. It also wraps
// [okauth.ErrStoreUnavailable].
var ErrNotReplicated = errors.New("okredis: no replica confirmed the change in time")

// script is a Lua script run by EVALSHA, or EVAL when Redis does not have
// it yet.
type script struct{ src, sha string }

func newScript(src string) *script {
	sum := sha1.Sum([]byte(src))
	return &script{src: src, sha: hex.EncodeToString(sum[:])}
}

// call builds the script's call: by its SHA-1, or with its source.
func (s *script) call(b rueidis.Builder, bySHA bool, keys, args []string) rueidis.Completed {
	if bySHA {
		return b.Evalsha().Sha1(s.sha).Numkeys(int64(len(keys))).Key(keys...).Arg(args...).Build()
	}
	return b.Eval().Script(s.src).Numkeys(int64(len(keys))).Key(keys...).Arg(args...).Build()
}

// run runs s.
func (c *Client) run(ctx context.Context, s *script, keys, args []string) rueidis.RedisResult {
	res := c.rc.Do(ctx, s.call(c.rc.B(), true, keys, args))
	if isNoScript(res.Error()) {
		res = c.rc.Do(ctx, s.call(c.rc.B(), false, keys, args))
	}
	return res
}

// callDurably gives a call that waits for replicas its Timeout and
// ReplicaWait.
func (c *Client) callDurably(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.opts.Timeout+c.opts.ReplicaWait)
}

// runDurably runs s, and then, when the deployment has replicas, waits
// for Options.WaitReplicas of them to confirm it: WAIT, on the same
// connection. It returns the script's answer, and ErrNotReplicated when
// too few replicas confirmed in time.
func (c *Client) runDurably(ctx context.Context, s *script, keys, args []string) (rueidis.RedisResult, error) {
	if c.waitReplicas == 0 {
		res := c.run(ctx, s, keys, args)
		return res, res.Error()
	}
	return c.durably(ctx, func(b rueidis.Builder, bySHA bool) rueidis.Completed {
		return s.call(b, bySHA, keys, args)
	})
}

// doDurably is runDurably for one command.
func (c *Client) doDurably(ctx context.Context, cmd func(b rueidis.Builder) rueidis.Completed) (rueidis.RedisResult, error) {
	if c.waitReplicas == 0 {
		res := c.rc.Do(ctx, cmd(c.rc.B()))
		return res, res.Error()
	}
	return c.durably(ctx, func(b rueidis.Builder, _ bool) rueidis.Completed { return cmd(b) })
}

func (c *Client) durably(ctx context.Context, cmd func(b rueidis.Builder, bySHA bool) rueidis.Completed) (res rueidis.RedisResult, err error) {
	// The change and WAIT go on one connection, pipelined: WAIT counts
	// the replicas that have what this connection wrote. rueidis sends a
	// pipeline holding a blocking command such as WAIT on one connection
	// of its own. A script goes by EVAL, with its source: were Redis to
	// answer NOSCRIPT to EVALSHA, the WAIT after it could take its whole
	// bound before the script ran again. Redis keeps EVAL's scripts
	// compiled, so this costs only the bytes.
	wait := func(b rueidis.Builder) rueidis.Completed {
		return b.Wait().Numreplicas(int64(c.waitReplicas)).Timeout(c.opts.ReplicaWait.Milliseconds()).Build()
	}
	if c.rc.Mode() != rueidis.ClientModeCluster {
		rs := c.rc.DoMulti(ctx, cmd(c.rc.B(), false), wait(c.rc.B()))
		return rs[0], c.confirmed(rs)
	}
	// A Cluster's client would follow a redirect of the change alone, to
	// another node, and WAIT would then count the wrong connection's
	// writes; a dedicated connection follows none: a redirect (a slot
	// being moved) fails the call.
	err = c.rc.Dedicated(func(d rueidis.DedicatedClient) error {
		rs := d.DoMulti(ctx, cmd(d.B(), false), wait(d.B()))
		res = rs[0]
		return c.confirmed(rs)
	})
	return res, err
}

// confirmed is the error of a change and the WAIT behind it: the change's,
// or ErrNotReplicated when too few replicas confirmed it.
func (c *Client) confirmed(rs []rueidis.RedisResult) error {
	if err := rs[0].Error(); err != nil {
		return err // the change failed: what WAIT says is of no use
	}
	n, err := rs[1].AsInt64()
	switch {
	case err != nil:
		return err
	case n < int64(c.waitReplicas):
		return ErrNotReplicated
	}
	return nil
}

func isNoScript(err error) bool {
	re, ok := rueidis.IsRedisErr(err)
	return ok && re.IsNoScript()
}

// countReplicas returns how many replicas the deployment has: on
// Sentinel at least one (failing over to one is what Sentinel is for,
// whether or not it is connected this moment); on a Cluster the most any
// primary has, connected or not; on one server, those connected to it.
func (c *Client) countReplicas(ctx context.Context) (int, error) {
	if c.rc.Mode() == rueidis.ClientModeSentinel {
		return 1, nil
	}
	if c.rc.Mode() == rueidis.ClientModeCluster {
		text, err := c.rc.Do(ctx, c.rc.B().ClusterNodes().Build()).ToString()
		if err != nil {
			return 0, err
		}
		return clusterReplicas(text), nil
	}
	role, err := c.rc.Do(ctx, c.rc.B().Role().Build()).ToArray()
	if err != nil {
		return 0, err
	}
	if len(role) < 3 {
		return 0, fmt.Errorf("okredis: ROLE answered %d fields", len(role))
	}
	replicas, err := role[2].ToArray()
	if err != nil {
		return 0, err
	}
	return len(replicas), nil
}

// clusterReplicas returns the most replicas a primary of the cluster has,
// from CLUSTER NODES.
func clusterReplicas(nodes string) int {
	per := map[string]int{} // primary ID → its replicas
	most := 0
	for line := range strings.SplitSeq(strings.TrimSpace(nodes), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.Contains(f[2], "slave") {
			continue
		}
		per[f[3]]++
		most = max(most, per[f[3]])
	}
	return most
}
