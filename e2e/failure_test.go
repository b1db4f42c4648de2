package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Scenario 3: OK refuses the sign-in (#error=access_denied): the browser
// shows a readable error page and holds no session.
func TestRefusedSignIn(t *testing.T) {
	t.Run("dialog answers access_denied", func(t *testing.T) {
		fake := newFake(t)
		fake.SetAuthError("access_denied")
		app := startExample(t, fake)
		tab, rec := newBrowser(t)

		do(t, tab, chromedp.Navigate(app.URL+"/account"))
		assertErrorPage(t, tab, rec, app, "Sign-in cancelled", 403)
		assertRelayCleared(t, rec, app, "error=access_denied")
	})
	t.Run("Deny on the consent page", func(t *testing.T) {
		app := startExample(t, nil)
		tab, rec := newBrowser(t)

		do(t, tab, chromedp.Navigate(app.URL+"/account"), chromedp.Click(chromedp.ID("deny")))
		assertErrorPage(t, tab, rec, app, "Sign-in cancelled", 403)
		assertRelayCleared(t, rec, app, "error=access_denied")

		// Not signed in: /account asks again.
		do(t, tab, chromedp.Navigate(app.URL+"/account"), chromedp.WaitVisible(chromedp.ID("allow")))
	})
}

// Scenario 5: OK rejects the token as expired (error 102).
func TestTokenRejected(t *testing.T) {
	t.Run("while signing in", func(t *testing.T) {
		fake := newFake(t)
		fake.SetAPIError(102)
		app := startExample(t, fake)
		tab, rec := newBrowser(t)

		do(t, tab, chromedp.Navigate(app.URL+"/account"))
		assertErrorPage(t, tab, rec, app, "OK.ru refused the sign-in", 401)
		assertRelayCleared(t, rec, app, "access_token=")
	})
	t.Run("after signing in", func(t *testing.T) {
		fake := newFake(t)
		fake.Consent = true // so that a new sign-in stops at the dialog
		app := startExample(t, fake)
		tab, _ := newBrowser(t)
		do(t, tab, chromedp.Navigate(app.URL+"/account"), chromedp.Click(chromedp.ID("allow")))
		require.Equal(t, "0", text(t, tab, "#friends"))

		// The example sends a user whose token OK no longer takes
		// through OK's dialog for a new one; the session stays meanwhile.
		fake.ExpireTokens()
		do(t, tab, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("allow")))
		assert.Contains(t, cookies(t, tab, app.callbackURL()), "okauth", "the session outlives the token")
		do(t, tab, chromedp.Click(chromedp.ID("allow")))
		assert.Equal(t, "0", text(t, tab, "#friends"), "friends.get works again with the new token")
		assert.Equal(t, app.URL+"/account", run(t, tab, chromedp.Location()), "back on the page that needed the token")
	})
}

// assertErrorPage checks that the tab shows okauth's error page with
// title and HTTP status, on the relay page's address without its
// fragment, with a link to sign in again, that it holds no session and no
// pending state, and that no page along the way reported a problem but the
// status itself (the error page's style is allowed by its CSP).
func assertErrorPage(t *testing.T, tab context.Context, rec *tabRecorder, app *exampleApp, title string, status int) {
	t.Helper()
	assert.Equal(t, fmt.Sprintf("Error %d", status), text(t, tab, ".code"))
	assert.Equal(t, title, text(t, tab, "h1"))
	assert.Equal(t, app.callbackURL(), run(t, tab, chromedp.Location()), "address bar")
	retry := run(t, tab, chromedp.Evaluate[string](`document.querySelector("#okauth-retry").href`))
	assert.Equal(t, app.URL+"/auth/ok/login?next=%2Faccount", retry, "the Try again link returns to the page the sign-in was for")
	home := run(t, tab, chromedp.Evaluate[string](`document.querySelector("#okauth-home").href`))
	assert.Equal(t, app.URL+"/", home, "the Home link goes to LandingPath")
	color := run(t, tab, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("h1")).color`))
	assert.Equal(t, "rgb(193, 85, 0)", color, "the error page's own style applies")

	jar := cookies(t, tab, app.callbackURL())
	assert.NotContains(t, jar, "okauth", "session cookie after a failed sign-in")
	assert.Empty(t, stateCookies(jar), "state cookies after a failed sign-in")
	assertHistoryClean(t, tab)
	// Chromium logs a page answered with an error status as a failed load.
	statusLogged := fmt.Sprintf("log error (network) at %s: Failed to load resource: the server responded with a status of %d ", app.callbackURL(), status)
	problems := slices.DeleteFunc(rec.Problems(), func(p string) bool { return strings.HasPrefix(p, statusLogged) })
	assert.Empty(t, problems, "problems the pages reported")
}
