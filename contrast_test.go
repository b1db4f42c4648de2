package okauth

import (
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestContrast computes the WCAG 2 contrast of every text colour the pages
// and the button use, read from the CSS itself: at least 4.5:1 (AA for
// normal text), and 3:1 for the focus ring against the page.
func TestContrast(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fg, bg string
		min    float64
	}{
		{"button", decl(t, ButtonCSS, ".okauth-button", "color"), decl(t, ButtonCSS, ".okauth-button", "background"), 4.5},
		{"button, hover", decl(t, ButtonCSS, ".okauth-button:hover", "color"), decl(t, ButtonCSS, ".okauth-button:hover", "background"), 4.5},
		{"button focus ring on the page", outlineColor(t, ButtonCSS, ".okauth-button:focus-visible"), decl(t, pageCSS, "body", "background"), 3},
		{"button focus ring on white", outlineColor(t, ButtonCSS, ".okauth-button:focus-visible"), "#fff", 3},
		{"heading", decl(t, pageCSS, "h1", "color"), decl(t, pageCSS, "main", "background"), 4.5},
		{"links", decl(t, pageCSS, "a", "color"), decl(t, pageCSS, "main", "background"), 4.5},
		{"text", decl(t, pageCSS, "body", "color"), decl(t, pageCSS, "main", "background"), 4.5},
		{"status line", decl(t, pageCSS, ".code", "color"), decl(t, pageCSS, "main", "background"), 4.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := contrast(t, tc.fg, tc.bg)
			t.Logf("%s on %s: %.2f:1", tc.fg, tc.bg, c)
			assert.GreaterOrEqual(t, c, tc.min)
		})
	}
}

// decl is the value of prop in the rule for selector in css.
func decl(t *testing.T, css, selector, prop string) string {
	t.Helper()
	rule := regexp.MustCompile(`(?:^|})` + regexp.QuoteMeta(selector) + `\{([^}]*)\}`).FindStringSubmatch(css)
	require.NotNil(t, rule, "no rule for %s", selector)
	v := regexp.MustCompile(`(?:^|;)` + regexp.QuoteMeta(prop) + `:([^;]*)`).FindStringSubmatch(rule[1])
	require.NotNil(t, v, "no %s in the rule for %s", prop, selector)
	return v[1]
}

func outlineColor(t *testing.T, css, selector string) string {
	m := regexp.MustCompile(`#[0-9a-f]+`).FindString(decl(t, css, selector, "outline"))
	require.NotEmpty(t, m)
	return m
}

// contrast is the WCAG 2 contrast ratio of two #rgb or #rrggbb colours.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	require.Regexp(t, `^#([0-9a-f]{3}|[0-9a-f]{6})$`, hex)
	h := hex[1:]
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	var lin [3]float64
	for i := range lin {
		v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		require.NoError(t, err)
		c := float64(v) / 255
		if c <= 0.04045 {
			lin[i] = c / 12.92
		} else {
			lin[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*lin[0] + 0.7152*lin[1] + 0.0722*lin[2]
}
