package e2e

import (
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
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

// Issue 12, section 1: a page on another site, okru.test (standing in for
// ok.ru), iframes the App link of an app at app.example.test with a launch
// URL signed as OK signs it. A tampered launch shows okauth's error page
// inside the iframe and leaves no cookie; OK's launch shows the app's
// signed-in page there, with the session in a cookie partitioned under
// okru.test (CHIPS), which the app's own site does not see at top level.
func TestAppLaunchInsideIframe(t *testing.T) {
	fake := newFake(t)
	fake.SetUser(player)

	// The embedding site first, so that the app can allow it as a frame
	// ancestor; its iframe's src is set per step.
	var src string
	// At /link, a plain link to src instead, for a top-level launch.
	okru := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/link" {
			_, _ = io.WriteString(w, `<!doctype html><title>Link</title><a id="go" href="`+html.EscapeString(src)+`">Play</a>`)
			return
		}
		_, _ = io.WriteString(w, `<!doctype html><title>OK</title><iframe id="app" width="600" height="400" src="`+html.EscapeString(src)+`"></iframe>`)
	}))
	okru.StartTLS()
	t.Cleanup(okru.Close)
	_, okPort, err := net.SplitHostPort(okru.Listener.Addr().String())
	require.NoError(t, err)
	okOrigin := "https://okru.test:" + okPort

	app := startAppLinkApp(t, fake, okOrigin)
	tab, _ := newBrowser(t, chromedp.Flag("ignore-certificate-errors", true))

	// A tampered launch: one signed value changed.
	p := fake.LaunchParams(player)
	p.Set("referer", "tampered")
	src = app + "/auth/ok/app?" + p.Encode()
	do(t, tab, chromedp.Navigate(okOrigin+"/"))
	title := frameText(t, tab, app+"/auth/ok/app", "h1")
	assert.Contains(t, []string{"Launch not recognised", "Запуск не распознан"}, title, "the error page, inside the iframe")
	assert.Nil(t, appCookie(t, tab), "a tampered launch sets no cookie")

	// OK's launch.
	src = fake.LaunchURL(app+"/auth/ok/app", player)
	do(t, tab, chromedp.Navigate(okOrigin+"/"))
	assert.Equal(t, player.UID, frameText(t, tab, app+"/game", "#uid"), "the signed-in page, inside the iframe")
	c := appCookie(t, tab)
	require.NotNil(t, c, "the App link's session cookie")
	require.NotNil(t, c.PartitionKey, "partitioned (CHIPS)")
	assert.Equal(t, "https://okru.test", c.PartitionKey.TopLevelSite, "kept in the embedding site's partition")
	assert.True(t, c.Secure && c.HTTPOnly)
	assert.Equal(t, "None", c.SameSite.String())

	// At top level on the app's own site, the partitioned cookie is not
	// sent: the visitor is not signed in there.
	do(t, tab, chromedp.Navigate(app+"/whoami"))
	assert.Equal(t, "anonymous", text(t, tab, "#uid"))

	// Another site (the same server under another name) links to a
	// launch URL, say the attacker's own, at top level: refused, or the
	// victim would browse the app as the attacker.
	evil := "https://evil.test:" + okPort
	do(t, tab, chromedp.Navigate(evil+"/link"), chromedp.Click(chromedp.ID("go")))
	assert.Contains(t, []string{"Launch not recognised", "Запуск не распознан"}, text(t, tab, "h1"), "the error page, at top level")
	do(t, tab, chromedp.Navigate(app+"/whoami"))
	assert.Equal(t, "anonymous", text(t, tab, "#uid"), "a top-level launch from another site signs no one in")

	// The same link on OK's own page (as on OK's mobile site): the app
	// opens at top level, signed in.
	do(t, tab, chromedp.Navigate(okOrigin+"/link"), chromedp.Click(chromedp.ID("go")))
	assert.Equal(t, player.UID, text(t, tab, "#uid"), "the signed-in page, at top level")
	do(t, tab, chromedp.Navigate(app+"/whoami"))
	assert.Equal(t, player.UID, text(t, tab, "#uid"), "signed in on the app's own site")
}

// startAppLinkApp serves, at https://app.example.test:PORT, an app with the
// App link on, framable by frameAncestor, landing on /game (the signed-in
// uid, for ok.ru's iframe); /whoami shows the uid or "anonymous".
func startAppLinkApp(t *testing.T, fake *oktest.Server, frameAncestor string) string {
	srv, base, keys := appServer(t)
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, AppSecret: fake.AppSecret, RedirectURL: base + "/auth/ok/callback",
		SessionKeys: keys, Endpoint: fake.Endpoint(), Logger: slog.New(slog.DiscardHandler),
		AppLink: true, AppLandingPath: "/game", AppFrameAncestors: []string{frameAncestor},
	})
	require.NoError(t, err)
	page := func(uid string) string {
		return `<!doctype html><title>Game</title><p id="uid">` + html.EscapeString(uid) + `</p>`
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/game", auth.Frameable(auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		_, _ = io.WriteString(w, page(u.UID))
	}))))
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		u, ok := okauth.UserFrom(r.Context())
		if !ok {
			u.UID = "anonymous"
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, page(u.UID))
	})
	srv.Config.Handler = auth.Middleware(mux)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return base
}

// frameText is the text of the first element matching css in the
// page's cross-site iframe once it shows a URL starting with at. Site
// isolation stays on: the iframe is a target of its own, attached to.
func frameText(t *testing.T, tab context.Context, at, css string) string {
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
			var s string
			s, last = chromedp.Run(wait, chromedp.Text(chromedp.CSS(css)))
			stop()
			cancel()
			if last == nil {
				return strings.TrimSpace(s)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waiting for %s in an iframe at %s: %v", css, at, last)
	return ""
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
