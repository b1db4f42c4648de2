package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Scenario 7: with JavaScript off, the relay page cannot finish the
// sign-in and says so with its <noscript> text.
func TestNoScript(t *testing.T) {
	app := startExample(t, newFake(t))
	tab, _ := newBrowser(t)
	_, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	require.NoError(t, err)

	do(t, tab, chromedp.Navigate(app.URL+"/account"))
	require.True(t, strings.HasPrefix(run(t, tab, chromedp.Location()), app.callbackURL()+"#"), "on the relay page, with OK's answer")
	// With scripting off, the parser makes elements of <noscript>'s
	// content and the page lays them out; with it on, they are text.
	msg := text(t, tab, "noscript p")
	assert.Contains(t, msg, "JavaScript is needed to finish signing in with OK.ru")
	assert.Equal(t, "Try again", text(t, tab, "noscript a"))
	retry := run(t, tab, chromedp.Evaluate[string](`document.querySelector("noscript a").href`))
	assert.Equal(t, app.URL+"/auth/ok/login", retry, "the try again link")
	screenshot(t, tab, "noscript")

	jar := cookies(t, tab, app.callbackURL())
	assert.NotContains(t, jar, "okauth", "session cookie without the relay's POST")
	assert.Len(t, stateCookies(jar), 1, "the sign-in stays pending")
}
