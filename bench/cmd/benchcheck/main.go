// Command benchcheck reads `go test -bench` output of okauth's benchmarks
// (the root package, the bench module and cmd/throughput), prints one table
// of medians with each row's cost over a bare request and the ratios
// against each baseline, and exits 1 when a goal is missed.
//
//	benchcheck [-throughput] [file ...]   (default: standard input)
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	needThroughput := flag.Bool("throughput", false, "fail when the throughput rows are missing")
	flag.Parse()
	runs := results{}
	inputs := []io.Reader{os.Stdin}
	if flag.NArg() > 0 {
		inputs = nil
		for _, name := range flag.Args() {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, "benchcheck:", err)
				os.Exit(2)
			}
			defer f.Close()
			inputs = append(inputs, f)
		}
	}
	for _, in := range inputs {
		if err := runs.parse(in); err != nil {
			fmt.Fprintln(os.Stderr, "benchcheck:", err)
			os.Exit(2)
		}
	}
	if !report(os.Stdout, runs, *needThroughput) {
		os.Exit(1)
	}
}

// results holds, per benchmark name (without "Benchmark" and the -N
// suffix), every value seen per unit.
type results map[string]map[string][]float64

// parse adds the benchmark lines of r: "BenchmarkName-2 N v unit v unit …".
func (res results) parse(r io.Reader) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return fmt.Errorf("%q: %w", sc.Text(), err)
			}
			if res[name] == nil {
				res[name] = map[string][]float64{}
			}
			res[name][f[i+1]] = append(res[name][f[i+1]], v)
		}
	}
	return sc.Err()
}

// stat is the median of a benchmark's unit and its spread: the largest
// distance from the median to a sample, as a fraction of the median.
func (res results) stat(name, unit string) (med, spread float64, ok bool) {
	return medianOf(res[name][unit])
}

func medianOf(samples []float64) (med, spread float64, ok bool) {
	vs := slices.Clone(samples)
	if len(vs) == 0 {
		return 0, 0, false
	}
	slices.Sort(vs)
	med = vs[len(vs)/2]
	if len(vs)%2 == 0 {
		med = (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
	}
	if med != 0 {
		spread = max(med-vs[0], vs[len(vs)-1]-med) / med
	}
	return med, spread, true
}

func (res results) med(name, unit string) float64 {
	m, _, _ := res.stat(name, unit)
	return m
}

// perRun is the median over runs of f(i), where i indexes the i-th
// sample of each named benchmark's ns/op. Runs are interleaved, so samples
// with the same index ran close together in time: pairing them cancels
// most of the load that other processes put on the machine. When the
// benchmarks have different numbers of runs, it uses the shortest.
func (res results) perRun(f func(i int) float64, names ...string) (med, spread float64) {
	n := -1
	for _, name := range names {
		if l := len(res[name]["ns/op"]); n < 0 || l < n {
			n = l
		}
	}
	vs := make([]float64, max(n, 0))
	for i := range vs {
		vs[i] = f(i)
	}
	med, spread, _ = medianOf(vs)
	return med, spread
}

// runRatio is the median, over runs, of a's ns/op over b's in the same
// run: load that hits one run hits both rows alike.
func (res results) runRatio(a, b string) float64 {
	x, y := res[a]["ns/op"], res[b]["ns/op"]
	r, _ := res.perRun(func(i int) float64 { return x[i] / y[i] }, a, b)
	return r
}

// netStat is name's unit over the bare request, run by run.
func (res results) netStat(name, unit string) (med, spread float64) {
	a, b := res[name][unit], res["Bare"][unit]
	return res.perRun(func(i int) float64 { return a[i] - b[i] }, name, "Bare")
}

func (res results) net(name, unit string) float64 {
	m, _ := res.netStat(name, unit)
	return m
}

// ratio is (a over bare) / (b over bare, or b itself when b is the
// floor), run by run.
func (res results) ratio(a, b string) float64 {
	as, bs, bare := res[a]["ns/op"], res[b]["ns/op"], res["Bare"]["ns/op"]
	m, _ := res.perRun(func(i int) float64 {
		den := bs[i]
		if b != "Floor" {
			den -= bare[i]
		}
		return (as[i] - bare[i]) / den
	}, a, b, "Bare")
	return m
}

// row is a line of the table.
type row struct {
	name, label string
	overBare    bool // subtract BenchmarkBare
}

var perRequest = []row{
	{"OkauthAuthenticated", "okauth: Middleware + UserFrom, signed in (cookie verified and decrypted)", true},
	{"OkauthAuthenticatedCached", "okauth: same, repeat visit (default session cache)", true},
	{"OkauthAnonymous", "okauth: Middleware + UserFrom, no session cookie", true},
	{"GorillaSessions", "gorilla/sessions CookieStore.Get, gob", true},
	{"Gothic", "gothic.GetFromSession", true},
	{"SecurecookieJSON", "securecookie, JSON into a struct", true},
	{"Floor", "floor: base64 + HMAC-SHA256 + AES-CTR only", false},
	{"Bare", "bare request (subtracted above)", false},
}

var rootRows = []row{
	{"Authenticated", "Middleware + UserFrom, signed in (session cache off)", false},
	{"AuthenticatedCached", "same, repeat visit (default session cache)", false},
	{"AuthenticatedStore", "same, Config.GorillaStore = gorilla CookieStore", false},
	{"AuthenticatedAppLink", "same, signed in through the App link (partitioned cookie, cache off)", false},
	{"AuthenticatedBearer", "same, a native app's Authorization: Bearer (session cache off)", false},
	{"AuthenticatedBearerCached", "same, bearer, repeat request (default session cache)", false},
	{"AuthenticatedServer", "same, server-side session in memory (NewMemorySessions), repeat visit", false},
	{"Anonymous", "Middleware + UserFrom, no session cookie", false},
	{"AnonymousAppSecret", "same, AppSecret set (a bearer header looked for too)", false},
	{"RequireLoginRedirect", "RequireLogin, anonymous: 303 to login", false},
	{"RequireLogin401", "RequireLogin, anonymous API call: 401 JSON error", false},
	{"Callback", "callback POST, one call to oktest", false},
	{"CallbackReplayFull", "same, replay memory holding 200,000 states", false},
	{"CallbackCode", "code flow callback GET: token endpoint, then one API call", false},
}

var redisRows = []row{
	{"SignedInRequest/cookie", "signed-in repeat visit, session in the cookie (default cache)", false},
	{"SignedInRequest/memory-sessions", "same, NewMemorySessions", false},
	{"SignedInRequest/redis-cached", "same, okredis sessions, client-side cache", false},
	{"SignedInRequest/redis-uncached", "same, okredis sessions, every request asks Redis", false},
	{"TwoInstancesParallel", "two instances on one Redis, parallel requests (cached)", false},
	{"SignedInRequest/cluster-cached", "signed-in repeat visit, okredis on a Cluster (3 primaries + 3 replicas), cached", false},
	{"SignedInRequest/cluster-uncached", "same, every request asks the Cluster", false},
	{"TwoInstancesParallelCluster/cached", "two instances on the Cluster, parallel requests (cached)", false},
	{"SignOut/no-wait", "a session saved then ended, primary with a replica, no wait", false},
	{"SignOut/wait", "same, the end waits for the replica (WAIT)", false},
	{"SignOut/set", "for scale: a SET on one connection", false},
	{"SignOut/set-wait", "same, WAIT for the replica pipelined behind it", false},
}

var paymentRows = []row{
	{"PaymentCallback", "new payment: every check, Credit, record, XML answer", false},
	{"PaymentRepeat", "OK's retry of a credited payment: every check, answered true", false},
	{"PaymentSignFloor", "floor: OK's signature (MD5) of the same parameters", false},
}

// plainTable writes rows as measured, nothing subtracted, with the
// median of unit (headed unitHead) and, when extraHead is set, a column
// extra computes from a row's name and ns/op.
func plainTable(w io.Writer, res results, title string, rows []row, unit, unitHead, extraHead string, extra func(name string, ns float64) string) {
	head, rule, empty := "| benchmark | ns/op | ± | B/op | allocs/op | "+unitHead+" |", "|---|---:|---:|---:|---:|---:|", "| | | | |"
	if extraHead != "" {
		head, rule, empty = head+" "+extraHead+" |", rule+"---:|", empty+" |"
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, title)
	fmt.Fprintln(w)
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, rule)
	for _, r := range rows {
		ns, spread, ok := res.stat(r.name, "ns/op")
		if !ok {
			fmt.Fprintf(w, "| %s | missing %s\n", r.label, empty)
			continue
		}
		v := "–"
		if c, _, ok := res.stat(r.name, unit); ok {
			v = fmt.Sprint(c)
		}
		fmt.Fprintf(w, "| %s | %.0f | %.0f%% | %.0f | %.0f | %s |", r.label, ns, 100*spread, res.med(r.name, "B/op"), res.med(r.name, "allocs/op"), v)
		if extraHead != "" {
			fmt.Fprintf(w, " %s |", extra(r.name, ns))
		}
		fmt.Fprintln(w)
	}
}

// report writes the tables and goals and reports whether all goals are
// met.
func report(w io.Writer, res results, needThroughput bool) bool {
	fmt.Fprintln(w, "Per request, over a bare request: medians over runs of (row − bare) and of the ratios,")
	fmt.Fprintln(w, "each run's rows paired; ± is the largest distance from the median to a run")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| benchmark | ns/op | ± | B/op | allocs/op | cookie B | vs okauth signed in |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range perRequest {
		ns, spread, ok := res.stat(r.name, "ns/op")
		if !ok {
			fmt.Fprintf(w, "| %s | missing | | | | | |\n", r.label)
			continue
		}
		b, allocs := res.med(r.name, "B/op"), res.med(r.name, "allocs/op")
		if r.overBare {
			ns, spread = res.netStat(r.name, "ns/op")
			b, allocs = res.net(r.name, "B/op"), res.net(r.name, "allocs/op")
		}
		cookie := "–"
		if c, _, ok := res.stat(r.name, "cookie-B"); ok {
			cookie = fmt.Sprint(c)
		}
		ratio := "–"
		switch {
		case r.name == "Floor":
			ratio = fmt.Sprintf("okauth = %.2f× floor", res.ratio("OkauthAuthenticated", "Floor"))
		case r.overBare && !strings.HasPrefix(r.name, "Okauth"):
			ratio = fmt.Sprintf("okauth %.1f× faster", res.ratio(r.name, "OkauthAuthenticated"))
		}
		fmt.Fprintf(w, "| %s | %.0f | %.0f%% | %.0f | %.0f | %s | %s |\n", r.label, ns, 100*spread, b, allocs, cookie, ratio)
	}
	plainTable(w, res, "Root package (request reused: the middleware never changes it, so nothing to subtract)",
		rootRows, "okcalls/op", "calls to OK/op", "token endpoint calls/op", func(name string, _ float64) string {
			if c, _, ok := res.stat(name, "tokencalls/op"); ok {
				return fmt.Sprint(c)
			}
			return "–"
		})
	floor := res.med("PaymentSignFloor", "ns/op")
	plainTable(w, res, "Payment callbacks (okpay, in the bench module, default in-memory store)",
		paymentRows, "credits/op", "credits/op", "× floor", func(_ string, ns float64) string { return fmt.Sprintf("%.1f×", ns/floor) })
	cookie := res.med("SignedInRequest/cookie", "ns/op")
	plainTable(w, res, "Server-side sessions (okredis module, on a redis-server it starts; okauth's session cache on)",
		redisRows, "okcalls/op", "calls to OK/op", "× cookie", func(_ string, ns float64) string { return fmt.Sprintf("%.2f×", ns/cookie) })
	bare, bareSpread, haveBare := res.stat("ThroughputBare", "req/s")
	mw, mwSpread, haveMW := res.stat("ThroughputOkauth", "req/s")
	if haveBare && haveMW {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Throughput on loopback, 1,000 signed-in users (medians of the rounds)")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| server | requests/s | ± | server CPU ns/request |")
		fmt.Fprintln(w, "|---|---:|---:|---:|")
		fmt.Fprintf(w, "| without middleware | %.0f | %.0f%% | %.0f |\n", bare, 100*bareSpread, res.med("ThroughputBare", "server-cpu-ns/req"))
		fmt.Fprintf(w, "| with Middleware + UserFrom (default config) | %.0f | %.0f%% | %.0f |\n", mw, 100*mwSpread, res.med("ThroughputOkauth", "server-cpu-ns/req"))
		if nc, ncSpread, ok := res.stat("ThroughputOkauthNoCache", "req/s"); ok {
			fmt.Fprintf(w, "| same, session cache off (every request decrypts) | %.0f | %.0f%% | %.0f |\n", nc, 100*ncSpread, res.med("ThroughputOkauthNoCache", "server-cpu-ns/req"))
		}
		if tb, tbSpread, ok := res.stat("ThroughputTwoInstancesBare", "req/s"); ok {
			fmt.Fprintf(w, "| two servers without middleware, half the load each | %.0f | %.0f%% | %.0f |\n", tb, 100*tbSpread, res.med("ThroughputTwoInstancesBare", "server-cpu-ns/req"))
		}
		if tw, twSpread, ok := res.stat("ThroughputTwoInstancesRedis", "req/s"); ok {
			fmt.Fprintf(w, "| two instances, sessions in one Redis (okredis), half the load each | %.0f | %.0f%% | %.0f |\n", tw, 100*twSpread, res.med("ThroughputTwoInstancesRedis", "server-cpu-ns/req"))
		}
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Goals")
	allMet := true
	goal := func(met bool, format string, args ...any) {
		mark := "ok  "
		if !met {
			mark, allMet = "MISS", false
		}
		fmt.Fprintf(w, "  %s %s\n", mark, fmt.Sprintf(format, args...))
	}
	have := func(names ...string) bool {
		for _, n := range names {
			if _, _, ok := res.stat(n, "ns/op"); !ok {
				goal(false, "benchmark %s ran", n)
				return false
			}
		}
		return true
	}
	if have("Bare", "Floor", "OkauthAuthenticated", "OkauthAnonymous", "GorillaSessions", "Gothic", "SecurecookieJSON") {
		floor := res.ratio("OkauthAuthenticated", "Floor")
		goal(floor <= 2, "signed in ≤ 2× floor: %.2f× floor", floor)
		g := res.ratio("GorillaSessions", "OkauthAuthenticated")
		goal(g >= 7, "signed in ≥ 7× faster than gorilla/sessions: %.1f×", g)
		gt := res.ratio("Gothic", "OkauthAuthenticated")
		goal(gt >= 10, "signed in ≥ 10× faster than gothic: %.1f×", gt)
		allocs := res.net("OkauthAuthenticated", "allocs/op")
		goal(allocs <= 10, "signed in ≤ 10 allocs: %.0f", allocs)
		anon, anonAllocs := res.net("OkauthAnonymous", "ns/op"), res.net("OkauthAnonymous", "allocs/op")
		goal(anon <= 150, "no session cookie ≤ 150 ns over bare: %.0f ns", anon)
		goal(anonAllocs == 0 && res.net("OkauthAnonymous", "B/op") == 0, "no session cookie allocates nothing over bare: %.0f allocs", anonAllocs)
		cookie, _, ok := res.stat("OkauthAuthenticated", "cookie-B")
		goal(ok && cookie <= 1024, "typical user's Set-Cookie ≤ 1 KB: %.0f bytes", cookie)
	}
	if have("Callback") {
		calls, _, ok := res.stat("Callback", "okcalls/op")
		goal(ok && calls == 1, "callback makes exactly 1 call to OK: %v per sign-in", calls)
	}
	if have("Callback", "CallbackReplayFull") {
		r := res.runRatio("CallbackReplayFull", "Callback")
		goal(r <= 1.5, "callback with the replay memory full ≤ 1.5× empty: %.2f×", r)
	}
	for _, other := range []struct {
		name, base, what string
		limit            float64
	}{
		{"AuthenticatedBearer", "Authenticated", "a native app's bearer session ≤ 1.2× the first-party cookie's", 1.2},
		{"AuthenticatedAppLink", "Authenticated", "an App link session ≤ 1.2× the first-party cookie's", 1.2},
		{"AuthenticatedServer", "AuthenticatedCached", "a server-side session (memory) ≤ 2× the cookie's repeat visit", 2},
		{"SignedInRequest/redis-cached", "SignedInRequest/cookie", "a Redis session, cached, ≤ 2× the cookie's repeat visit", 2},
		{"SignedInRequest/cluster-cached", "SignedInRequest/redis-cached", "a Cluster session, cached, ≤ 1.2× one server's", 1.2},
		{"SignedInRequest/cluster-uncached", "SignedInRequest/redis-uncached", "a Cluster session, uncached, ≤ 1.5× one server's", 1.5},
	} {
		if have(other.base, other.name) {
			r := res.runRatio(other.name, other.base)
			goal(r <= other.limit, "%s: %.2f×", other.what, r)
		}
	}
	if have("SignOut/no-wait", "SignOut/wait", "SignOut/set", "SignOut/set-wait") {
		nw, w := res["SignOut/no-wait"]["ns/op"], res["SignOut/wait"]["ns/op"]
		set, setWait := res["SignOut/set"]["ns/op"], res["SignOut/set-wait"]["ns/op"]
		names := []string{"SignOut/no-wait", "SignOut/wait", "SignOut/set", "SignOut/set-wait"}
		extra, _ := res.perRun(func(i int) float64 { return w[i] - nw[i] }, names...)
		trip, _ := res.perRun(func(i int) float64 { return setWait[i] - set[i] }, names...)
		trips, _ := res.perRun(func(i int) float64 { return (w[i] - nw[i]) / (setWait[i] - set[i]) }, names...)
		goal(trips <= 2, "a sign-out waiting for a replica ≤ 2 replication round trips more than one that does not: +%.0f µs, %.1f round trips of %.0f µs",
			extra/1000, trips, trip/1000)
	}
	if have("CallbackCode") {
		calls, _, ok := res.stat("CallbackCode", "okcalls/op")
		tokens, _, tok := res.stat("CallbackCode", "tokencalls/op")
		goal(ok && tok && calls == 1 && tokens == 1,
			"code flow callback makes exactly 1 token endpoint and 1 API call: %v and %v per sign-in", tokens, calls)
	}
	if have("PaymentCallback", "PaymentRepeat", "PaymentSignFloor") {
		once, _, ok := res.stat("PaymentCallback", "credits/op")
		again, _, okAgain := res.stat("PaymentRepeat", "credits/op")
		goal(ok && once == 1 && okAgain && again == 0, "payment credited once, its retry never: %v and %v credits per callback", once, again)
		x := res.med("PaymentCallback", "ns/op") / res.med("PaymentSignFloor", "ns/op")
		goal(x <= 15, "payment callback ≤ 15× its signature's MD5: %.1f×", x)
	}
	switch {
	case haveBare && haveMW:
		goal(mw >= 0.9*bare, "throughput ≥ 0.9 of bare: %.3f", mw/bare)
		tw, _, ok := res.stat("ThroughputTwoInstancesRedis", "req/s")
		tb, _, okBare := res.stat("ThroughputTwoInstancesBare", "req/s")
		goal(ok && okBare && tw >= 0.8*tb, "two instances on Redis, throughput ≥ 0.8 of two bare servers under the same split load: %.3f", tw/tb)
	case needThroughput:
		goal(false, "throughput rows present")
	default:
		fmt.Fprintln(w, "  skip throughput (not measured)")
	}
	return allMet
}
