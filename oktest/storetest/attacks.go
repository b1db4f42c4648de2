package storetest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// otherSecret is the session secret of another app on the same stores.
const otherSecret = "another app's session secret, sharing the store"

// attack is what a row gets: instances A and B of the app, and a browser
// signed in as uid on A with the cookies session.
type attack struct {
	w       *world
	a, b    *instance
	uid     string
	session []*http.Cookie
}

// attackRow is one attack on sessions or replay. Unless it ends the
// session itself, the browser's session must still sign uid in on both
// instances afterwards.
type attackRow struct {
	name string
	run  func(t *testing.T, x *attack)
	ends bool
}

// testAttacks plays every row against two fresh instances and checks
// that the session the browser had is untouched; the world checks that
// no token, secret or session cookie reached either instance's log.
func testAttacks(t *testing.T, open func(t *testing.T) Stores) {
	fake := oktest.NewServer()
	t.Cleanup(fake.Close)
	for _, row := range attackRows() {
		t.Run(row.name, func(t *testing.T) {
			w := newWorld(t, fake, open)
			x := &attack{w: w, a: w.instance(t, appSecret), b: w.instance(t, appSecret), uid: randomUID()}
			x.session = x.a.signIn(t, x.uid)
			require.True(t, x.b.signedInAs(x.session, x.uid), "the session works on B before the attack")

			row.run(t, x)

			if !row.ends {
				assert.True(t, x.a.signedInAs(x.session, x.uid), "the session the browser had still works on A")
				assert.True(t, x.b.signedInAs(x.session, x.uid), "and on B")
			}
		})
	}
}

// refused asserts that resp, from in, is a failed sign-in telling the
// user about want, setting no session.
func refused(t *testing.T, in *instance, resp *http.Response, page string, status int, want error) {
	t.Helper()
	assert.Equal(t, status, resp.StatusCode, page)
	assert.Contains(t, page, in.words(want, okauth.LangEnglish).Title)
	assert.Empty(t, sessionCookies(resp), "no session cookie")
}

// refusedByOK starts a sign-in of another user on in and finishes it, in
// the browser that has the session, while OK says its token is dead; it
// asserts the refusal and returns the callback.
func (x *attack) refusedByOK(t *testing.T, in *instance) callback {
	t.Helper()
	c := in.startSignIn(t, randomUID())
	x.w.fake.SetAPIError(102)
	resp, page, err := in.try(c, x.session...)
	x.w.fake.SetAPIError(0) // before anything can fail: the other rows share the fake
	require.NoError(t, err)
	refused(t, in, resp, page, http.StatusUnauthorized, okauth.ErrAPI)
	return c
}

// forged is a row that shows both instances a session cookie the app
// never issued for this browser. okauth refuses most of these before it
// asks the store; the rows show that a store changes nothing there.
func forged(name string, cookie func(t *testing.T, x *attack) []*http.Cookie) attackRow {
	return attackRow{name: "session/" + name, run: func(t *testing.T, x *attack) {
		c := cookie(t, x)
		for _, in := range []*instance{x.b, x.a} {
			status, page := in.account(c)
			assert.Equal(t, http.StatusUnauthorized, status, "signs nobody in: %s", page)
		}
	}}
}

// edited is the browser's session cookie with its value changed by f.
func edited(f func(v string) string) func(t *testing.T, x *attack) []*http.Cookie {
	return func(t *testing.T, x *attack) []*http.Cookie {
		c := *x.session[0]
		c.Value = f(c.Value)
		return []*http.Cookie{&c}
	}
}

func attackRows() []attackRow {
	replayed := func(name string, on func(x *attack) *instance) attackRow {
		return attackRow{name: "state/replayed " + name, run: func(t *testing.T, x *attack) {
			c := x.a.startSignIn(t, randomUID())
			resp, _ := x.a.finish(t, c)
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			resp, page := on(x).finish(t, c, x.session...)
			refused(t, on(x), resp, page, http.StatusBadRequest, okauth.ErrStateReused)
		}}
	}
	return []attackRow{
		replayed("after success, on the same instance", func(x *attack) *instance { return x.a }),
		replayed("after success, on another instance", func(x *attack) *instance { return x.b }),
		{name: "state/replayed 20 times at once over both instances", run: func(t *testing.T, x *attack) {
			c := x.a.startSignIn(t, randomUID())
			var mu sync.Mutex
			statuses := map[int]int{}
			var wg sync.WaitGroup
			for i := range 20 {
				wg.Go(func() {
					status := 0 // the request failed
					if resp, _, err := [2]*instance{x.a, x.b}[i%2].try(c); err == nil {
						status = resp.StatusCode
					}
					mu.Lock()
					statuses[status]++
					mu.Unlock()
				})
			}
			wg.Wait()
			assert.Equal(t, map[int]int{http.StatusSeeOther: 1, http.StatusBadRequest: 19}, statuses,
				"one sign-in, 19 refused as replays")
		}},
		{name: "state/freed when OK refused its sign-in", run: func(t *testing.T, x *attack) {
			c := x.refusedByOK(t, x.a)
			resp, _ := x.b.finish(t, c)
			assert.Equal(t, http.StatusSeeOther, resp.StatusCode,
				"a failed sign-in leaves nothing behind: its state finishes on B once OK answers")
		}},
		{name: "session/a failed sign-in leaves it alone", run: func(t *testing.T, x *attack) { x.refusedByOK(t, x.b) }},
		forged("tampered", edited(func(v string) string {
			b := []byte(v)
			b[len(b)/2] ^= 1
			return string(b)
		})),
		forged("truncated", edited(func(v string) string { return v[:len(v)/2] })),
		forged("random", edited(func(v string) string { return strings.Repeat("A", len(v)) })),
		forged("empty", edited(func(string) string { return "" })),
		forged("3 KB", edited(func(string) string { return strings.Repeat("x", 3000) })),
		forged("another app's keys, same store", func(t *testing.T, x *attack) []*http.Cookie {
			return x.w.instance(t, otherSecret).signIn(t, x.uid)
		}),
		forged("a state cookie's value", func(t *testing.T, x *attack) []*http.Cookie {
			state := x.b.startSignIn(t, x.uid).req.Cookies()
			require.NotEmpty(t, state)
			return []*http.Cookie{{Name: x.session[0].Name, Value: state[0].Value}}
		}),
		{name: "session/a copy after sign-out", ends: true, run: func(t *testing.T, x *attack) {
			x.a.logout(t, x.session)
			assert.True(t, x.b.signedOutWithin(t, x.session, Revocation), "the copy dies on B within %v", Revocation)
			assert.True(t, x.a.signedOutWithin(t, x.session, 0), "and on A at once")
		}},
		{name: "session/signed out everywhere, from another instance", ends: true, run: func(t *testing.T, x *attack) {
			other := randomUID()
			theirs := x.b.signIn(t, other)
			// The session began on A; B ends it, so B must find it in
			// the shared store, not in anything of its own.
			require.NoError(t, x.b.auth.SignOutEverywhere(context.Background(), x.uid))
			assert.True(t, x.a.signedOutWithin(t, x.session, Revocation), "signed out on A within %v", Revocation)
			assert.True(t, x.b.signedOutWithin(t, x.session, 0), "and on B at once")
			assert.True(t, x.a.signedInAs(theirs, other), "another user stays signed in")
		}},
		{name: "session/another app on the same store signs the user out everywhere", run: func(t *testing.T, x *attack) {
			// Another app (its own AppID and keys) on the same stores
			// ends every session of the same OK user: its own, never
			// this app's.
			other := x.w.fake.AppID + "0"
			keys, err := okauth.DeriveKeys(otherSecret)
			require.NoError(t, err)
			stores := x.w.open(t)
			theirs, err := okauth.New(okauth.Config{
				AppID: other, AppKey: x.w.fake.AppKey, Endpoint: x.w.fake.Endpoint(),
				RedirectURL: "https://other.example/auth/ok/callback", SessionKeys: keys,
				SessionStore: stores.Sessions, ReplayStore: stores.Replay,
			})
			require.NoError(t, err)
			require.NoError(t, theirs.SignOutEverywhere(context.Background(), x.uid))
		}},
		{name: "session/a new sign-in ends the one it came with", ends: true, run: func(t *testing.T, x *attack) {
			resp, _ := x.b.finish(t, x.b.startSignIn(t, x.uid), x.session...)
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			fresh := sessionCookies(resp)
			assert.True(t, x.a.signedOutWithin(t, x.session, Revocation), "an ID planted or copied before never outlives the sign-in")
			assert.True(t, x.a.signedInAs(fresh, x.uid))
		}},
	}
}
