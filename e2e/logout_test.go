package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/okauth/okauth/oktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Scenario 6: the Sign out button ends the session, and / asks for
// sign-in again.
func TestLogout(t *testing.T) {
	app := startExample(t, nil) // its fake's dialog waits for Allow
	tab, _ := newBrowser(t)
	do(t, tab, chromedp.Navigate(app.URL+"/"), chromedp.Click(chromedp.ID("allow")))
	require.Equal(t, oktest.DefaultUser.Name, text(t, tab, "#name"))
	require.Contains(t, cookies(t, tab, app.URL+"/"), "okauth")

	do(t, tab, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("allow")))
	assert.NotContains(t, cookies(t, tab, app.URL+"/"), "okauth", "session cookie after sign-out")

	// A fresh visit to / is sent to OK's dialog too.
	do(t, tab, chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.ID("allow")))
	assert.NotContains(t, run(t, tab, chromedp.Location()), app.URL, "/ let a signed-out browser in")
}
