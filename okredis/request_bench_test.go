package okredis_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest"
)

// discard is a ResponseWriter that keeps nothing, so a benchmark measures
// the handler alone.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// signedInPage is a signed-in page load as okauth's own benchmarks have
// it: Middleware, then one UserFrom; a page without a user fails the
// benchmark.
func signedInPage(b *testing.B, auth *okauth.Auth) http.Handler {
	return auth.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := okauth.UserFrom(r.Context()); !ok || u.UID == "" {
			b.Fatal("not signed in")
		}
	}))
}

// benchAuth is an okauth instance with sessions in store (nil: the
// cookie), and a request of a user signed in on it.
func benchAuth(b *testing.B, fake *oktest.Server, store okauth.SessionStore) (*okauth.Auth, *http.Request) {
	keys, err := okauth.DeriveKeys("a benchmark secret of at least 32 bytes")
	if err != nil {
		b.Fatal(err)
	}
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, Endpoint: fake.Endpoint(),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys,
		SessionStore: store, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	cookies, err := fake.SignIn(auth, "/auth/ok/login", oktest.User{UID: "574385021466", Name: "Иван Петров",
		FirstName: "Иван", LastName: "Петров", Picture: "https://i.mycdn.me/i?r=AzEPZsRbOZEKgBhR0XGMT1RkAAAAAAAAAAAAAAAAAAAAAA"})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/account", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return auth, r
}

// BenchmarkSignedInRequest is a signed-in user's repeat visit (okauth's
// default session cache on) with the session in the cookie, in
// NewMemorySessions, and in Redis through okredis with and without its
// client-side cache, on one server and on a Cluster: the rows bench/run's
// goals compare (Redis, cached, at most 2× the cookie; a Cluster at most
// 1.2× one server cached, 1.5× uncached).
func BenchmarkSignedInRequest(b *testing.B) {
	srv := redistest.Start(b)
	cluster := redistest.StartCluster(b)
	fake := oktest.NewServer()
	defer fake.Close()
	openAt := func(url string, opts okredis.Options) okauth.SessionStore {
		rc, err := okredis.Open(url, opts)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(rc.Close)
		return rc.Sessions()
	}
	open := func(opts okredis.Options) okauth.SessionStore { return openAt(srv.URL(), opts) }
	for _, tc := range []struct {
		name  string
		store func() okauth.SessionStore
	}{
		{"cookie", func() okauth.SessionStore { return nil }},
		{"memory-sessions", func() okauth.SessionStore { return okauth.NewMemorySessions() }},
		{"redis-cached", func() okauth.SessionStore { return open(okredis.Options{}) }},
		{"redis-uncached", func() okauth.SessionStore { return open(okredis.Options{NoCache: true}) }},
		{"cluster-cached", func() okauth.SessionStore { return openAt(cluster.URL(), okredis.Options{}) }},
		{"cluster-uncached", func() okauth.SessionStore { return openAt(cluster.URL(), okredis.Options{NoCache: true}) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			auth, r := benchAuth(b, fake, tc.store())
			h, w := signedInPage(b, auth), &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}

// BenchmarkTwoInstancesParallel is the throughput of two okauth instances
// on one Redis (sessions cached): requests of one signed-in user spread
// over both, from parallel goroutines.
func BenchmarkTwoInstancesParallel(b *testing.B) {
	twoInstances(b, redistest.Start(b).URL())
}

// BenchmarkTwoInstancesParallelCluster is BenchmarkTwoInstancesParallel
// on a Cluster of 3 primaries with a replica each (started once, outside
// the timed sub-benchmark).
func BenchmarkTwoInstancesParallelCluster(b *testing.B) {
	url := redistest.StartCluster(b).URL()
	b.Run("cached", func(b *testing.B) { twoInstances(b, url) })
}

func twoInstances(b *testing.B, url string) {
	fake := oktest.NewServer()
	defer fake.Close()
	var hs [2]http.Handler
	var r *http.Request
	for i := range hs {
		rc, err := okredis.Open(url, okredis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(rc.Close)
		auth, req := benchAuth(b, fake, rc.Sessions())
		hs[i] = signedInPage(b, auth)
		if r == nil {
			r = req // signed in on the first; the second reads it from Redis
		}
	}
	var n atomic.Uint32
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discard{h: http.Header{}}
		for pb.Next() {
			hs[n.Add(1)%2].ServeHTTP(w, r)
		}
	})
}
