package e2e

import (
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth/oktest"
)

// A cookie bomb: a page on another site, with one click, opens a popup
// and re-points it at /login with a 2 KB next 200 times. Each visit starts
// a sign-in; were each to leave its own 4 KB state cookie, Chromium's
// per-site cookie limit would push the session cookie out and the Cookie
// header would grow to hundreds of KB. The user must stay signed in,
// okauth's cookies under 4 KB, and a normal sign-in must still work.
func TestCookieBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("200 sign-ins in a browser; skipped with -short")
	}
	fake, dialogs := countingFake(t)
	fake.Consent = true // every popup visit stops at the dialog, pending
	app := startExample(t, fake)
	tab, _ := newBrowser(t)

	do(t, tab, chromedp.Navigate(app.URL+"/account"), chromedp.Click(chromedp.ID("allow")))
	require.Equal(t, "0", text(t, tab, "#friends"), "signed in before the attack")

	const visits = 200
	next := "/" + strings.Repeat("a", 2047)
	login := app.URL + "/auth/ok/login?next=" + url.QueryEscape(next)
	before := dialogs.Load()
	// The page re-points its popup as soon as the previous visit has
	// reached OK's dialog, so every visit starts a sign-in however slow
	// the machine is (a fixed 30 ms timer let most of them be cancelled
	// under -race). Chromium now and then drops a navigation that starts
	// while the last one commits; like an attacker, the page then sends
	// the popup again.
	do(t, tab, chromedp.Navigate(bombPage(t, login)), chromedp.Click(chromedp.ID("bomb")))
	landed := func() int64 { return dialogs.Load() - before }
	deadline := time.Now().Add(90 * time.Second)
	for sent := 1; landed() < visits; sent++ {
		require.True(t, time.Now().Before(deadline), "%d of %d popup visits reached OK's dialog in 90 s", landed(), visits)
		want := landed() + 1
		for i := 0; i < 400 && landed() < want; i++ { // 2 s
			time.Sleep(5 * time.Millisecond)
		}
		if landed() < visits {
			run(t, tab, chromedp.Evaluate[bool](fmt.Sprintf("repoint(%d)", sent)))
		}
	}
	time.Sleep(300 * time.Millisecond) // a dropped visit may still land
	t.Logf("%d popup visits reached OK's dialog", landed())

	jar := cookies(t, tab, app.callbackURL())
	total := 0
	for name, c := range jar {
		if name == "okauth" || strings.HasPrefix(name, "okauth_state") {
			total += len(name) + 1 + len(c.Value) + 2 // "name=value; "
		} else {
			t.Errorf("a cookie okauth did not set: %s", name)
		}
	}
	assert.Less(t, total, 4096, "bytes okauth's cookies add to the callback's Cookie header")
	assert.Len(t, stateCookies(jar), 1, "one state cookie")
	require.Contains(t, jar, "okauth", "the session cookie survived")

	do(t, tab, chromedp.Navigate(app.URL+"/"))
	assert.Equal(t, oktest.DefaultUser.UID, text(t, tab, "#uid"), "still signed in after the attack")

	// A normal sign-in still works: the newest pending sign-in is listed.
	do(t, tab, chromedp.Navigate(app.URL+"/auth/ok/login?next=%2Faccount"), chromedp.Click(chromedp.ID("allow")))
	assertSignedIn(t, tab, app, 1)
}

// countingFake is a fake OK, served by the test, that counts the loads
// of its dialog.
func countingFake(t *testing.T) (*oktest.Server, *atomic.Int64) {
	fake := oktest.NewUnstartedServer()
	var dialogs atomic.Int64
	h := fake.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/authorize" {
			dialogs.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	fake.URL = srv.URL
	return fake, &dialogs
}

// bombPage serves, on another site (evil.test), a page whose #bomb button
// opens a popup at login; repoint(i) then sends the popup there again.
func bombPage(t *testing.T, login string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = bombTmpl.Execute(w, login)
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	u.Host = net.JoinHostPort("evil.test", u.Port())
	return u.String() + "/"
}

var bombTmpl = template.Must(template.New("bomb").Parse(`<!doctype html><title>Win a prize</title>
<button id="bomb">Claim</button>
<script>
var login = {{.}}, w;
document.getElementById("bomb").onclick = function () { w = window.open(login, "prize"); };
function repoint(i) { w.location.href = login + "&i=" + i; return true; }
</script>`))
