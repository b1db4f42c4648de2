package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/okauth/okauth/oktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pageWords are what each page must say in one language.
type pageWords struct {
	lang, acceptLanguage                       string
	welcome, signIn, relayEmpty, allow, deny   string
	errorTitle, tryAgain, hello, signOut, home string
}

var languages = []pageWords{
	{lang: "ru", acceptLanguage: "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7",
		welcome: "Демо okauth", signIn: "Войти через OK.ru",
		relayEmpty: "Эта страница нужна для входа через OK.ru\u00a0— сейчас здесь нечего завершать.",
		allow:      "Разрешить", deny: "Отказать", errorTitle: "Вход отменён", tryAgain: "Попробовать ещё раз",
		hello: "Здравствуйте,", signOut: "Выйти", home: "На главную"},
	{lang: "en", acceptLanguage: "en-GB,en;q=0.9,ru;q=0.5",
		welcome: "okauth demo", signIn: "Sign in with OK.ru",
		relayEmpty: "This page finishes a sign-in with OK.ru and has nothing to finish.",
		allow:      "Allow", deny: "Deny", errorTitle: "Sign-in cancelled", tryAgain: "Try again",
		hello: "Hello,", signOut: "Sign out", home: "Home"},
}

// TestLanguages: with Accept-Language preferring Russian, every page of
// the visit is in Russian, and with English, in English: the public page
// and its button, the relay page, the fake OK's consent page, the error
// page after Deny, and the signed-in page. Each page's <html lang> says
// so. The README's screenshots are taken here.
func TestLanguages(t *testing.T) {
	for _, w := range languages {
		t.Run(w.lang, func(t *testing.T) {
			app := startExample(t, nil) // the example's own fake, with its consent page
			tab, rec := newBrowser(t)
			setAcceptLanguage(t, tab, w.acceptLanguage)

			do(t, tab, chromedp.Navigate(app.URL+"/"))
			assert.Equal(t, w.welcome, text(t, tab, "#welcome"))
			assert.Equal(t, w.signIn, text(t, tab, "#signin .okauth-button"))
			assertLang(t, tab, w.lang, "public page")
			screenshot(t, tab, "signed-out-"+w.lang)

			do(t, tab, chromedp.Navigate(app.URL+"/auth/ok/callback"))
			assert.Equal(t, w.relayEmpty, text(t, tab, "#okauth-empty p"))
			assert.Equal(t, w.signIn, text(t, tab, "#okauth-empty .okauth-button"))
			assertLang(t, tab, w.lang, "relay page")
			font := run(t, tab, chromedp.Evaluate[string](`getComputedStyle(document.body).fontFamily`))
			assert.Contains(t, font, "system-ui", "the relay page is styled, not the browser's default serif")

			do(t, tab, chromedp.Navigate(app.URL+"/account"))
			assert.Equal(t, w.allow, text(t, tab, "#allow"))
			assert.Equal(t, w.deny, text(t, tab, "#deny"))
			assertLang(t, tab, w.lang, "consent page")
			screenshot(t, tab, "consent-"+w.lang)

			do(t, tab, chromedp.Click(chromedp.ID("deny")))
			assert.Equal(t, w.tryAgain, text(t, tab, "#okauth-retry")) // waits for the error page
			assert.Equal(t, w.errorTitle, text(t, tab, "h1"))
			assert.Equal(t, w.home, text(t, tab, "#okauth-home"))
			assertLang(t, tab, w.lang, "error page")
			screenshot(t, tab, "error-"+w.lang)
			rec.Problems() // the error page's status is logged as a failed load

			do(t, tab, chromedp.Navigate(app.URL+"/"), chromedp.Click(chromedp.CSS("#signin .okauth-button")), chromedp.Click(chromedp.ID("allow")))
			assert.Equal(t, "0", text(t, tab, "#friends"))
			do(t, tab, chromedp.Navigate(app.URL+"/"))
			assert.Equal(t, oktest.DefaultUser.Name, text(t, tab, "#name"))
			assert.Equal(t, w.hello+" "+oktest.DefaultUser.Name, text(t, tab, "h1"))
			assert.Equal(t, w.signOut, text(t, tab, "#logout"))
			assertLang(t, tab, w.lang, "signed-in page")
			screenshot(t, tab, "signed-in-"+w.lang)
			assert.Empty(t, rec.Problems(), "problems the pages reported")
		})
	}
}

// setAcceptLanguage makes every request of the tab send header as its
// Accept-Language.
func setAcceptLanguage(t *testing.T, tab context.Context, header string) {
	t.Helper()
	_, err := chromedp.Call(tab, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(tab, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": header}})
	require.NoError(t, err)
}

// assertLang checks the page's <html lang>.
func assertLang(t *testing.T, tab context.Context, want, page string) {
	t.Helper()
	assert.Equal(t, want, run(t, tab, chromedp.Evaluate[string](`document.documentElement.lang`)), "<html lang> of the %s", page)
}
