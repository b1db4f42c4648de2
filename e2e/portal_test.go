package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"

	"github.com/okauth/okauth/oktest"
)

// portalPrefix starts the line where the example says where its fake's
// page of the app, standing in for ok.ru, is.
const portalPrefix = "okauth example: as inside ok.ru (the fake's page of the app), open "

// portalURL is the fake's page of the app that app printed.
func (a *exampleApp) portalURL(t *testing.T) string {
	t.Helper()
	for deadline := time.Now().Add(testTimeout / 2); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, line := range strings.Split(a.out.String(), "\n") {
			if u, ok := strings.CutPrefix(line, portalPrefix); ok {
				return u
			}
		}
	}
	t.Fatalf("the example printed no %q line", portalPrefix)
	return ""
}

// inAppFrame runs f with the document of the page's #app iframe (same
// site as the page, so in its process), until f succeeds: the frame
// navigates from the launch to the landing page on its own.
func inAppFrame(t *testing.T, tab context.Context, f func(ctx context.Context, doc chromedp.QueryOption) error) {
	t.Helper()
	last := errors.New("no #app iframe")
	for deadline := time.Now().Add(testTimeout / 2); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		wait, cancel := context.WithTimeout(tab, 2*time.Second)
		var nodes []*chromedp.Node
		nodes, last = chromedp.Run(wait, chromedp.Nodes(chromedp.CSS("#app")))
		if last == nil && len(nodes) == 1 {
			last = f(wait, chromedp.FromNode(nodes[0]))
		}
		cancel()
		if last == nil {
			return
		}
	}
	t.Fatalf("in the app's iframe: %v", last)
}

// frameTextIs waits until the app's iframe shows want in css.
func frameTextIs(t *testing.T, tab context.Context, css, want, why string) {
	t.Helper()
	var got string
	inAppFrame(t, tab, func(ctx context.Context, doc chromedp.QueryOption) (err error) {
		if got, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), doc)); err == nil && strings.TrimSpace(got) != want {
			err = errors.New(css + " shows " + got)
		}
		return err
	})
	assert.Equal(t, want, strings.TrimSpace(got), why)
}

// frameAttr is attribute name of css in the app's iframe.
func frameAttr(t *testing.T, tab context.Context, css, name string) string {
	t.Helper()
	var v string
	inAppFrame(t, tab, func(ctx context.Context, doc chromedp.QueryOption) error {
		a, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(css), name, doc))
		v = a.Value
		return err
	})
	return v
}

// buyInOK clicks Buy on the game page inside the fake ok.ru's iframe, once
// OK's JS SDK (the fake's stand-in) is ready, and waits for OK's purchase
// dialog on the page around it, which it answers with button.
func buyInOK(t *testing.T, tab context.Context, button string) {
	t.Helper()
	// A click that lands before the page is laid out is lost; Buy stays
	// enabled then, and is clicked again. Once a click counts, Buy is
	// disabled until API_callback, so no purchase is asked for twice.
	dialogShown := func() bool {
		shown, err := chromedp.Run(tab, chromedp.Evaluate[bool](`!document.getElementById("payment").hidden`))
		return err == nil && shown
	}
	for deadline := time.Now().Add(testTimeout / 2); !dialogShown(); time.Sleep(300 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("OK's purchase dialog did not open")
		}
		wait, cancel := context.WithTimeout(tab, 2*time.Second)
		if nodes, err := chromedp.Run(wait, chromedp.Nodes(chromedp.CSS("#app"))); err == nil && len(nodes) == 1 {
			doc := chromedp.FromNode(nodes[0])
			_ = chromedp.Do(wait, chromedp.WaitEnabled(chromedp.CSS("#buy"), doc), chromedp.Click(chromedp.CSS("#buy"), doc))
		}
		cancel()
	}
	assert.Equal(t, "10", text(t, tab, "#pay-price"), "OK's dialog shows the price showPayment asked")
	do(t, tab, chromedp.Click(chromedp.CSS(button)), chromedp.WaitNotVisible(chromedp.CSS("#payment")))
}

// The example as `go run ./example` starts it, opened inside its fake
// ok.ru: the fake's page frames the App link launched as OK launches it,
// the game page loads OK's JS SDK (the fake's stand-in) and signs the
// player in; Cancel in OK's purchase dialog credits nothing, and Pay has
// the fake deliver the payment to the Callback link, after which the
// game, told by API_callback, shows the new balance.
func TestExampleInsideOK(t *testing.T) {
	app := startExample(t, nil)
	tab, rec := newBrowser(t)
	portal := app.portalURL(t)
	do(t, tab, chromedp.Navigate(portal))

	frameTextIs(t, tab, "#uid", oktest.DefaultUser.UID, "the game, signed in as the player OK launched it for")
	frameTextIs(t, tab, "#balance", "0", "no coins yet")

	// Cancel: nothing delivered, nothing credited.
	buyInOK(t, tab, "#pay-cancel")
	frameTextIs(t, tab, "#status", frameAttr(t, tab, "#buy", "data-notbought"), "API_callback told the game: no purchase")
	frameTextIs(t, tab, "#balance", "0", "cancel credits nothing")
	assert.NotContains(t, app.out.String(), "okpay: payment credited", "no payment reached the Callback link")

	// Pay: OK delivers the payment, the game shows the new balance.
	buyInOK(t, tab, "#pay-confirm")
	frameTextIs(t, tab, "#status", frameAttr(t, tab, "#buy", "data-bought"), "API_callback told the game: paid")
	frameTextIs(t, tab, "#balance", "100", "the Callback link credited 100 coins")
	assert.Equal(t, 1, strings.Count(app.out.String(), "okpay: payment credited"), "one payment reached the Callback link")

	// A new launch (OK's page opened again) shows the same balance.
	do(t, tab, chromedp.Navigate(portal))
	frameTextIs(t, tab, "#balance", "100", "the credit stays")
	assert.Empty(t, rec.Problems(), "no console errors, failed loads or CSP reports")
}
