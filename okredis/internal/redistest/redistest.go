// Package redistest starts a real redis-server for tests: on a free
// loopback port, in a temporary directory, with persistence off. It can be
// stopped and started again on the same port, to test what happens while
// Redis is down and after it returns.
package redistest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Binary is the redis-server the tests run: Debian's package.
const Binary = "/usr/bin/redis-server"

// Server is a redis-server started by [Start].
type Server struct {
	tb        testing.TB
	dir       string
	port      int
	conf      string                   // a config file to start with, if any
	tlsClient *tls.Config              // how tests reach a TLS server, or nil
	password  string                   // its requirepass, or ""
	args      func(s *Server) []string // more arguments to redis-server
	cmd       *exec.Cmd
	done      chan struct{}

	// CAs trusts the certificate of a server started by StartTLS.
	CAs *x509.CertPool
}

// Start runs a redis-server for the test and stops it when the test ends,
// with args added to its command line (such as "--maxmemory", "2mb").
// Without redis-server the test is skipped, unless the environment has
// CI=true: CI must run these tests, so there it fails.
func Start(tb testing.TB, args ...string) *Server {
	tb.Helper()
	return startWith(tb, func(*Server) []string { return args })
}

// startWith starts a redis-server with the arguments args returns, which
// may name the server's port and directory.
func startWith(tb testing.TB, args func(s *Server) []string) *Server {
	tb.Helper()
	needBinary(tb, Binary)
	return launch(&Server{tb: tb, dir: tb.TempDir(), args: args})
}

// launch starts s on a free port and stops it when its test ends.
func launch(s *Server) *Server {
	tb := s.tb
	tb.Helper()
	var err error
	for range 5 { // a free port may be taken again before redis-server binds it
		if s.port, err = freePort(); err != nil {
			tb.Fatal(err)
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		tb.Fatalf("redis-server: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// needBinary skips the test without the program at path, or fails it
// when the environment has CI=true.
func needBinary(tb testing.TB, path string) {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is missing; CI installs it (apt-get install redis-server)", path)
		}
		tb.Skipf("%s is missing: install redis-server (apt-get install redis-server) to run the Redis tests", path)
	}
}

// Port is the server's port.
func (s *Server) Port() int { return s.port }

// Addr is the server's host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// URL is the server's URL, database 0: redis://, or rediss:// with its
// password for one started by StartTLS.
func (s *Server) URL() string {
	if s.tlsClient != nil {
		return "rediss://default:" + s.password + "@" + s.Addr() + "/0"
	}
	return "redis://" + s.Addr() + "/0"
}

// Stop kills the server (SIGKILL: nothing is flushed, as in a crash) and
// waits until it is gone. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts the server again on the same port, empty.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Stop()
	var err error
	for range 50 { // the port may take a moment to be free again
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.tb.Fatalf("redis-server restart: %v", err)
}

// Do sends one command to the server and returns its answer: a string,
// an int64, nil, or a []any of those; an error reply is an error.
func (s *Server) Do(args ...string) (any, error) { return s.do(args...) }

// MustDo is Do, failing the test on an error.
func (s *Server) MustDo(args ...string) any {
	s.tb.Helper()
	v, err := s.Do(args...)
	if err != nil {
		s.tb.Fatalf("redis-server %s: %s: %v", s.Addr(), args[0], err)
	}
	return v
}

// Pause freezes the server (SIGSTOP): connections stay open and nothing
// answers, as with a hung server or a broken network. Resume undoes it.
func (s *Server) Pause() { _ = s.cmd.Process.Signal(syscall.SIGSTOP) }

// Resume undoes Pause.
func (s *Server) Resume() { _ = s.cmd.Process.Signal(syscall.SIGCONT) }

// Running reports whether the server was started and not stopped.
func (s *Server) Running() bool { return s.cmd != nil }

func (s *Server) start() error {
	args := []string{"--bind", "127.0.0.1", "--port", strconv.Itoa(s.port),
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--protected-mode", "yes", "--loglevel", "warning",
		// A replica syncs at once, rather than 5 s after it asks.
		"--repl-diskless-sync-delay", "0"}
	if s.args != nil {
		args = append(args, s.args(s)...)
	}
	if s.conf != "" {
		args = append([]string{s.conf}, args...)
	}
	cmd := exec.Command(Binary, args...)
	out, err := os.Create(s.dir + "/redis.log")
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		return err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); out.Close(); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			log, _ := os.ReadFile(s.dir + "/redis.log")
			return fmt.Errorf("exited on port %d: %s", s.port, log)
		default:
		}
		if v, err := s.do("PING"); err == nil && v == "PONG" {
			s.cmd, s.done = cmd, done
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-done
	return fmt.Errorf("not answering PING on port %d within 5s", s.port)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartReplica starts a replica of primary and waits until it is in sync.
func StartReplica(tb testing.TB, primary *Server) *Server {
	tb.Helper()
	r := startWith(tb, func(*Server) []string {
		return []string{"--replicaof", "127.0.0.1", strconv.Itoa(primary.Port())}
	})
	waitHealthy(tb, "the replica", func() string {
		if v, err := r.Do("INFO", "replication"); err != nil || field(v, "master_link_status") != "up" {
			return "not in sync"
		}
		if v, err := primary.Do("INFO", "replication"); err != nil || !strings.Contains(field(v, "slave0"), "state=online") {
			return "not online on the primary"
		}
		return ""
	})
	return r
}

// HoldBack cuts the replica s off its primary and keeps it from
// reconnecting (a wrong masterauth), as a network fault would: what the
// primary writes from now on does not reach it. Release undoes it.
func (s *Server) HoldBack() {
	s.tb.Helper()
	s.MustDo("CONFIG", "SET", "masterauth", "held-back")
	s.MustDo("CLIENT", "KILL", "TYPE", "master")
}

// Release lets a replica held back reconnect to its primary.
func (s *Server) Release() {
	s.tb.Helper()
	s.MustDo("CONFIG", "SET", "masterauth", s.password)
}

// WaitInSync waits until every replica of the primary s has all it wrote.
func (s *Server) WaitInSync() {
	s.tb.Helper()
	waitHealthy(s.tb, "the replication of "+s.Addr(), func() string {
		v, err := s.Do("INFO", "replication")
		if err != nil {
			return err.Error()
		}
		offset := field(v, "master_repl_offset")
		n, _ := strconv.Atoi(field(v, "connected_slaves"))
		for i := range n {
			if r := field(v, "slave"+strconv.Itoa(i)); !strings.Contains(r, ",offset="+offset+",") {
				return "replica behind: " + r
			}
		}
		return ""
	})
}
