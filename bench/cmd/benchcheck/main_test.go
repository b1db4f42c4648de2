package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sample is benchmark output in which every goal is met.
const sample = `goos: linux
pkg: github.com/okauth/okauth/bench
BenchmarkBare-2                  	 9670005	       100 ns/op	     320 B/op	       1 allocs/op
BenchmarkBare-2                  	 9670005	       140 ns/op	     320 B/op	       1 allocs/op
BenchmarkFloor-2                 	 1000000	      1000 ns/op	     513 B/op	       2 allocs/op
BenchmarkOkauthAuthenticated-2   	  596923	      1700 ns/op	       688.0 cookie-B	    1770 B/op	       8 allocs/op
BenchmarkOkauthAnonymous-2       	 7762120	       160 ns/op	     320 B/op	       1 allocs/op
BenchmarkGorillaSessions-2       	   53754	     22000 ns/op	      1215 cookie-B	   16016 B/op	     276 allocs/op
BenchmarkGothic-2                	   23767	     32000 ns/op	       983.0 cookie-B	   55080 B/op	     202 allocs/op
BenchmarkSecurecookieJSON-2      	  131821	      6500 ns/op	       923.0 cookie-B	    4944 B/op	      35 allocs/op
--- some other line
BenchmarkAuthenticated-2          	  400000	      3269 ns/op	    1800 B/op	       7 allocs/op
BenchmarkAuthenticatedAppLink-2   	  400000	      3400 ns/op	    1800 B/op	       7 allocs/op
BenchmarkAuthenticatedBearer-2    	  450000	      2476 ns/op	    1700 B/op	       6 allocs/op
BenchmarkAuthenticatedCached-2    	 2000000	       590 ns/op	     432 B/op	       2 allocs/op
BenchmarkAuthenticatedServer-2    	 1500000	       800 ns/op	     432 B/op	       2 allocs/op
BenchmarkCallback-2               	   14442	     78964 ns/op	         1.000 okcalls/op	   25544 B/op	     252 allocs/op
BenchmarkCallbackReplayFull-2     	   14001	     80112 ns/op	         1.000 okcalls/op	   25544 B/op	     252 allocs/op
BenchmarkCallbackCode-2           	    5000	    373288 ns/op	         1.000 okcalls/op	         1.000 tokencalls/op	   39693 B/op	     412 allocs/op
BenchmarkSignedInRequest/cookie-2         	 2000000	       500 ns/op	     432 B/op	       2 allocs/op
BenchmarkSignedInRequest/memory-sessions-2 	 1500000	       820 ns/op	     432 B/op	       2 allocs/op
BenchmarkSignedInRequest/redis-cached-2    	 1500000	       745 ns/op	     432 B/op	       2 allocs/op
BenchmarkSignedInRequest/redis-uncached-2  	   10000	    150000 ns/op	    1200 B/op	      20 allocs/op
BenchmarkTwoInstancesParallel-2            	 2000000	       600 ns/op	     432 B/op	       2 allocs/op
BenchmarkSignedInRequest/cluster-cached-2    	 1500000	       800 ns/op	     432 B/op	       2 allocs/op
BenchmarkSignedInRequest/cluster-uncached-2  	   10000	    180000 ns/op	    1200 B/op	      20 allocs/op
BenchmarkTwoInstancesParallelCluster/cached-2	 2000000	       650 ns/op	     432 B/op	       2 allocs/op
BenchmarkSignOut/no-wait-2                	    5000	    200000 ns/op
BenchmarkSignOut/wait-2                   	    4000	    260000 ns/op
BenchmarkSignOut/set-2                    	   30000	     40000 ns/op
BenchmarkSignOut/set-wait-2               	   20000	     80000 ns/op
BenchmarkPaymentCallback-2    	   16990	     17083 ns/op	         1.000 credits/op	    3257 B/op	      39 allocs/op
BenchmarkPaymentRepeat-2      	   30778	      9974 ns/op	         0 credits/op	    2680 B/op	      34 allocs/op
BenchmarkPaymentSignFloor-2   	  117405	      1812 ns/op	     920 B/op	       9 allocs/op
BenchmarkThroughputBare 1 70000 req/s 11000 server-cpu-ns/req
BenchmarkThroughputOkauth 1 65000 req/s 12000 server-cpu-ns/req
BenchmarkThroughputTwoInstancesBare 1 68000 req/s 11500 server-cpu-ns/req
BenchmarkThroughputTwoInstancesRedis 1 60000 req/s 13000 server-cpu-ns/req
`

func check(t *testing.T, input string, needThroughput bool) (string, bool) {
	t.Helper()
	res := results{}
	require.NoError(t, res.parse(strings.NewReader(input)))
	var out strings.Builder
	ok := report(&out, res, needThroughput)
	return out.String(), ok
}

func TestParse(t *testing.T) {
	res := results{}
	require.NoError(t, res.parse(strings.NewReader(sample)))
	assert.Equal(t, []float64{100, 140}, res["Bare"]["ns/op"], "the -2 suffix is dropped and runs add up")
	assert.Equal(t, 120.0, res.med("Bare", "ns/op"), "median of an even count")
	assert.Equal(t, 1600.0, res.net("OkauthAuthenticated", "ns/op"), "paired with the first bare run")
	assert.Equal(t, 7.0, res.net("OkauthAuthenticated", "allocs/op"))
	assert.Equal(t, []float64{688}, res["OkauthAuthenticated"]["cookie-B"])
	assert.Equal(t, []float64{1}, res["Callback"]["okcalls/op"])
	assert.Equal(t, []float64{65000}, res["ThroughputOkauth"]["req/s"])
}

func TestGoalsMet(t *testing.T) {
	out, ok := check(t, sample, true)
	assert.True(t, ok, out)
	assert.NotContains(t, out, "MISS")
	assert.Contains(t, out, "| gorilla/sessions CookieStore.Get, gob | 21900 |")
	assert.Contains(t, out, "okauth 13.7× faster")
	assert.Contains(t, out, "okauth = 1.60× floor")
	assert.Contains(t, out, "replay memory full ≤ 1.5× empty: 1.01×")
	assert.Contains(t, out, "a native app's bearer session ≤ 1.2× the first-party cookie's: 0.76×")
	assert.Contains(t, out, "an App link session ≤ 1.2× the first-party cookie's: 1.04×")
	assert.Contains(t, out, "a server-side session (memory) ≤ 2× the cookie's repeat visit: 1.36×")
	assert.Contains(t, out, "a Redis session, cached, ≤ 2× the cookie's repeat visit: 1.49×")
	assert.Contains(t, out, "a Cluster session, cached, ≤ 1.2× one server's: 1.07×")
	assert.Contains(t, out, "a Cluster session, uncached, ≤ 1.5× one server's: 1.20×")
	assert.Contains(t, out, "≤ 2 replication round trips more than one that does not: +60 µs, 1.5 round trips of 40 µs")
	assert.Contains(t, out, "two instances on Redis, throughput ≥ 0.8 of two bare servers under the same split load: 0.882")
	assert.Contains(t, out, "| same, okredis sessions, client-side cache | 745 | 0% | 432 | 2 | – | 1.49× |")
	assert.Contains(t, out, "| new payment: every check, Credit, record, XML answer | 17083 | 0% | 3257 | 39 | 1 | 9.4× |")
}

func TestGoalsMissed(t *testing.T) {
	for name, edit := range map[string][2]string{
		"payment credited twice": {"1.000 credits/op", "2.000 credits/op"},
		"two calls to OK":        {"1.000 okcalls/op", "2.000 okcalls/op"},
		"payment slow":           {"17083 ns/op", "30000 ns/op"},
		"gothic too close":       {"32000 ns/op", "15000 ns/op"},
		"cookie over 1 KB":       {"688.0 cookie-B", "1100 cookie-B"},
		"anonymous allocs":       {"7762120	       160 ns/op	     320 B/op	       1 allocs/op", "7762120	       160 ns/op	     352 B/op	       2 allocs/op"},
		"two token calls":        {"1.000 tokencalls/op", "2.000 tokencalls/op"},
		"throughput":             {"65000 req/s", "60000 req/s"},
		"two instances slow":     {"60000 req/s 13000", "50000 req/s 13000"},
		"too many allocs":        {"1770 B/op	       8 allocs/op", "1770 B/op	       12 allocs/op"},
		"gorilla too close":      {"22000 ns/op", "9000 ns/op"},
		"retry credited":         {"0 credits/op", "1 credits/op"},
		"over 2× floor":          {"1700 ns/op", "2300 ns/op"},
		"full replay slow":       {"80112 ns/op", "120000 ns/op"},
		"code flow missing":      {"BenchmarkCallbackCode-2", "BenchmarkCallbackCodeX-2"},
		"payment row missing":    {"BenchmarkPaymentRepeat-2", "BenchmarkPaymentX-2"},
		"anonymous slow":         {"160 ns/op", "300 ns/op"},
		"bearer slow":            {"2476 ns/op", "4000 ns/op"},
		"server session slow":    {"800 ns/op", "1300 ns/op"},
		"redis session slow":     {"745 ns/op", "1100 ns/op"},
		"redis rows missing":     {"BenchmarkSignedInRequest/redis-cached-2", "BenchmarkSignedInRequest/x-2"},
		"App link slow":          {"3400 ns/op", "4000 ns/op"},
		"bearer row missing":     {"BenchmarkAuthenticatedBearer-2", "BenchmarkAuthenticatedX-2"},
		"a row missing":          {"BenchmarkGothic-2", "BenchmarkGothicX-2"},
	} {
		t.Run(name, func(t *testing.T) {
			require.Contains(t, sample, edit[0])
			out, ok := check(t, strings.Replace(sample, edit[0], edit[1], 1), true)
			assert.False(t, ok, out)
			assert.Contains(t, out, "MISS")
		})
	}
	_, ok := check(t, strings.ReplaceAll(sample, "Throughput", "Other"), true)
	assert.False(t, ok, "-throughput requires the throughput rows")
	_, ok = check(t, strings.ReplaceAll(sample, "Throughput", "Other"), false)
	assert.True(t, ok, "without -throughput they may be absent")
}
