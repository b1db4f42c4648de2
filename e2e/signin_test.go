package e2e

import (
	"context"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/okauth/okauth/oktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Scenario 1: opening /account signs in through OK's dialog, on another
// site, and the relay page, and ends on /account; / then shows the user.
func TestSignIn(t *testing.T) {
	fake := newFake(t)
	app := startExample(t, fake)
	tab, rec := newBrowser(t)

	do(t, tab, chromedp.Navigate(app.URL+"/account"))
	assertSignedIn(t, tab, app, 0)
	assertRelayCleared(t, rec, app, "access_token=")
	do(t, tab, chromedp.Navigate(app.URL+"/"))
	assert.Equal(t, oktest.DefaultUser.Name, text(t, tab, "#name"))
	assert.Equal(t, oktest.DefaultUser.UID, text(t, tab, "#uid"))
	loaded := run(t, tab, chromedp.Evaluate[bool](`(() => { const i = document.querySelector(".who img"); return i.complete && i.naturalWidth > 0 })()`))
	assert.True(t, loaded, "the user's picture, served by the fake, loaded")
}

// Scenario 1, continued: the session cookie is SameSite=Lax, not Strict,
// so a signed-in user who follows a link from another site arrives signed
// in; with Strict they would land on OK's dialog again.
func TestArriveFromAnotherSite(t *testing.T) {
	fake := newFake(t)
	fake.Consent = true // a new sign-in stops at the dialog
	app := startExample(t, fake)
	tab, _ := newBrowser(t)
	do(t, tab, chromedp.Navigate(app.URL+"/account"), chromedp.Click(chromedp.ID("allow")))
	require.Equal(t, "0", text(t, tab, "#friends"))

	do(t, tab, chromedp.Navigate(linkPage(t, app.URL+"/")), chromedp.Click(chromedp.ID("back")))
	assert.Equal(t, oktest.DefaultUser.UID, text(t, tab, "#uid"), "signed in on arrival from another site")
}

// Scenario 1, as `go run ./example` shows it: the example's own fake OK
// asks Allow or Deny, and Allow signs in.
func TestSignInConsentPage(t *testing.T) {
	app := startExample(t, nil)
	tab, rec := newBrowser(t)

	do(t, tab, chromedp.Navigate(app.URL+"/account"), chromedp.Click(chromedp.ID("allow")))
	assertSignedIn(t, tab, app, 0)
	assertRelayCleared(t, rec, app, "access_token=")
}

// Scenario 2: the sign-in, relay page included, raises no CSP violation,
// console error or uncaught exception. A control at the end shows that a
// CSP violation on the relay page would have been seen.
func TestRelayPageRaisesNoProblems(t *testing.T) {
	fake := newFake(t)
	app := startExample(t, fake)
	tab, rec := newBrowser(t)

	do(t, tab, chromedp.Navigate(app.URL+"/account"))
	require.Equal(t, "0", text(t, tab, "#friends"))
	do(t, tab, chromedp.Navigate(app.URL+"/"))
	require.Equal(t, oktest.DefaultUser.Name, text(t, tab, "#name")) // and its picture, from the fake
	assertRelayCleared(t, rec, app, "access_token=")
	assert.Empty(t, rec.Problems(), "problems during the sign-in")

	// Control: an inline script on the relay page breaks its policy.
	do(t, tab, chromedp.Navigate(app.URL+"/auth/ok/callback"), chromedp.WaitVisible(chromedp.ID("okauth-empty")))
	do(t, tab, chromedp.Evaluate[chromedp.Void](`{
		const s = document.createElement("script");
		s.textContent = "document.title = 'inline ran'";
		document.body.appendChild(s);
	}`))
	require.Eventually(t, func() bool {
		for _, p := range rec.Problems() {
			if strings.Contains(p, "script-src") {
				return true
			}
		}
		return false
	}, 10*time.Second, 50*time.Millisecond, "the control's CSP violation was not seen")
	assert.NotEqual(t, "inline ran", run(t, tab, chromedp.Title()), "the relay page's policy let an inline script run")
}

// Scenario 4: two tabs start a sign-in each and reach OK's dialog before
// either finishes; they finish in the other order, and both end signed in.
func TestTwoTabs(t *testing.T) {
	fake := newFake(t)
	fake.Consent = true // the dialog waits for Allow, so both can be open
	app := startExample(t, fake)
	tab1, rec1 := newBrowser(t)
	tab2, rec2 := newTab(t, tab1)

	do(t, tab1, chromedp.Navigate(app.URL+"/account"), chromedp.WaitVisible(chromedp.ID("allow")))
	do(t, tab2, chromedp.Navigate(app.URL+"/account"), chromedp.WaitVisible(chromedp.ID("allow")))
	require.Len(t, stateCookies(cookies(t, tab1, app.callbackURL())), 1, "the state cookie listing both sign-ins waiting at OK's dialog")

	do(t, tab2, chromedp.Click(chromedp.ID("allow")))
	assertSignedIn(t, tab2, app, 1)
	do(t, tab1, chromedp.Click(chromedp.ID("allow")))
	assertSignedIn(t, tab1, app, 0)
	assertRelayCleared(t, rec1, app, "access_token=")
	assertRelayCleared(t, rec2, app, "access_token=")
}

// assertSignedIn checks that the tab shows the example's account page,
// which only a signed-in user sees, with a call to OK as the user; that it
// holds a session cookie with the right flags and a state cookie only
// while sign-ins are pending; and that neither the address bar nor the
// tab's history hold the token or the session secret.
func assertSignedIn(t *testing.T, tab context.Context, app *exampleApp, pending int) {
	t.Helper()
	assert.Equal(t, "0", text(t, tab, "#friends"), "friends.get, signed with the session's token and secret, answers")
	assert.Equal(t, app.URL+"/account", run(t, tab, chromedp.Location()), "address bar")

	jar := cookies(t, tab, app.callbackURL())
	session := jar["okauth"]
	require.NotNil(t, session, "session cookie okauth; the browser has %v", jar)
	assert.True(t, session.HTTPOnly, "session cookie is HttpOnly")
	assert.Equal(t, network.CookieSameSiteLax, session.SameSite, "session cookie SameSite")
	assert.Equal(t, "/", session.Path)
	assert.Len(t, stateCookies(jar), min(pending, 1), "a state cookie only while sign-ins are pending")
	assertHistoryClean(t, tab)
}

// assertHistoryClean checks that no entry of the tab's history holds the
// token or the session secret, in the browser's list and as the page sees
// it.
func assertHistoryClean(t *testing.T, tab context.Context) {
	t.Helper()
	hist := run(t, tab, chromedp.NavigationEntries())
	var urls []string
	for _, e := range hist.Entries {
		urls = append(urls, e.URL, e.UserTypedURL)
	}
	for _, u := range urls {
		for _, secret := range secrets {
			assert.False(t, strings.Contains(u, secret), "%s in the history: %q", secret, redacted(urls))
		}
	}
	assert.Equal(t, int64(len(hist.Entries)), run(t, tab, chromedp.Evaluate[int64]("history.length")), "history.length")
}

// secrets are the names of the fragment's fields that must not outlive
// the relay page in the address bar or the history.
var secrets = []string{"access_token", "session_secret_key"}

// assertRelayCleared checks, from the addresses the tab showed in order,
// that the relay page got OK's answer in its fragment (which holds want)
// and that the very next address is the relay page without it, set by
// the page itself: fragment.js cleared the address bar before it posted.
// No later address holds a secret.
func assertRelayCleared(t *testing.T, rec *tabRecorder, app *exampleApp, want string) {
	t.Helper()
	addrs := rec.Addresses()
	shown := redacted(addrs)
	relay := app.callbackURL()
	i := slices.IndexFunc(addrs, func(a string) bool { return strings.HasPrefix(a, relay+"#") })
	require.GreaterOrEqual(t, i, 0, "the relay page was reached with a fragment; addresses: %q", shown)
	assert.Contains(t, addrs[i], want, "the relay page's fragment; addresses: %q", shown)
	require.Greater(t, len(addrs), i+1, "an address after the relay page's; addresses: %q", shown)
	assert.Equal(t, sameDocument+relay, shown[i+1], "the address after the relay page's: fragment.js removed the fragment")
	for _, a := range addrs[i+1:] {
		for _, secret := range secrets {
			assert.False(t, strings.Contains(a, secret), "%s in an address after the relay page's; addresses: %q", secret, shown)
		}
	}
}

// secretValue matches a secret field and its value in a URL.
var secretValue = regexp.MustCompile(`(access_token|session_secret_key)=[^&#]*`)

// redacted is addrs with the secrets' values replaced, for messages: the
// fake's tokens are not real, but no token goes to a log.
func redacted(addrs []string) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = secretValue.ReplaceAllString(a, "$1=[redacted]")
	}
	return out
}

// linkPage serves a page on another site, elsewhere.test, with a link
// (#back) to target, and returns its address.
func linkPage(t *testing.T, target string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = linkTmpl.Execute(w, target)
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	u.Host = net.JoinHostPort("elsewhere.test", u.Port())
	return u.String() + "/"
}

var linkTmpl = template.Must(template.New("link").Parse(`<!doctype html><title>Elsewhere</title><a id="back" href="{{.}}">Back to the app</a>`))
