package redistest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// MasterSet is the name the sentinels of [StartSentinel] monitor.
const MasterSet = "okauth"

// Sentinel is a primary, its replica and 3 sentinels, started by
// [StartSentinel].
type Sentinel struct {
	tb        testing.TB
	password  string
	Data      []*Server // the primary as started, then its replica
	Sentinels []*Server
}

// StartSentinel starts a primary, a replica and 3 sentinels (quorum 2) on
// loopback ports, with persistence off; the sentinels know each other and
// the replica from the start, so that a failover can begin at once. It
// waits until the replica is in sync, and stops all when the test ends.
func StartSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	return StartSentinelWithPassword(tb, "")
}

// StartSentinelWithPassword is StartSentinel with the primary and the
// replica requiring password (requirepass, masterauth), unless it is "";
// the sentinels know it (auth-pass) and require none themselves.
func StartSentinelWithPassword(tb testing.TB, password string) *Sentinel {
	tb.Helper()
	needBinary(tb, Binary)
	auth := func() []string {
		if password == "" {
			return nil
		}
		return []string{"--requirepass", password, "--masterauth", password}
	}
	primary := launch(&Server{tb: tb, dir: tb.TempDir(), password: password, args: func(*Server) []string { return auth() }})
	replica := launch(&Server{tb: tb, dir: tb.TempDir(), password: password, args: func(*Server) []string {
		return append(auth(), "--replicaof", "127.0.0.1", strconv.Itoa(primary.Port()))
	}})
	x := &Sentinel{tb: tb, password: password, Data: []*Server{primary, replica}}
	ids, ports := make([]string, 3), make([]int, 3)
	for i := range ids {
		var b [20]byte
		_, _ = rand.Read(b[:])
		ids[i] = hex.EncodeToString(b[:])
		p, err := freePort()
		if err != nil {
			tb.Fatal(err)
		}
		ports[i] = p
	}
	for i := range 3 {
		s := &Server{tb: tb, dir: tb.TempDir(), port: ports[i]}
		conf := fmt.Sprintf("sentinel myid %s\n"+
			"sentinel monitor %s 127.0.0.1 %d 2\n"+
			"sentinel down-after-milliseconds %[2]s %[4]d\n"+
			"sentinel failover-timeout %[2]s %[5]d\n"+
			"sentinel parallel-syncs %[2]s 1\n"+
			"sentinel known-replica %[2]s 127.0.0.1 %[6]d\n",
			ids[i], MasterSet, primary.Port(), NodeTimeout.Milliseconds(),
			(3 * NodeTimeout).Milliseconds(), replica.Port())
		if password != "" {
			conf += fmt.Sprintf("sentinel auth-pass %s %s\n", MasterSet, password)
		}
		for j := range 3 {
			if j != i {
				conf += fmt.Sprintf("sentinel known-sentinel %s 127.0.0.1 %d %s\n", MasterSet, ports[j], ids[j])
			}
		}
		path := s.dir + "/sentinel.conf"
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			tb.Fatal(err)
		}
		s.args = func(*Server) []string { return []string{"--sentinel"} }
		s.conf = path
		if err := s.start(); err != nil {
			tb.Fatalf("redis-server --sentinel: %v", err)
		}
		tb.Cleanup(s.Stop)
		x.Sentinels = append(x.Sentinels, s)
	}
	x.WaitHealthy()
	return x
}

// URL is the set's URL as okredis reads it: the sentinels (with the
// primary's password, if any), and the name they monitor.
func (x *Sentinel) URL() string {
	auth := ""
	if x.password != "" {
		auth = "default:" + x.password + "@"
	}
	return fmt.Sprintf("redis://%s%s?addr=%s&addr=%s&master_set=%s",
		auth, x.Sentinels[0].Addr(), x.Sentinels[1].Addr(), x.Sentinels[2].Addr(), MasterSet)
}

// Primary returns the server the sentinels name as the primary.
func (x *Sentinel) Primary() *Server {
	x.tb.Helper()
	for _, s := range x.Sentinels {
		if !s.Running() {
			continue
		}
		v, err := s.Do("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MasterSet)
		if err != nil {
			continue
		}
		if a, ok := v.([]any); ok && len(a) == 2 {
			for _, d := range x.Data {
				if d.Addr() == a[0].(string)+":"+a[1].(string) {
					return d
				}
			}
		}
	}
	x.tb.Fatal("no sentinel names a primary")
	return nil
}

// Replica returns the data server that is not the primary.
func (x *Sentinel) Replica() *Server {
	if p := x.Primary(); p == x.Data[0] {
		return x.Data[1]
	}
	return x.Data[0]
}

// WaitHealthy waits until every sentinel names the same running primary,
// the other data server replicates it in sync, and the sentinels see it
// as such.
func (x *Sentinel) WaitHealthy() {
	x.tb.Helper()
	waitHealthy(x.tb, "the sentinel set", x.unhealthy)
}

func (x *Sentinel) unhealthy() string {
	var primary string
	for _, s := range x.Sentinels {
		v, err := s.Do("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MasterSet)
		a, ok := v.([]any)
		if err != nil || !ok || len(a) != 2 {
			return fmt.Sprintf("sentinel %s: %v", s.Addr(), err)
		}
		p := a[0].(string) + ":" + a[1].(string)
		if primary != "" && p != primary {
			return "the sentinels disagree on the primary"
		}
		primary = p
	}
	for _, d := range x.Data {
		if !d.Running() {
			return d.Addr() + " is not running"
		}
		repl, err := d.Do("INFO", "replication")
		if err != nil {
			return err.Error()
		}
		if d.Addr() == primary {
			if field(repl, "role") != "master" || field(repl, "connected_slaves") != "1" {
				return d.Addr() + " is not yet a primary with its replica"
			}
		} else if field(repl, "master_link_status") != "up" || field(repl, "master_port") != primary[len("127.0.0.1:"):] {
			return d.Addr() + " is not in sync with " + primary
		}
	}
	return ""
}
