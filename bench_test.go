package okauth_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// The benchmarks here drive the handlers in-process. The nested module
// bench/ runs the authenticated and anonymous paths again beside
// gorilla/sessions, gothic and securecookie, and checks the goals.

// newBenchAuth returns an Auth wired to a fresh fake OK, logging nowhere,
// with Config.GorillaStore and Config.SessionCache as given.
func newBenchAuth(tb testing.TB, store sessions.Store, sessionCache int) (*okauth.Auth, *oktest.Server) {
	return newBenchAuthIn(tb, okauth.FlowToken, store, sessionCache)
}

// newBenchAuthIn is newBenchAuth signing in with flow, with edit applied
// to the Config.
func newBenchAuthIn(tb testing.TB, flow okauth.Flow, store sessions.Store, sessionCache int, edit ...func(*okauth.Config)) (*okauth.Auth, *oktest.Server) {
	tb.Helper()
	ok := oktest.NewServer()
	tb.Cleanup(ok.Close)
	var secret string
	if flow == okauth.FlowCode {
		secret = ok.AppSecret
	}
	cfg := okauth.Config{
		Flow: flow, AppSecret: secret,
		AppID: ok.AppID, AppKey: ok.AppKey,
		RedirectURL:  "https://app.example/auth/ok/callback",
		Scopes:       []string{okauth.ScopeGetEmail},
		SessionKeys:  testKeys,
		GorillaStore: store,
		SessionCache: sessionCache,
		Endpoint:     ok.Endpoint(),
		Logger:       slog.New(slog.DiscardHandler),
	}
	for _, f := range edit {
		f(&cfg)
	}
	auth, err := okauth.New(cfg)
	require.NoError(tb, err)
	return auth, ok
}

// pendingCallback starts a sign-in at the login route and returns the
// request that finishes it for the typical user: the relay page's POST
// with a token, or in the code flow OK's redirect with a code.
func pendingCallback(tb testing.TB, auth *okauth.Auth, ok *oktest.Server) *http.Request {
	tb.Helper()
	req, err := ok.CallbackRequest(auth, "/auth/ok/login?next=/home", oktest.DefaultUser, okauth.ScopeGetEmail)
	require.NoError(tb, err)
	return req
}

// signIn runs one sign-in of the typical user (oktest.DefaultUser: a
// Cyrillic name, a picture URL, an email, OK's long token) and returns the
// session cookie and the number of calls the callback made to OK.
func signIn(tb testing.TB, auth *okauth.Auth, ok *oktest.Server) (*http.Cookie, int) {
	tb.Helper()
	req := pendingCallback(tb, auth, ok)
	before := ok.APICalls()
	rec := httptest.NewRecorder()
	auth.ServeHTTP(rec, req)
	require.Equal(tb, http.StatusSeeOther, rec.Code, rec.Body.String())
	calls := ok.APICalls() - before
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionName && c.MaxAge > 0 {
			return c, calls
		}
	}
	tb.Fatal("the callback set no session cookie")
	return nil, 0
}

// withAppSecret sets the fake's AppSecret, as the token route needs.
func withAppSecret(c *okauth.Config) { c.AppSecret = fakeSecret }

// bearerSignIn signs in as a phone app does, through the token route with
// a token OK issued, and returns the bearer session value.
func bearerSignIn(tb testing.TB, auth *okauth.Auth, ok *oktest.Server) string {
	tb.Helper()
	tok := ok.IssueToken(oktest.DefaultUser, okauth.ScopeGetEmail)
	req := httptest.NewRequest(http.MethodPost, "/auth/ok/token",
		strings.NewReader(`{"access_token":"`+tok.AccessToken+`","session_secret_key":"`+tok.SessionSecret+`"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	auth.ServeHTTP(rec, req)
	require.Equal(tb, http.StatusOK, rec.Code, rec.Body.String())
	var ans struct{ Session string }
	require.NoError(tb, json.Unmarshal(rec.Body.Bytes(), &ans))
	return ans.Session
}

// bearerRequest is an app's API request carrying the bearer session.
func bearerRequest(value string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("Authorization", "Bearer "+value)
	return r
}

// otherCookies are what an anonymous visitor typically sends anyway.
const otherCookies = "_ga=GA1.1.1234567890.1700000000; lang=ru; theme=dark"

// sessionRequest is a page load carrying the session cookie c among others.
func sessionRequest(c *http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/home", nil)
	r.Header.Set("Accept", "text/html")
	r.Header.Set("Sec-Fetch-Site", "same-origin") // the site's own page, as the App link's session needs
	r.Header.Set("Cookie", otherCookies)
	if c != nil {
		r.Header.Set("Cookie", otherCookies+"; "+c.Name+"="+c.Value)
	}
	return r
}

// nopWriter is a ResponseWriter that keeps only the status, so that
// benchmarks measure the handler and not a recorder.
type nopWriter struct {
	h      http.Header
	status int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(status int)      { w.status = status }

func (w *nopWriter) reset() {
	clear(w.h)
	w.status = http.StatusOK
}

// pageHandler is a page that greets the signed-in user, or not.
func pageHandler(tb testing.TB, wantUser bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := okauth.UserFrom(r.Context())
		if ok != wantUser || (ok && u.UID != oktest.DefaultUser.UID) {
			tb.Fatalf("UserFrom = %q, %v; want signed in: %v", u.UID, ok, wantUser)
		}
	})
}

// TestTypicalSession checks the size and cost goals that are not timing,
// in each flow: the typical user's session cookie is at most 1 KB as a
// whole Set-Cookie line, and the callback makes the calls to OK it must
// and no more: one to the API (users.getCurrentUser), and in the code
// flow one to the token endpoint before it.
func TestTypicalSession(t *testing.T) {
	for _, tc := range []struct {
		flow       okauth.Flow
		tokenCalls int
	}{{okauth.FlowToken, 0}, {okauth.FlowCode, 1}} {
		t.Run(string(tc.flow), func(t *testing.T) {
			auth, ok := newBenchAuthIn(t, tc.flow, nil, 0)
			tokenCalls := ok.TokenCalls()
			c, calls := signIn(t, auth, ok)
			require.Equal(t, 1, calls, "the callback makes exactly one call to OK's API")
			require.Equal(t, tc.tokenCalls, ok.TokenCalls()-tokenCalls, "calls to OK's token endpoint")
			require.LessOrEqual(t, len(c.String()), 1024, "Set-Cookie: %s", c.String())
			t.Logf("session cookie value %d bytes, Set-Cookie line %d bytes", len(c.Value), len(c.String()))

			// The cookie is what the benchmarks read.
			rec := httptest.NewRecorder()
			auth.Middleware(pageHandler(t, true)).ServeHTTP(rec, sessionRequest(c))
			auth.Middleware(pageHandler(t, false)).ServeHTTP(rec, sessionRequest(nil))
		})
	}
}

// TestHotPathAllocations pins the allocation goals of the hot path, which
// unlike speed do not depend on the machine: a signed-in request at most
// 10 allocations (4 today), a repeat visit 2, and a request without a
// session cookie none at all.
func TestHotPathAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts; run without -race")
	}
	for _, tc := range []struct {
		name     string
		cache    int
		signedIn bool
		bearer   bool
		max      float64
	}{
		{"signed in, session cache off", -1, true, false, 10},
		{"signed in, repeat visit", 0, true, false, 2},
		{"bearer, session cache off", -1, true, true, 10},
		{"bearer, repeat visit", 0, true, true, 2},
		{"no session cookie", 0, false, false, 0},
		{"App link session, session cache off", -1, true, false, 10},
		{"no session cookie, App link on", 0, false, false, 0},
		{"server session, repeat visit", 0, true, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			appLink := strings.Contains(tc.name, "App link")
			auth, ok := newBenchAuthIn(t, okauth.FlowToken, nil, tc.cache, withAppSecret)
			if appLink {
				auth, ok = newAppLinkAuth(t, tc.cache)
			}
			if strings.HasPrefix(tc.name, "server session") {
				auth, ok = newServerSessionAuth(t)
			}
			var c *http.Cookie
			switch {
			case tc.signedIn && appLink:
				c = launchIn(t, auth, ok)
			case tc.signedIn:
				c, _ = signIn(t, auth, ok)
			}
			r := sessionRequest(c)
			if tc.bearer {
				r = bearerRequest(bearerSignIn(t, auth, ok))
			}
			h, w := auth.Middleware(pageHandler(t, tc.signedIn)), &nopWriter{h: http.Header{}}
			allocs := testing.AllocsPerRun(200, func() { h.ServeHTTP(w, r) })
			require.LessOrEqual(t, allocs, tc.max)
		})
	}
}

// TestTypicalSessionStore checks that the fast path did not drop
// Config.GorillaStore: with a gorilla CookieStore the same sign-in and page load
// work.
func TestTypicalSessionStore(t *testing.T) {
	auth, ok := newBenchAuth(t, sessions.NewCookieStore(testKeys...), 0)
	c, calls := signIn(t, auth, ok)
	require.Equal(t, 1, calls)
	auth.Middleware(pageHandler(t, true)).ServeHTTP(httptest.NewRecorder(), sessionRequest(c))
	auth.RequireLogin(pageHandler(t, true)).ServeHTTP(httptest.NewRecorder(), sessionRequest(c))
}

// benchPage runs h on r b.N times; h must not change r, which the
// middleware never does, so the loop measures h alone.
func benchPage(b *testing.B, h http.Handler, r *http.Request) {
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, r)
	}
}

// BenchmarkAuthenticated is a signed-in page load: Middleware, then one
// UserFrom in the handler, with the built-in cookie sessions and the
// session cache off, so every request verifies and decrypts the cookie.
func BenchmarkAuthenticated(b *testing.B) {
	auth, ok := newBenchAuth(b, nil, -1)
	c, _ := signIn(b, auth, ok)
	benchPage(b, auth.Middleware(pageHandler(b, true)), sessionRequest(c))
}

// BenchmarkAuthenticatedCached is BenchmarkAuthenticated with the default
// session cache: a repeat visit, whose cookie verified before.
func BenchmarkAuthenticatedCached(b *testing.B) {
	auth, ok := newBenchAuth(b, nil, 0)
	c, _ := signIn(b, auth, ok)
	benchPage(b, auth.Middleware(pageHandler(b, true)), sessionRequest(c))
}

// BenchmarkAuthenticatedStore is BenchmarkAuthenticated with sessions in
// a gorilla CookieStore (Config.GorillaStore), the path any sessions.Store takes.
func BenchmarkAuthenticatedStore(b *testing.B) {
	auth, ok := newBenchAuth(b, sessions.NewCookieStore(testKeys...), 0)
	c, _ := signIn(b, auth, ok)
	h := auth.Middleware(pageHandler(b, true))
	r := sessionRequest(c)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		// gorilla caches sessions on the request, so each load needs its own.
		rc := *r
		w.reset()
		h.ServeHTTP(w, &rc)
	}
}

// BenchmarkAuthenticatedBearer is BenchmarkAuthenticated for a native
// app's request: the session in "Authorization: Bearer", not a cookie.
func BenchmarkAuthenticatedBearer(b *testing.B) {
	auth, ok := newBenchAuthIn(b, okauth.FlowToken, nil, -1, withAppSecret)
	benchPage(b, auth.Middleware(pageHandler(b, true)), bearerRequest(bearerSignIn(b, auth, ok)))
}

// BenchmarkAuthenticatedBearerCached is BenchmarkAuthenticatedBearer with
// the default session cache: the app's next request.
func BenchmarkAuthenticatedBearerCached(b *testing.B) {
	auth, ok := newBenchAuthIn(b, okauth.FlowToken, nil, 0, withAppSecret)
	benchPage(b, auth.Middleware(pageHandler(b, true)), bearerRequest(bearerSignIn(b, auth, ok)))
}

// BenchmarkAuthenticatedServer is BenchmarkAuthenticatedCached with
// server-side sessions in this process's memory (NewMemorySessions): the
// store is asked on every request, the cryptography is cached.
func BenchmarkAuthenticatedServer(b *testing.B) {
	auth, ok := newServerSessionAuth(b)
	c, _ := signIn(b, auth, ok)
	benchPage(b, auth.Middleware(pageHandler(b, true)), sessionRequest(c))
}

// newServerSessionAuth is newBenchAuth with Config.SessionStore.
func newServerSessionAuth(tb testing.TB) (*okauth.Auth, *oktest.Server) {
	return newBenchAuthIn(tb, okauth.FlowToken, nil, 0, func(c *okauth.Config) { c.SessionStore = okauth.NewMemorySessions() })
}

// BenchmarkAuthenticatedAppLink is BenchmarkAuthenticated for a user the
// App link signed in: the session in the partitioned cookie, looked for
// after the first-party one (session cache off).
func BenchmarkAuthenticatedAppLink(b *testing.B) {
	auth, ok := newAppLinkAuth(b, -1)
	benchPage(b, auth.Middleware(pageHandler(b, true)), sessionRequest(launchIn(b, auth, ok)))
}

// newAppLinkAuth is newBenchAuth with the App link on.
func newAppLinkAuth(tb testing.TB, sessionCache int) (*okauth.Auth, *oktest.Server) {
	return newBenchAuthIn(tb, okauth.FlowToken, nil, sessionCache, func(c *okauth.Config) {
		c.AppLink, c.AppSecret = &okauth.AppLink{}, fakeSecret
	})
}

// launchIn runs OK's launch of the typical user through the App link and
// returns the session cookie it set.
func launchIn(tb testing.TB, auth *okauth.Auth, ok *oktest.Server) *http.Cookie {
	tb.Helper()
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, ok.LaunchURL("/auth/ok/app", oktest.DefaultUser), nil)
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.Header.Set("Sec-Fetch-Mode", "navigate")
	r.Header.Set("Sec-Fetch-Dest", "iframe")
	r.Header.Set("Referer", "https://ok.ru/")
	auth.ServeHTTP(rec, r)
	require.Equal(tb, http.StatusOK, rec.Code, rec.Body.String())
	for _, c := range rec.Result().Cookies() {
		if c.Name == appSessionName && c.MaxAge > 0 {
			return c
		}
	}
	tb.Fatal("the launch set no App link session cookie")
	return nil
}

// BenchmarkAnonymous is a page load without a session cookie.
func BenchmarkAnonymous(b *testing.B) {
	auth, _ := newBenchAuth(b, nil, 0)
	benchPage(b, auth.Middleware(pageHandler(b, false)), sessionRequest(nil))
}

// BenchmarkAnonymousAppSecret is BenchmarkAnonymous with Config.AppSecret
// set, so that the middleware also looks for a native app's bearer header.
func BenchmarkAnonymousAppSecret(b *testing.B) {
	auth, _ := newBenchAuthIn(b, okauth.FlowToken, nil, 0, withAppSecret)
	benchPage(b, auth.Middleware(pageHandler(b, false)), sessionRequest(nil))
}

// BenchmarkRequireLoginRedirect is an anonymous page load of a protected
// page: RequireLogin answers 303 to the login route.
func BenchmarkRequireLoginRedirect(b *testing.B) {
	benchRefusal(b, sessionRequest(nil), http.StatusSeeOther)
}

// BenchmarkRequireLogin401 is an anonymous API call of a protected page:
// RequireLogin answers 401 with the JSON error, in the request's language.
func BenchmarkRequireLogin401(b *testing.B) {
	r := sessionRequest(nil)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("Accept-Language", "ru-RU,ru;q=0.9,en;q=0.8")
	benchRefusal(b, r, http.StatusUnauthorized)
}

// benchRefusal runs RequireLogin on r, which it must refuse with status.
func benchRefusal(b *testing.B, r *http.Request, status int) {
	auth, _ := newBenchAuth(b, nil, 0)
	h := auth.RequireLogin(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		b.Fatal("the protected page ran for an anonymous request")
	}))
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, r)
		if w.status != status {
			b.Fatalf("status %d; want %d", w.status, status)
		}
	}
}

// BenchmarkCallback is the relay page's POST: check the state cookie,
// call users.getCurrentUser on the fake OK over loopback, set the session.
// It reports okcalls/op, the calls to OK per sign-in.
func BenchmarkCallback(b *testing.B) {
	benchCallback(b, okauth.FlowToken, nil)
}

// BenchmarkCallbackReplayFull is BenchmarkCallback with the replay memory
// holding 200,000 states of an attacker's (the memory keeps only finished
// sign-ins, so an attacker fills it only by signing in). bench/run checks
// that it costs at most 1.5× BenchmarkCallback.
func BenchmarkCallbackReplayFull(b *testing.B) {
	replay := okauth.NewMemoryReplay(0)
	for i := range 200_000 {
		if err := replay.Reserve(context.Background(), "attacker-"+strconv.Itoa(i), 10*time.Minute); err != nil {
			b.Fatal(err)
		}
	}
	benchCallback(b, okauth.FlowToken, replay)
}

// BenchmarkCallbackCode is the code flow's callback GET: check the state
// cookie, exchange the code at the fake's token endpoint, call
// users.getCurrentUser, set the session. It reports okcalls/op (API) and
// tokencalls/op (token endpoint) per sign-in.
func BenchmarkCallbackCode(b *testing.B) {
	benchCallback(b, okauth.FlowCode, nil)
}

// BenchmarkCallbackWriteSession is BenchmarkCallback for a site with its
// own sessions: Config.WriteSession sets the site's cookie through the
// held response, and okauth seals no session.
func BenchmarkCallbackWriteSession(b *testing.B) {
	benchCallback(b, okauth.FlowToken, nil, func(c *okauth.Config) {
		c.WriteSession = func(w http.ResponseWriter, _ *http.Request, u *okauth.User) error {
			http.SetCookie(w, &http.Cookie{Name: "site", Value: u.UID, Path: "/", Secure: true, HttpOnly: true})
			return nil
		}
	})
}

func benchCallback(b *testing.B, flow okauth.Flow, replay okauth.ReplayStore, edit ...func(*okauth.Config)) {
	auth, ok := newBenchAuthIn(b, flow, nil, 0, append(edit, func(c *okauth.Config) { c.ReplayStore = replay })...)
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		reqs[i] = pendingCallback(b, auth, ok)
	}
	w := &nopWriter{h: http.Header{}}
	before, tokensBefore := ok.APICalls(), ok.TokenCalls()
	b.ReportAllocs()
	b.ResetTimer()
	for _, r := range reqs {
		w.reset()
		auth.ServeHTTP(w, r)
		if w.status != http.StatusSeeOther {
			b.Fatalf("status %d; want 303", w.status)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(ok.APICalls()-before)/float64(b.N), "okcalls/op")
	if flow == okauth.FlowCode {
		b.ReportMetric(float64(ok.TokenCalls()-tokensBefore)/float64(b.N), "tokencalls/op")
	}
}
