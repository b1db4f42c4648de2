package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignInButton: the signed-out public page shows okauth's button, a
// real link to the login route with next, in OK's orange with dark text;
// the keyboard reaches it and shows a focus ring; it fits a 400 px wide
// screen; and following it signs in and returns to next.
func TestSignInButton(t *testing.T) {
	app := startExample(t, newFake(t)) // the fake approves at once
	tab, _ := newBrowser(t)
	do(t, tab, chromedp.Navigate(app.URL+"/"))
	const button = "#signin .okauth-button"
	require.Equal(t, "Sign in with OK.ru", text(t, tab, button))
	href := run(t, tab, chromedp.Evaluate[string](`document.querySelector("#signin .okauth-button").href`))
	assert.Equal(t, app.URL+"/auth/ok/login?next=%2Faccount", href)
	colors := run(t, tab, chromedp.Evaluate[[]string](`(() => { const s = getComputedStyle(document.querySelector("#signin .okauth-button")); return [s.backgroundColor, s.color] })()`))
	assert.Equal(t, []string{"rgb(238, 130, 8)", "rgb(17, 17, 17)"}, colors, "OK's orange with dark text")

	// Tab from the start of the page until the button has the focus.
	focused := false
	for range 6 {
		do(t, tab, chromedp.KeyEvent(kb.Tab))
		if run(t, tab, chromedp.Evaluate[bool](`document.activeElement === document.querySelector("#signin .okauth-button")`)) {
			focused = true
			break
		}
	}
	require.True(t, focused, "the keyboard reaches the button")
	outline := run(t, tab, chromedp.Evaluate[[]string](`(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth] })()`))
	assert.Equal(t, []string{"solid", "3px"}, outline, "a visible focus ring")

	do(t, tab, chromedp.EmulateViewport(400, 700))
	fits := run(t, tab, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector("#signin .okauth-button").getBoundingClientRect(); return [r.left, r.right, r.height, document.documentElement.scrollWidth] })()`))
	assert.GreaterOrEqual(t, fits[0], 0.0, "button's left edge")
	assert.LessOrEqual(t, fits[1], 400.0, "button's right edge")
	assert.Less(t, fits[2], 60.0, "the button stays on one line")
	assert.LessOrEqual(t, fits[3], 400.0, "no sideways scrolling")
	png := run(t, tab, chromedp.CaptureScreenshot())
	require.NoError(t, os.MkdirAll("out", 0o755))
	require.NoError(t, os.WriteFile(filepath.Join("out", "button-400.png"), png, 0o644))

	do(t, tab, chromedp.EmulateViewport(viewWidth, viewHeight), chromedp.Click(chromedp.CSS(button)))
	assert.Equal(t, "0", text(t, tab, "#friends"))
	assert.Equal(t, app.URL+"/account", run(t, tab, chromedp.Location()), "the sign-in returned to next")
}
