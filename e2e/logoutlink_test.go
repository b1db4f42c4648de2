package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogoutLink: a sign-out link (GET /auth/ok/logout), in each
// language, opens a page in that language that signs no one out by
// itself; its button posts the form, which the logout route accepts as
// same-origin, and the browser lands signed out on the public page.
func TestLogoutLink(t *testing.T) {
	titles := map[string]string{"ru": "Выйти?", "en": "Sign out?"}
	for _, w := range languages {
		t.Run(w.lang, func(t *testing.T) {
			app := startExample(t, newFake(t))
			tab, _ := newBrowser(t)
			setAcceptLanguage(t, tab, w.acceptLanguage)
			do(t, tab, chromedp.Navigate(app.URL+"/account"))
			require.Equal(t, "0", text(t, tab, "#friends"))

			do(t, tab, chromedp.Navigate(app.URL+"/auth/ok/logout"))
			assert.Equal(t, w.signOut, text(t, tab, "#okauth-signout"))
			assert.Equal(t, titles[w.lang], text(t, tab, "h1"))
			assertLang(t, tab, w.lang, "sign-out page")
			require.Contains(t, cookies(t, tab, app.URL+"/"), "okauth", "opening the link signs no one out")

			do(t, tab, chromedp.Click(chromedp.ID("okauth-signout")), chromedp.WaitVisible(chromedp.ID("signin")))
			assert.Equal(t, app.URL+"/", run(t, tab, chromedp.Location()), "sign-out lands on the public page")
			assertSignedOut(t, tab, app)
		})
	}
}
