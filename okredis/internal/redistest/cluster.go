package redistest

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// NodeTimeout is the cluster's cluster-node-timeout, and the sentinels'
// down-after-milliseconds: how long a primary must be unreachable before
// a replica replaces it. Production deployments use several seconds.
const NodeTimeout = time.Second

// CLI is the redis-cli that creates a cluster: Debian's redis-tools,
// which redis-server depends on.
const CLI = "/usr/bin/redis-cli"

// Cluster is a Redis Cluster of 3 primaries with a replica each, started
// by [StartCluster].
type Cluster struct {
	tb       testing.TB
	password string
	Nodes    []*Server // the 3 first nodes started as primaries
}

// StartCluster starts a Redis Cluster of 3 primaries and 3 replicas on
// loopback ports, with persistence off, waits until every slot is served
// and every replica is in sync, and stops it when the test ends.
func StartCluster(tb testing.TB) *Cluster {
	tb.Helper()
	return StartClusterWithPassword(tb, "")
}

// StartClusterWithPassword is StartCluster with every node requiring
// password (requirepass, and masterauth for its replica), unless it is "".
func StartClusterWithPassword(tb testing.TB, password string) *Cluster {
	tb.Helper()
	needBinary(tb, Binary)
	needBinary(tb, CLI)
	c := &Cluster{tb: tb, password: password}
	for range 6 {
		busPort, err := freePort()
		if err != nil {
			tb.Fatal(err)
		}
		c.Nodes = append(c.Nodes, launch(&Server{tb: tb, dir: tb.TempDir(), password: password, args: func(s *Server) []string {
			args := []string{"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(busPort),
				"--cluster-config-file", s.dir + "/nodes.conf",
				"--cluster-node-timeout", strconv.FormatInt(NodeTimeout.Milliseconds(), 10),
				// A test's cluster keeps serving the slots it can.
				"--cluster-require-full-coverage", "no"}
			if password != "" {
				args = append(args, "--requirepass", password, "--masterauth", password)
			}
			return args
		}}))
	}
	args := []string{"--cluster", "create"}
	for _, n := range c.Nodes {
		args = append(args, n.Addr())
	}
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	cmd := exec.Command(CLI, args...)
	if password != "" {
		cmd.Env = append(cmd.Environ(), "REDISCLI_AUTH="+password) // not on the command line
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("redis-cli --cluster create: %v: %s", err, out)
	}
	c.WaitHealthy()
	return c
}

// URL is the cluster's URL as okredis reads it: the first node (with the
// password, if any), and the others as addr parameters.
func (c *Cluster) URL() string {
	u := "redis://" + c.Nodes[0].Addr()
	if c.password != "" {
		u = "redis://default:" + c.password + "@" + c.Nodes[0].Addr()
	}
	for i, n := range c.Nodes[1:] {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		u += sep + "addr=" + n.Addr()
	}
	return u
}

// node is one line of CLUSTER NODES.
type node struct {
	id, addr, primaryID string
	primary, failed     bool
	slots               []string
}

// nodes is CLUSTER NODES as s sees it.
func (c *Cluster) nodes(s *Server) ([]node, error) {
	v, err := s.Do("CLUSTER", "NODES")
	if err != nil {
		return nil, err
	}
	text, _ := v.(string)
	var out []node
	for line := range strings.SplitSeq(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 {
			continue
		}
		addr, _, _ := strings.Cut(f[1], "@")
		out = append(out, node{id: f[0], addr: addr, primaryID: f[3],
			primary: strings.Contains(f[2], "master"), failed: strings.Contains(f[2], "fail"), slots: f[8:]})
	}
	return out, nil
}

func (c *Cluster) server(addr string) *Server {
	for _, n := range c.Nodes {
		if n.Addr() == addr {
			return n
		}
	}
	return nil
}

// Primary returns the server that serves slot now, as a running node
// sees it.
func (c *Cluster) Primary(slot int) *Server {
	c.tb.Helper()
	for _, s := range c.Nodes {
		if !s.Running() {
			continue
		}
		ns, err := c.nodes(s)
		if err != nil {
			continue
		}
		for _, n := range ns {
			if n.primary && !n.failed && servesSlot(n.slots, slot) {
				return c.server(n.addr)
			}
		}
	}
	c.tb.Fatalf("no node serves slot %d", slot)
	return nil
}

// Replica returns a replica of the primary p.
func (c *Cluster) Replica(p *Server) *Server {
	c.tb.Helper()
	ns, err := c.nodes(p)
	if err != nil {
		c.tb.Fatal(err)
	}
	var id string
	for _, n := range ns {
		if n.addr == p.Addr() {
			id = n.id
		}
	}
	for _, n := range ns {
		if !n.primary && n.primaryID == id {
			return c.server(n.addr)
		}
	}
	c.tb.Fatalf("%s has no replica", p.Addr())
	return nil
}

func servesSlot(ranges []string, slot int) bool {
	for _, r := range ranges {
		if strings.HasPrefix(r, "[") {
			continue // a slot being moved
		}
		lo, hi, ok := strings.Cut(r, "-")
		if !ok {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 == nil && err2 == nil && a <= slot && slot <= b {
			return true
		}
	}
	return false
}

// WaitHealthy waits until every running node sees every slot served
// (cluster_state:ok) and every running replica is in sync with its
// primary.
func (c *Cluster) WaitHealthy() {
	c.tb.Helper()
	waitHealthy(c.tb, "the cluster", c.unhealthy)
}

// waitHealthy waits until unhealthy reports nothing wrong, for at most 30
// seconds.
func waitHealthy(tb testing.TB, what string, unhealthy func() string) {
	tb.Helper()
	var why string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if why = unhealthy(); why == "" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("%s is not healthy after 30s: %s", what, why)
}

func (c *Cluster) unhealthy() string {
	replicas := 0
	for _, s := range c.Nodes {
		if !s.Running() {
			continue
		}
		if v, err := s.Do("INFO", "replication"); err == nil && field(v, "role") == "slave" {
			replicas++
		}
	}
	for _, s := range c.Nodes {
		if !s.Running() {
			continue
		}
		ns, err := c.nodes(s)
		if err != nil {
			return err.Error()
		}
		seen := 0
		for _, n := range ns {
			if !n.primary && !n.failed {
				seen++
			}
		}
		if seen < replicas {
			return s.Addr() + " does not know every replica yet"
		}
	}
	for _, s := range c.Nodes {
		if !s.Running() {
			continue
		}
		info, err := s.Do("CLUSTER", "INFO")
		if err != nil {
			return err.Error()
		}
		if st := field(info, "cluster_state"); st != "ok" {
			return s.Addr() + " cluster_state:" + st
		}
		repl, err := s.Do("INFO", "replication")
		if err != nil {
			return err.Error()
		}
		if field(repl, "role") == "slave" && field(repl, "master_link_status") != "up" {
			return s.Addr() + " replica not in sync"
		}
	}
	return ""
}

// MoveSlot moves slot, and the keys in it, from the primary serving it
// to the primary to, as resharding does (redis-cli --cluster reshard).
func (c *Cluster) MoveSlot(slot int, to *Server) {
	c.tb.Helper()
	from := c.Primary(slot)
	if from == to {
		return
	}
	id := func(s *Server) string {
		v := s.MustDo("CLUSTER", "MYID")
		return v.(string)
	}
	fromID, toID, sl := id(from), id(to), strconv.Itoa(slot)
	to.MustDo("CLUSTER", "SETSLOT", sl, "IMPORTING", fromID)
	from.MustDo("CLUSTER", "SETSLOT", sl, "MIGRATING", toID)
	for {
		v := from.MustDo("CLUSTER", "GETKEYSINSLOT", sl, "100")
		keys, _ := v.([]any)
		if len(keys) == 0 {
			break
		}
		args := []string{"MIGRATE", "127.0.0.1", strconv.Itoa(to.Port()), "", "0", "5000", "KEYS"}
		for _, k := range keys {
			args = append(args, k.(string))
		}
		from.MustDo(args...)
	}
	for _, s := range []*Server{to, from} {
		s.MustDo("CLUSTER", "SETSLOT", sl, "NODE", toID)
	}
	for _, s := range c.Nodes {
		if s.Running() && s != to && s != from {
			_, _ = s.Do("CLUSTER", "SETSLOT", sl, "NODE", toID)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c.Primary(slot) == to {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.tb.Fatalf("slot %d did not move to %s", slot, to.Addr())
}

// String names the cluster's nodes, for failure messages.
func (c *Cluster) String() string {
	var b strings.Builder
	for _, s := range c.Nodes {
		fmt.Fprintf(&b, "%s running=%v ", s.Addr(), s.Running())
	}
	return b.String()
}
