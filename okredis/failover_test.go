package okredis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest"
	"github.com/okauth/okauth/oktest/storetest"
)

// deployment is a Redis deployment with replicas whose primaries a test
// kills.
type deployment struct {
	url     string
	primary func(t *testing.T, slot int) *redistest.Server // serving slot now
	replica func(t *testing.T, p *redistest.Server) *redistest.Server
}

func sentinelDeployment(t *testing.T) deployment {
	x := redistest.StartSentinel(t)
	return deployment{url: x.URL(),
		primary: func(*testing.T, int) *redistest.Server { return x.Primary() },
		replica: func(*testing.T, *redistest.Server) *redistest.Server { return x.Replica() }}
}

func clusterDeployment(t *testing.T) deployment {
	c := redistest.StartCluster(t)
	return deployment{url: c.URL(), primary: func(_ *testing.T, slot int) *redistest.Server { return c.Primary(slot) },
		replica: func(_ *testing.T, p *redistest.Server) *redistest.Server { return c.Replica(p) }}
}

var deployments = []struct {
	name  string
	start func(t *testing.T) deployment
}{{"sentinel", sentinelDeployment}, {"cluster", clusterDeployment}}

// haInstance is one instance of an app on a deployment: okauth with its
// sessions and replay in Redis, and an okpay handler.
type haInstance struct {
	c    *Client
	auth *okauth.Auth
	mux  *http.ServeMux
	shop *httptest.Server
}

func newHAInstance(t *testing.T, fake *oktest.Server, url string, credits *atomic.Int32) *haInstance {
	t.Helper()
	// ReplicaWait: a loaded CI machine's replicas may take longer than a
	// production network's.
	c, err := Open(url, Options{Timeout: 300 * time.Millisecond, ReplicaWait: time.Second})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	keys, err := okauth.DeriveKeys("the failover test's secret, 32 bytes at least")
	require.NoError(t, err)
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, Endpoint: fake.Endpoint(),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys,
		SessionStore: c.Sessions(), ReplayStore: c.Replay(), Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/account", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		io.WriteString(w, "uid "+u.UID)
	})))
	return &haInstance{c: c, auth: auth, mux: mux, shop: payInstance(t, fake, c.Payments(0, 0), credits)}
}

// account is in's answer to /account with cookies: its status and page.
func (in *haInstance) account(cookies []*http.Cookie) (int, string) {
	req := httptest.NewRequest(http.MethodGet, "/account", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	in.mux.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func (in *haInstance) signedIn(cookies []*http.Cookie, uid string) bool {
	status, page := in.account(cookies)
	return status == http.StatusOK && page == "uid "+uid
}

func (in *haInstance) signedOut(cookies []*http.Cookie) bool {
	status, _ := in.account(cookies)
	return status == http.StatusUnauthorized
}

// logout is the site's "Sign out" button, and its status.
func (in *haInstance) logout(cookies []*http.Cookie) int {
	req := httptest.NewRequest(http.MethodPost, in.auth.LogoutURL(), nil)
	req.Header.Set("Origin", "http://"+req.Host) // from the site's own page
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	in.mux.ServeHTTP(rec, req)
	return rec.Code
}

func okUser(i int) oktest.User {
	return oktest.User{UID: fmt.Sprintf("5100000%05d", i), Name: "Пользователь", FirstName: "Пользователь", LastName: "Тестовый"}
}

// usersOn returns n users whose sets are on the primary p.
func usersOn(t *testing.T, dep deployment, c *Client, appID string, p *redistest.Server, n int) []oktest.User {
	var users []oktest.User
	for i := 100; len(users) < n; i++ {
		if dep.primary(t, slotOf(c, c.Sessions().ukey(appID+":"+okUser(i).UID))) == p {
			users = append(users, okUser(i))
		}
	}
	return users
}

// slotOf is the Cluster slot of key.
func slotOf(c *Client, key string) int {
	cmd := c.rc.B().Get().Key(key).Build()
	return int(cmd.Slot())
}

// TestFailover: two instances, a dozen users signed in over both, one
// signed out with Logout and one with SignOutEverywhere, a payment
// credited; then the primary holding them is killed (SIGKILL). Meanwhile
// sign-ins fail closed (503); once a replica is promoted, sign-ins work
// again on both instances without restarting them, every session made
// before still works, the signed-out stay out, and the payment delivered
// again is answered true and not credited again. The time from the kill
// to sign-ins working on both instances is logged.
func TestFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a primary and waits for its replica to take over")
	}
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			dep := d.start(t)
			fake := oktest.NewServer()
			t.Cleanup(fake.Close)
			var credits atomic.Int32
			ins := []*haInstance{newHAInstance(t, fake, dep.url, &credits), newHAInstance(t, fake, dep.url, &credits)}
			ctx := context.Background()

			cookies := make([][]*http.Cookie, 12)
			for i := range cookies {
				var err error
				cookies[i], err = fake.SignIn(ins[i%2].mux, "/auth/ok/login", okUser(i))
				require.NoError(t, err)
			}
			require.Equal(t, http.StatusSeeOther, ins[1].logout(cookies[0]), "user 0 signs out")
			require.NoError(t, ins[0].auth.SignOutEverywhere(ctx, okUser(1).UID), "user 1 is signed out everywhere")

			// The victim is the primary of user 1's set; the payment's
			// record is on it too.
			s := ins[0].c.Sessions()
			victim := dep.primary(t, slotOf(ins[0].c, s.ukey(fake.AppID+":"+okUser(1).UID)))
			var pay oktest.Payment
			for i := 0; ; i++ {
				pay = oktest.Payment{UID: okUser(2).UID, ProductCode: "coins100", Amount: 10, TransactionID: fmt.Sprint(9000 + i)}
				if dep.primary(t, slotOf(ins[0].c, ins[0].c.Payments(0, 0).key(pay.TransactionID))) == victim {
					break
				}
			}
			params := fake.PaymentParams(pay)
			require.Equal(t, 0, deliver(t, ins[0].shop.URL, params))
			require.EqualValues(t, 1, credits.Load())
			later := usersOn(t, dep, ins[0].c, fake.AppID, victim, 1000) // signing in during the failover
			// Signed in before the failover, and cached on B.
			cached := later[len(later)-1]
			cachedCookies, err := fake.SignIn(ins[0].mux, "/auth/ok/login", cached)
			require.NoError(t, err)
			require.True(t, ins[1].signedIn(cachedCookies, cached.UID))
			// Sign-ins need not wait for the replica; here they are on it.
			victim.WaitInSync()

			victim.Stop()
			killed := time.Now()
			refused := 0
			var took time.Duration
			for _, u := range later {
				require.Less(t, time.Since(killed), 30*time.Second, "sign-ins work again within 30 s")
				ok := 0
				for _, in := range ins {
					_, err := fake.SignIn(in.mux, "/auth/ok/login", u)
					switch {
					case err == nil:
						ok++
					case strings.Contains(err.Error(), "answered 503"):
						refused++
					default:
						t.Fatalf("a sign-in during the failover: %v", err)
					}
				}
				if ok == len(ins) {
					took = time.Since(killed)
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			require.NotZero(t, took, "sign-ins work again")
			t.Logf("%s: sign-ins work on both instances %v after the primary was killed (%d refused with 503 meanwhile)", d.name, took.Round(10*time.Millisecond), refused)

			for i := 2; i < len(cookies); i++ {
				for j, in := range ins {
					require.Eventually(t, func() bool { return in.signedIn(cookies[i], okUser(i).UID) }, 10*time.Second, 20*time.Millisecond,
						"user %d's session on instance %d after the failover", i, j)
				}
			}
			for j, in := range ins {
				assert.True(t, in.signedOut(cookies[0]), "signed out with Logout: still out on instance %d", j)
				assert.True(t, in.signedOut(cookies[1]), "signed out everywhere: still out on instance %d", j)
				assert.Equal(t, 0, deliver(t, in.shop.URL, params), "the payment again, on instance %d", j)
			}
			assert.EqualValues(t, 1, credits.Load(), "credited once")

			// A session B cached before the failover and again after:
			// ended on A, refused on B at once.
			require.Eventually(t, func() bool { return ins[1].signedIn(cachedCookies, cached.UID) }, 10*time.Second, 20*time.Millisecond)
			err = ins[0].auth.SignOutEverywhere(ctx, cached.UID)
			if err != nil { // the promoted replica has no replica of its own
				require.ErrorIs(t, err, ErrNotReplicated)
			}
			start := time.Now()
			for !ins[1].signedOut(cachedCookies) {
				require.Less(t, time.Since(start), storetest.Revocation, "B serves a session ended on A after the failover")
				time.Sleep(time.Millisecond)
			}
			cookies[2], _ = fake.SignIn(ins[1].mux, "/auth/ok/login", okUser(2))
			assert.True(t, ins[0].signedIn(cookies[2], okUser(2).UID), "a new session on B works on A")
		})
	}
}

// TestFailoverLosesNoConfirmedSignOut: the case asynchronous replication
// loses. The replica is held back (cut off its primary) while a user is
// signed out everywhere, then the primary is killed and the replica,
// without the sign-out, promoted. The sign-out must survive, or the call
// must have said it could not be confirmed, and the instance that made it
// refuses the sessions meanwhile; run again after the failover, it ends
// them everywhere.
func TestFailoverLosesNoConfirmedSignOut(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a primary and waits for its replica to take over")
	}
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			dep := d.start(t)
			fake := oktest.NewServer()
			t.Cleanup(fake.Close)
			var credits atomic.Int32
			a, b := newHAInstance(t, fake, dep.url, &credits), newHAInstance(t, fake, dep.url, &credits)
			ctx := context.Background()
			user := okUser(1)
			onA, err := fake.SignIn(a.mux, "/auth/ok/login", user)
			require.NoError(t, err)
			onB, err := fake.SignIn(b.mux, "/auth/ok/login", user)
			require.NoError(t, err)
			require.True(t, b.signedIn(onA, user.UID)) // cached on B

			victim := dep.primary(t, slotOf(a.c, a.c.Sessions().ukey(fake.AppID+":"+user.UID)))
			victim.WaitInSync()
			replica := dep.replica(t, victim)
			replica.HoldBack()
			t.Cleanup(replica.Release)
			signOut := a.auth.SignOutEverywhere(ctx, user.UID)
			t.Logf("signed out everywhere with the replica held back: %v", signOut)
			if signOut != nil {
				assert.ErrorIs(t, signOut, ErrNotReplicated)
				assert.ErrorIs(t, signOut, okauth.ErrStoreUnavailable)
			}
			later := usersOn(t, dep, a.c, fake.AppID, victim, 1)[0]
			victim.Stop()
			replica.Release()

			promoted := func() bool {
				_, err := fake.SignIn(a.mux, "/auth/ok/login", later)
				return err == nil
			}
			require.Eventually(t, promoted, 30*time.Second, 50*time.Millisecond, "the replica is promoted")
			for _, c := range [][]*http.Cookie{onA, onB} {
				assert.True(t, a.signedOut(c), "the instance that signed the user out refuses the sessions")
				if signOut == nil {
					assert.True(t, b.signedOut(c), "a sign-out reported done survives the failover")
				}
			}
			if signOut != nil {
				// The app was told: it signs the user out again, now on
				// the promoted replica (which has no replica of its own,
				// so the call still reports that).
				var err error
				require.Eventually(t, func() bool {
					err = a.auth.SignOutEverywhere(ctx, user.UID)
					return err == nil || errors.Is(err, ErrNotReplicated)
				}, 10*time.Second, 50*time.Millisecond, "signed out everywhere after the failover: %v", err)
				for _, c := range [][]*http.Cookie{onA, onB} {
					assert.Eventually(t, func() bool { return b.signedOut(c) }, 3*time.Second, 20*time.Millisecond,
						"signed out again after the failover: out on B too")
				}
			}
		})
	}
}
