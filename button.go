package okauth

import (
	"bytes"
	"html/template"
	"net/http"
)

// ButtonCSS styles [Auth.Button]'s link: OK.ru's orange (#ee8208) with
// near-black text (7:1 contrast, above WCAG AA's 4.5:1), a visible
// keyboard focus ring, and a width that fits a 400 px screen. The routes
// serve it as Prefix + "/button.css" ([Auth.ButtonCSSURL]) for pages
// whose Content-Security-Policy allows style-src 'self'; apps that bundle
// their CSS can copy it.
const ButtonCSS = `.okauth-button{display:inline-flex;align-items:center;gap:.55em;box-sizing:border-box;max-width:100%;min-height:44px;` +
	`padding:.55em 1.25em;border-radius:8px;background:#ee8208;color:#111;font:600 1em/1.25 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;` +
	`text-decoration:none;border:0;cursor:pointer}` +
	`.okauth-button:hover{background:#f39a35;color:#111}` +
	`.okauth-button:focus-visible{outline:3px solid #111;outline-offset:3px}` +
	`.okauth-logo{flex:none;width:1.3em;height:1.3em}`

// buttonData is what the "button" template shows.
type buttonData struct{ Href, Lang, Text string }

func (a *Auth) buttonData(m *Messages, next string) buttonData {
	return buttonData{Href: a.LoginURL(next), Lang: m.Lang, Text: m.SignIn}
}

// Button is a "Sign in with OK.ru" link, in the language of
// [Auth.Language]: an <a class="okauth-button"> to the login route that
// returns to next (a same-site path; anything else returns to
// Config.LandingPath), with OK's logo as inline SVG. Put it in an
// html/template as {{.Button}}; style it with [ButtonCSS] or the
// stylesheet at [Auth.ButtonCSSURL].
func (a *Auth) Button(r *http.Request, next string) template.HTML {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, "button", a.buttonData(a.langs.forRequest(r), next)); err != nil {
		return "" // the template is fixed and its data are strings
	}
	return template.HTML(buf.String()) // #nosec: rendered by html/template
}

// ButtonCSSURL is the path of the stylesheet holding [ButtonCSS].
func (a *Auth) ButtonCSSURL() string { return a.cfg.Prefix + "/button.css" }
