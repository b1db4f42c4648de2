package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/bench/internal/fixture"
	"github.com/okauth/okauth/okredis"
	"github.com/okauth/okauth/oktest"
)

// startRedis runs a redis-server on a free loopback port, persistence
// off, until stop is called; it returns the server's URL.
func startRedis(ctx context.Context, binary string) (url string, stop func(), err error) {
	path, err := exec.LookPath(binary)
	if err != nil {
		return "", nil, fmt.Errorf("%w (install it: apt-get install redis-server)", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	dir, err := os.MkdirTemp("", "okauth-redis")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, path, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	stop = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		os.RemoveAll(dir)
	}
	addr := "127.0.0.1:" + port
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return "redis://" + addr + "/0", stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("redis-server did not listen on %s within 5 s", addr)
		}
	}
}

// twoInstances is two okauth apps, as two processes would be, with their
// sessions in one Redis, each through its own okredis client (and so its
// own client-side cache): the page behind each one's Middleware, and a
// function that signs a user in on the first.
func twoInstances(redisURL string, ok *oktest.Server) (pages [2]http.Handler, signIn func(oktest.User) (*http.Cookie, error), closeAll func(), err error) {
	var clients []*okredis.Client
	closeAll = func() {
		for _, c := range clients {
			c.Close()
		}
	}
	var auths [2]*okauth.Auth
	for i := range auths {
		rc, err := okredis.Open(redisURL, okredis.Options{})
		if err != nil {
			closeAll()
			return pages, nil, nil, err
		}
		clients = append(clients, rc)
		if auths[i], err = fixture.NewAuthWith(ok, fixture.DefaultCache, func(c *okauth.Config) {
			c.SessionStore, c.ReplayStore = rc.Sessions(), rc.Replay()
		}); err != nil {
			closeAll()
			return pages, nil, nil, err
		}
		pages[i] = auths[i].Middleware(page(true))
	}
	return pages, func(u oktest.User) (*http.Cookie, error) { return fixture.SignIn(auths[0], ok, u) }, closeAll, nil
}
