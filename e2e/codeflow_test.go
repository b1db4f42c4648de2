package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// OK's server flow (OK_FLOW=code) signs in with JavaScript disabled: OK's
// redirect brings a code in the callback's query, the example exchanges
// it at the fake's token endpoint, and the browser lands on /account signed in
// without any relay page. TestNoScript is the control: in the token flow
// the same browser stays on the relay page.
func TestCodeFlowWithoutJavaScript(t *testing.T) {
	fake := newFake(t)
	app := startExample(t, fake, "OK_FLOW=code", "OK_APP_SECRET="+fake.AppSecret,
		"OK_TOKEN_URL="+fake.Endpoint().TokenURL)
	tab, rec := newBrowser(t)
	_, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	require.NoError(t, err)

	tokenCalls, apiCalls := fake.TokenCalls(), fake.APICalls()
	do(t, tab, chromedp.Navigate(app.URL+"/account"))
	assertSignedIn(t, tab, app, 0)
	assert.Equal(t, 1, fake.TokenCalls()-tokenCalls, "one code exchange")
	// users.getCurrentUser at the callback, friends.get on /account.
	assert.Equal(t, 2, fake.APICalls()-apiCalls, "calls to OK's API")
	for _, a := range rec.Addresses() {
		assert.False(t, strings.HasPrefix(a, app.callbackURL()), "the callback was never a page of its own: %s", a)
		assert.NotContains(t, a, "code=", "no code in an address the tab showed")
	}
	assert.Empty(t, rec.Problems(), "problems during the sign-in")
	hist := run(t, tab, chromedp.NavigationEntries())
	for _, e := range hist.Entries {
		assert.NotContains(t, e.URL, "code=", "no code in the history")
	}
}
