package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/okauth/okauth/oktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Scenario 6: Sign out ends the session, lands on the public page, and
// stays signed out. The fake OK approves at once, as OK.ru does for a user
// who already allowed the app, so a sign-out that sent the browser to a
// page requiring sign-in would be signed straight back in.
func TestLogout(t *testing.T) {
	app := startExample(t, newFake(t))
	tab, _ := newBrowser(t)
	do(t, tab, chromedp.Navigate(app.URL+"/account"))
	require.Equal(t, "0", text(t, tab, "#friends"))
	require.Contains(t, cookies(t, tab, app.URL+"/"), "okauth")

	do(t, tab, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("signin")))
	assert.Equal(t, app.URL+"/", run(t, tab, chromedp.Location()), "sign-out lands on the public page")
	assertSignedOut(t, tab, app)

	// A second later, nothing has signed the browser back in.
	time.Sleep(time.Second)
	assert.Equal(t, app.URL+"/", run(t, tab, chromedp.Location()), "still on the public page")
	assertSignedOut(t, tab, app)
	do(t, tab, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("signin")))
	assertSignedOut(t, tab, app)
}

// assertSignedOut checks that the tab shows the public page signed out:
// the sign-in button, no user, and no session cookie.
func assertSignedOut(t *testing.T, tab context.Context, app *exampleApp) {
	t.Helper()
	assert.NotContains(t, cookies(t, tab, app.URL+"/"), "okauth", "session cookie after sign-out")
	visible := run(t, tab, chromedp.Evaluate[bool](`!!document.querySelector("#signin .okauth-button") && !document.querySelector("#name")`))
	assert.True(t, visible, "the public page shows the sign-in button and no user")
	assert.NotContains(t, run(t, tab, chromedp.Evaluate[string](`document.body.innerText`)), oktest.DefaultUser.Name)
}
