// Command throughput measures requests per second through okauth's
// Middleware against the same server without it, with wrk as the load
// generator in a second process, on loopback only.
//
// It signs in 1,000 distinct users against a fake OK (oktest), serves one
// page on 127.0.0.1 bare, behind Middleware with UserFrom (session cache on
// and off), and behind two instances whose sessions are in one Redis (a
// redis-server it starts; users signed in on the first, half the load on
// each, two wrk at once), and runs wrk against each in turn, each request
// carrying the next user's session cookie. It prints one benchmark-format
// line per round for cmd/benchcheck and exits 1 when wrk fails or a
// response is not 200.
//
//	throughput [-users 1000] [-duration 5s] [-rounds 2] [-conns 16] [-wrk wrk] [-redis-server redis-server]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/bench/internal/fixture"
	"github.com/okauth/okauth/oktest"
)

func main() {
	var o options
	flag.IntVar(&o.users, "users", 1000, "distinct signed-in users")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "length of each wrk run")
	flag.IntVar(&o.rounds, "rounds", 2, "runs against each server, alternating")
	flag.IntVar(&o.conns, "conns", 16, "wrk connections")
	flag.StringVar(&o.wrk, "wrk", "wrk", "wrk binary (Debian package wrk)")
	flag.StringVar(&o.redis, "redis-server", "redis-server", "redis-server binary (Debian package redis-server)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the server to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			slog.Error("cpuprofile", "error", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(context.Background(), o, os.Stdout, logger); err != nil {
		logger.Error("throughput failed", "error", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

type options struct {
	users, rounds, conns int
	duration             time.Duration
	wrk, redis           string
}

// page greets the signed-in user; behind the middleware it answers 500
// when the session does not decode, which wrk counts as a failure.
func page(wantUser bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := okauth.UserFrom(r.Context())
		if wantUser && !ok {
			http.Error(w, "no session", http.StatusInternalServerError)
			return
		}
		if !ok {
			u.FirstName = "гость"
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "hello "+u.FirstName+"\n")
	})
}

func run(ctx context.Context, o options, stdout io.Writer, logger *slog.Logger) error {
	wrkPath, err := exec.LookPath(o.wrk)
	if err != nil {
		return fmt.Errorf("%w (install it: apt-get install wrk)", err)
	}
	ok := oktest.NewServer()
	defer ok.Close()
	auth, err := fixture.NewAuth(ok, fixture.DefaultCache)
	if err != nil {
		return err
	}
	noCache, err := fixture.NewAuth(ok, fixture.NoCache)
	if err != nil {
		return err
	}
	cookies, err := signInAll(o.users, func(u oktest.User) (*http.Cookie, error) { return fixture.SignIn(auth, ok, u) })
	if err != nil {
		return err
	}
	redisURL, stopRedis, err := startRedis(ctx, o.redis)
	if err != nil {
		return err
	}
	defer stopRedis()
	pair, signInOnA, closePair, err := twoInstances(redisURL, ok)
	if err != nil {
		return err
	}
	defer closePair()
	pairCookies, err := signInAll(o.users, signInOnA)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "okauth-throughput")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "users.lua")
	if err := os.WriteFile(script, luaScript(cookies), 0o600); err != nil {
		return err
	}
	pairScript := filepath.Join(dir, "pair.lua")
	if err := os.WriteFile(pairScript, luaScript(pairCookies), 0o600); err != nil {
		return err
	}

	servers := map[string]string{}
	for name, h := range map[string]http.Handler{"Bare": page(false), "Okauth": auth.Middleware(page(true)),
		"OkauthNoCache": noCache.Middleware(page(true)), "RedisA": pair[0], "RedisB": pair[1],
		"BareA": page(false), "BareB": page(false)} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		servers[name] = "http://" + ln.Addr().String() + "/"
	}
	for _, name := range []string{"Okauth", "OkauthNoCache"} {
		if err := checkUsers(servers[name], cookies); err != nil {
			return err
		}
	}
	for _, name := range []string{"RedisA", "RedisB"} { // B reads A's sign-ins from Redis
		if err := checkUsers(servers[name], pairCookies); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	logger.Info("signed in", "users", o.users, "bare", servers["Bare"], "okauth", servers["Okauth"])

	// Two instances are measured against two bare servers under the same
	// split load (two wrk, half the connections each): two load generators
	// on one small machine cost more than one, and that is not okauth's.
	order := []string{"Bare", "Okauth", "OkauthNoCache", "TwoInstancesBare", "TwoInstancesRedis"}
	for range o.rounds {
		for _, name := range order {
			cpu0 := cpuTime()
			var rps float64
			var n int
			var err error
			switch name {
			case "TwoInstancesRedis":
				rps, n, err = runWrkPair(ctx, wrkPath, o, pairScript, servers["RedisA"], servers["RedisB"])
			case "TwoInstancesBare":
				rps, n, err = runWrkPair(ctx, wrkPath, o, pairScript, servers["BareA"], servers["BareB"])
			default:
				rps, n, err = runWrk(ctx, wrkPath, o, script, servers[name])
			}
			if err != nil {
				return fmt.Errorf("wrk against %s: %w", name, err)
			}
			perReq := float64((cpuTime()-cpu0)/time.Nanosecond) / float64(n)
			fmt.Fprintf(stdout, "BenchmarkThroughput%s 1 %.0f req/s %.0f server-cpu-ns/req\n", name, rps, perReq)
		}
		slices.Reverse(order) // alternate who goes first
	}
	return nil
}

// signInAll signs in n distinct users with signIn and returns their
// cookies as "name=value".
func signInAll(n int, signIn func(oktest.User) (*http.Cookie, error)) ([]string, error) {
	cookies := make([]string, n)
	for i := range cookies {
		c, err := signIn(fixture.User(i))
		if err != nil {
			return nil, fmt.Errorf("sign in user %d: %w", i, err)
		}
		cookies[i] = c.Name + "=" + c.Value
	}
	return cookies, nil
}

// runWrkPair runs two wrk at once, each with half the connections, one
// against each of two instances, and returns their summed requests per
// second and requests.
func runWrkPair(ctx context.Context, wrk string, o options, script, urlA, urlB string) (float64, int, error) {
	half := o
	half.conns = max(1, o.conns/2)
	type result struct {
		rps float64
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		rps, n, err := runWrk(ctx, wrk, half, script, urlB)
		done <- result{rps, n, err}
	}()
	rps, n, err := runWrk(ctx, wrk, half, script, urlA)
	b := <-done
	if err == nil {
		err = b.err
	}
	return rps + b.rps, n + b.n, err
}

// luaScript makes wrk send each request with the next user's cookie.
func luaScript(cookies []string) []byte {
	var b strings.Builder
	b.WriteString("local cookies = {\n")
	for _, c := range cookies {
		fmt.Fprintf(&b, "%q,\n", "_ga=GA1.1.1234567890.1700000000; lang=ru; "+c)
	}
	b.WriteString(`}
local i = 0
request = function()
  i = i % #cookies + 1
  return wrk.format("GET", nil, {["Cookie"] = cookies[i], ["Accept"] = "text/html"})
end
`)
	return []byte(b.String())
}

// checkUsers makes sure a few users' cookies each sign in that user.
func checkUsers(url string, cookies []string) error {
	for _, i := range []int{0, len(cookies) / 2, len(cookies) - 1} {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Cookie", cookies[i])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := "hello " + fixture.User(i).FirstName + "\n"; string(body) != want {
			return fmt.Errorf("user %d: got %q, want %q", i, body, want)
		}
	}
	return nil
}

var errNon2xx = errors.New("responses other than 200")

// cpuTime is the CPU time this process (the server) has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runWrk runs one bounded wrk and returns its requests per second and
// the number of requests.
func runWrk(ctx context.Context, wrk string, o options, script, url string) (float64, int, error) {
	ctx, cancel := context.WithTimeout(ctx, o.duration+30*time.Second)
	defer cancel()
	secs := max(1, int(o.duration/time.Second))
	out, err := exec.CommandContext(ctx, wrk, "-t1", fmt.Sprintf("-c%d", o.conns),
		fmt.Sprintf("-d%ds", secs), "-s", script, url).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %s", err, out)
	}
	var rps float64
	var n int
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "Non-2xx or 3xx responses:") || strings.HasPrefix(line, "Socket errors:") {
			return 0, 0, fmt.Errorf("%w: %s", errNon2xx, line)
		}
		if f := strings.Fields(line); len(f) > 2 && f[1] == "requests" && f[2] == "in" {
			n, _ = strconv.Atoi(f[0])
		}
		if v, ok := strings.CutPrefix(line, "Requests/sec:"); ok {
			if _, err := fmt.Sscan(v, &rps); err != nil {
				return 0, 0, fmt.Errorf("parse %q: %w", line, err)
			}
		}
	}
	if rps == 0 || n == 0 {
		return 0, 0, fmt.Errorf("no Requests/sec in wrk output: %s", out)
	}
	return rps, n, nil
}
