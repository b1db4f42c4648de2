package e2e

import (
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// player is who OK launches the app for.
var player = oktest.User{UID: "575000333444", Name: "Игорь Кузнецов", FirstName: "Игорь", LastName: "Кузнецов"}

// okStandIn is one server under two names: https://okru.test:PORT stands
// in for ok.ru, and https://evil.test:PORT is another site, whose page OK
// frames too (another app, an ad). On okru.test, / frames src, /link links
// to src and /evil frames evil.test's /attack, which serves attack; on
// evil.test, /link links to src too.
type okStandIn struct {
	Origin, Evil string

	mu          sync.Mutex
	src, attack string
}

func startOKStandIn(t *testing.T) *okStandIn {
	o := &okStandIn{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		src, attack := o.src, o.attack
		o.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/link":
			_, _ = io.WriteString(w, `<!doctype html><title>Link</title><a id="go" href="`+html.EscapeString(src)+`">Play</a>`)
		case "/evil":
			_, _ = io.WriteString(w, `<!doctype html><title>OK</title><iframe width="600" height="400" src="`+html.EscapeString(o.Evil+"/attack")+`"></iframe>`)
		case "/attack":
			_, _ = io.WriteString(w, `<!doctype html><title>Ad</title>`+attack)
		default:
			_, _ = io.WriteString(w, `<!doctype html><title>OK</title><iframe id="app" width="600" height="400" src="`+html.EscapeString(src)+`"></iframe>`)
		}
	}))
	srv.StartTLS()
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)
	o.Origin, o.Evil = "https://okru.test:"+port, "https://evil.test:"+port
	return o
}

// set sets what the pages show.
func (o *okStandIn) set(src, attack string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.src, o.attack = src, attack
}

// launchInOK opens ok.ru's page with the App link launched for u in its
// iframe, and returns the uid the landing page shows there.
func launchInOK(t *testing.T, tab context.Context, ok *okStandIn, fake *oktest.Server, app *linkApp, u oktest.User) string {
	ok.set(fake.LaunchURL(app.URL+"/auth/ok/app", u), "")
	do(t, tab, chromedp.Navigate(ok.Origin+"/"))
	return frameText(t, tab, app.URL+"/game", "#uid")
}

// whoInOK is the uid the app's own page shows inside ok.ru's iframe: OK
// frames /hop, which opens /who.
func whoInOK(t *testing.T, tab context.Context, ok *okStandIn, app *linkApp) string {
	ok.set(app.URL+"/hop", "")
	do(t, tab, chromedp.Navigate(ok.Origin+"/"))
	return frameText(t, tab, app.URL+"/who", "#uid")
}

// A page on another site, okru.test (standing in for ok.ru), iframes the
// App link of an app at app.example.test with a launch URL signed as OK
// signs it. A tampered launch shows okauth's error page inside the iframe
// and leaves no cookie; OK's launch shows the app's signed-in page there,
// with the session in a cookie partitioned under okru.test (CHIPS), which
// the app's own site does not see at top level; the app's own form and
// links work in the iframe. At top level, a launch asks whom to sign in as.
func TestAppLaunchInsideIframe(t *testing.T) {
	fake := newFake(t)
	fake.SetUser(player)
	ok := startOKStandIn(t)
	app := startAppLinkApp(t, fake, ok.Origin)
	tab, _ := newBrowser(t, chromedp.Flag("ignore-certificate-errors", true))

	// A tampered launch: one signed value changed.
	p := fake.LaunchParams(player)
	p.Set("referer", "tampered")
	ok.set(app.URL+"/auth/ok/app?"+p.Encode(), "")
	do(t, tab, chromedp.Navigate(ok.Origin+"/"))
	title := frameText(t, tab, app.URL+"/auth/ok/app", "h1")
	assert.Contains(t, []string{"Launch not recognised", "Запуск не распознан"}, title, "the error page, inside the iframe")
	assert.Nil(t, appCookie(t, tab), "a tampered launch sets no cookie")

	// OK's launch.
	assert.Equal(t, player.UID, launchInOK(t, tab, ok, fake, app, player), "the signed-in page, inside the iframe")
	c := appCookie(t, tab)
	require.NotNil(t, c, "the App link's session cookie")
	require.NotNil(t, c.PartitionKey, "partitioned (CHIPS)")
	assert.Equal(t, "https://okru.test", c.PartitionKey.TopLevelSite, "kept in the embedding site's partition")
	assert.True(t, c.Secure && c.HTTPOnly)
	assert.Equal(t, "None", c.SameSite.String())

	// The landing page's URL carries the launch's parameters but its
	// secrets, for OK's JS SDK.
	assert.Equal(t, "from=test&x=Привет", frameText(t, tab, app.URL+"/game", "#args"))
	names := strings.Fields(frameText(t, tab, app.URL+"/game", "#names"))
	assert.Contains(t, names, "apiconnection")
	assert.Contains(t, names, "api_server")
	for _, secret := range []string{"session_key", "session_secret_key", "auth_sig", "sig"} {
		assert.NotContains(t, names, secret)
	}

	// The app's own form and link, inside the iframe.
	frameDo(t, tab, app.URL+"/game", chromedp.Click(chromedp.ID("act")))
	assert.Equal(t, player.UID, frameText(t, tab, app.URL+"/act", "#acted"), "the app's own form posts as the player")
	assert.Equal(t, player.UID, whoInOK(t, tab, ok, app), "the app's own navigation is signed in")

	// At top level on the app's own site, the partitioned cookie is not
	// sent: the visitor is not signed in there.
	do(t, tab, chromedp.Navigate(app.URL+"/whoami"))
	assert.Equal(t, "anonymous", text(t, tab, "#uid"))
}

// Inside ok.ru, any frame makes the browser send the App link's cookie.
// Another site's page framed by the ok.ru stand-in (another app, an ad)
// tries to act as the player, and to replace the player's session with
// the attacker's own launch: neither works, and the player's own app still
// does.
func TestAppLinkPartitionAttacks(t *testing.T) {
	fake := newFake(t)
	fake.SetUser(player)
	ok := startOKStandIn(t)
	app := startAppLinkApp(t, fake, ok.Origin)
	tab, _ := newBrowser(t, chromedp.Flag("ignore-certificate-errors", true))

	require.Equal(t, player.UID, launchInOK(t, tab, ok, fake, app, player))
	victim := appCookie(t, tab)
	require.NotNil(t, victim)

	// A form POST, and a fetch with credentials, to the app's
	// RequireLogin route.
	act := app.URL + "/act"
	ok.set("", `<form id="f" method="post" action="`+act+`"><input name="x" value="1"></form>`+
		`<script>fetch("`+act+`", {method: "POST", credentials: "include", mode: "no-cors", body: "x=2"})`+
		`.finally(() => document.getElementById("f").submit())</script>`)
	do(t, tab, chromedp.Navigate(ok.Origin+"/evil"))
	app.waitHits(t, "POST /act", 2)
	_, acts := app.recorded()
	assert.Empty(t, acts, "nothing ran as the player for another site")

	// The attacker's own valid launches, as an image, a fetch and a frame
	// nested under the other site.
	before := app.hitCount("GET /auth/ok/app")
	launches := []string{}
	for range 3 {
		launches = append(launches, html.EscapeString(fake.LaunchURL(app.URL+"/auth/ok/app", attacker)))
	}
	ok.set("", `<img src="`+launches[0]+`"><script>fetch("`+launches[1]+`", {credentials: "include", mode: "no-cors"})</script>`+
		`<iframe src="`+launches[2]+`"></iframe>`)
	do(t, tab, chromedp.Navigate(ok.Origin+"/evil"))
	app.waitHits(t, "GET /auth/ok/app", before+3)
	signIns, _ := app.recorded()
	assert.NotContains(t, signIns, attacker.UID, "no launch of the attacker's started a session")
	now := appCookie(t, tab)
	require.NotNil(t, now)
	assert.Equal(t, victim.Value, now.Value, "the player's session cookie is untouched")
	assert.Equal(t, player.UID, whoInOK(t, tab, ok, app), "the player's own app still runs as the player")
}

// A launch opened at top level, which anyone can make a browser open (a
// link in a mail, a chat or on ok.ru), signs in only once the user has
// seen whom as and said Continue; Cancel changes nothing.
func TestAppLaunchTopLevelConfirms(t *testing.T) {
	fake := newFake(t)
	fake.SetUser(player)
	ok := startOKStandIn(t)
	app := startAppLinkApp(t, fake, ok.Origin)
	tab, _ := newBrowser(t, chromedp.Flag("ignore-certificate-errors", true))
	whoami := func() string {
		do(t, tab, chromedp.Navigate(app.URL+"/whoami"))
		return text(t, tab, "#uid")
	}

	// Another site links to the attacker's launch: the page names the
	// attacker, and nothing is signed in until the user chooses.
	ok.set(fake.LaunchURL(app.URL+"/auth/ok/app", attacker), "")
	do(t, tab, chromedp.Navigate(ok.Evil+"/link"), chromedp.Click(chromedp.ID("go")))
	assert.Equal(t, attacker.Name, text(t, tab, "#okauth-who"), "the confirmation names whom the launch signs in as")
	assert.Equal(t, "anonymous", whoami(), "nothing signed in before the user confirms")

	// OK's page links to the player's own launch: Continue signs in.
	ok.set(fake.LaunchURL(app.URL+"/auth/ok/app", player), "")
	do(t, tab, chromedp.Navigate(ok.Origin+"/link"), chromedp.Click(chromedp.ID("go")))
	assert.Equal(t, player.Name, text(t, tab, "#okauth-who"))
	do(t, tab, chromedp.Click(chromedp.ID("okauth-continue")))
	assert.Equal(t, player.UID, text(t, tab, "#uid"), "the signed-in page, at top level")
	assert.Equal(t, player.UID, whoami(), "signed in on the app's own site")

	// The attacker's launch again, freshly signed: Cancel leaves the
	// player signed in.
	ok.set(fake.LaunchURL(app.URL+"/auth/ok/app", attacker), "")
	do(t, tab, chromedp.Navigate(ok.Evil+"/link"), chromedp.Click(chromedp.ID("go")))
	assert.Equal(t, attacker.Name, text(t, tab, "#okauth-who"))
	do(t, tab, chromedp.Click(chromedp.ID("okauth-cancel")))
	assert.Equal(t, "home", text(t, tab, "#home"), "Cancel goes to the landing page")
	assert.Equal(t, player.UID, whoami(), "Cancel changed nothing")
	signIns, _ := app.recorded()
	assert.Equal(t, []string{player.UID}, signIns)
}

// linkApp is an app with the App link on, at https://app.example.test:PORT,
// framable by one origin, landing on /game. It records what reached it.
type linkApp struct {
	URL string

	mu      sync.Mutex
	hits    map[string]int // requests by "METHOD /path"
	signIns []string       // uids, in order, as OnSignIn saw them
	acts    []string       // uids /act ran for
}

// hitCount is how many requests for "METHOD /path" reached the app.
func (a *linkApp) hitCount(key string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hits[key]
}

// recorded are the uids signed in and the uids /act ran for.
func (a *linkApp) recorded() (signIns, acts []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.signIns), slices.Clone(a.acts)
}

// waitHits waits until n requests for key have reached the app.
func (a *linkApp) waitHits(t *testing.T, key string, n int) {
	t.Helper()
	deadline := time.Now().Add(testTimeout / 2)
	for a.hitCount(key) < n {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %d requests %s; %d came", n, key, a.hitCount(key))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startAppLinkApp serves a linkApp framable by frameAncestor. Its pages,
// all framable: /game (signed in: the uid, a form posting to /act and a
// link to /who), /act (signed in, POST: records the uid), /who (the uid or
// "anonymous") and /hop (opens /who from the app's own page, as the App
// link's launch page does). /whoami is /who, not framable; / is "home".
func startAppLinkApp(t *testing.T, fake *oktest.Server, frameAncestor string) *linkApp {
	srv, base, keys := appServer(t)
	a := &linkApp{URL: base, hits: map[string]int{}}
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, AppSecret: fake.AppSecret, RedirectURL: base + "/auth/ok/callback",
		SessionKeys: keys, Endpoint: fake.Endpoint(), Logger: slog.New(slog.DiscardHandler),
		AppLink: &okauth.AppLink{LandingPath: "/game", FrameAncestors: []string{frameAncestor}},
		OnSignIn: func(_ *http.Request, u *okauth.User) error {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.signIns = append(a.signIns, u.UID)
			return nil
		},
	})
	require.NoError(t, err)
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		_, _ = io.WriteString(w, `<!doctype html><title>Game</title>`+body)
	}
	uidOf := func(r *http.Request) string {
		if u, ok := okauth.UserFrom(r.Context()); ok {
			return u.UID
		}
		return "anonymous"
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/game", auth.Frameable(auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		names := slices.Sorted(maps.Keys(r.URL.Query()))
		page(w, `<p id="uid">`+html.EscapeString(uidOf(r))+`</p>`+
			`<p id="args">`+html.EscapeString(r.URL.Query().Get("custom_args"))+`</p>`+
			`<p id="names">`+html.EscapeString(strings.Join(names, " "))+`</p>`+
			`<form method="post" action="/act"><button id="act">Act</button></form><a id="who" href="/who">Who</a>`)
	}))))
	mux.Handle("POST /act", auth.Frameable(auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.acts = append(a.acts, uidOf(r))
		a.mu.Unlock()
		page(w, `<p id="acted">`+html.EscapeString(uidOf(r))+`</p>`)
	}))))
	who := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page(w, `<p id="uid">`+html.EscapeString(uidOf(r))+`</p>`)
	})
	mux.Handle("/who", auth.Frameable(who))
	mux.Handle("/whoami", who)
	mux.Handle("/{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { page(w, `<p id="home">home</p>`) }))
	mux.Handle("/hop", auth.Frameable(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!doctype html><meta http-equiv="refresh" content="0;url=/who"><title>Hop</title>`)
	})))
	app := auth.Middleware(mux)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.hits[r.Method+" "+r.URL.Path]++
		a.mu.Unlock()
		app.ServeHTTP(w, r)
	})
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return a
}

// frameText is the text of the first element matching css in the
// page's cross-site iframe once it shows a URL starting with at.
func frameText(t *testing.T, tab context.Context, at, css string) string {
	t.Helper()
	var s string
	inFrame(t, tab, at, func(frame context.Context) (err error) {
		s, err = chromedp.Run(frame, chromedp.Text(chromedp.CSS(css)))
		return err
	})
	return strings.TrimSpace(s)
}

// frameDo runs steps in the page's cross-site iframe once it shows a URL
// starting with at.
func frameDo(t *testing.T, tab context.Context, at string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	inFrame(t, tab, at, func(frame context.Context) error { return chromedp.Do(frame, steps...) })
}

// inFrame runs f on a cross-site iframe of the page (one at any depth)
// showing a URL that starts with at, until it succeeds. Site isolation
// stays on: the iframe is a target of its own, attached to.
func inFrame(t *testing.T, tab context.Context, at string, f func(frame context.Context) error) {
	t.Helper()
	deadline := time.Now().Add(testTimeout / 2)
	last := errors.New("no such iframe")
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(tab)
		require.NoError(t, err)
		for _, info := range infos {
			if info.Type != "iframe" || !strings.HasPrefix(info.URL, at) {
				continue
			}
			frame, cancel := chromedp.NewContext(tab, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
			wait, stop := context.WithTimeout(frame, 2*time.Second)
			last = f(wait)
			stop()
			cancel()
			if last == nil {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("in an iframe at %s: %v", at, last)
}

// appCookie is the App link's session cookie in the browser, in any
// partition, or nil.
func appCookie(t *testing.T, tab context.Context) *network.Cookie {
	t.Helper()
	all, err := chromedp.Call(tab, storage.GetCookies, storage.GetCookiesParams{})
	require.NoError(t, err)
	for _, c := range all.Cookies {
		if c.Name == "__Host-okauth-app" {
			return c
		}
	}
	return nil
}
