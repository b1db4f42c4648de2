package okauth

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
)

//go:embed fragment.js
var fragmentJS string

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// pageCSS styles the relay and error pages, the sign-in button included.
// Its hash is in their Content-Security-Policy, so no other inline style
// can run.
const pageCSS = `body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f6f6;color:#222;margin:0;padding:0 1em}` +
	`main{max-width:32em;margin:10vh auto;background:#fff;padding:2em;border-radius:12px;box-shadow:0 1px 4px #0002}` +
	`h1{font-size:1.4em;margin-top:0;color:#c15500}` +
	`a{color:#a34400}a:focus-visible{outline:3px solid #111;outline-offset:3px;border-radius:4px}` +
	`.actions{display:flex;flex-wrap:wrap;gap:1em;align-items:center}` +
	`.code{color:#6b6b6b;font-size:.85em}` + ButtonCSS

var (
	relayCSP = "default-src 'none'; script-src 'self'; style-src 'sha256-" + hashB64(pageCSS) + "'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	errorCSP = "default-src 'none'; style-src 'sha256-" + hashB64(pageCSS) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	// fragmentETag and buttonETag let browsers revalidate the assets
	// cheaply.
	fragmentETag = `"` + hashB64(fragmentJS)[:16] + `"`
	buttonETag   = `"` + hashB64(ButtonCSS)[:16] + `"`
)

func hashB64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// pageHeaders are set on every page this package serves.
func pageHeaders(w http.ResponseWriter, csp string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", csp)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
}

// render executes a page template into a buffer first, so a failure never
// leaves half a page.
func render(w http.ResponseWriter, name, csp string, status int, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "500 page failed", http.StatusInternalServerError)
		return
	}
	pageHeaders(w, csp)
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// relayPage is the page OK redirects to: fragment.js forwards the
// fragment to the server.
func (a *Auth) relayPage(w http.ResponseWriter, r *http.Request) {
	m := a.langs.forRequest(r)
	render(w, "relay.html", relayCSP, http.StatusOK, struct {
		M             *Messages
		Script, Login string
		Button        buttonData
		CSS           template.CSS
	}{m, a.cfg.Prefix + "/fragment.js", a.LoginURL(""), a.buttonData(m, ""), template.CSS(pageCSS)})
}

// errorPage is the default failure handler.
func (a *Auth) errorPage(w http.ResponseWriter, r *http.Request) {
	err, _ := ErrorFrom(r.Context())
	status := StatusOf(err)
	m := a.langs.forRequest(r)
	retry := a.RetryURL(r)
	if errors.Is(err, ErrBadLaunch) || errors.Is(err, ErrLaunchUnauthorized) {
		// Inside ok.ru's iframe, where OK's dialog would not open: the
		// way back is opening the app from OK again, as the page says.
		retry = ""
	}
	if errors.Is(err, ErrRefusedByOnSignIn) {
		retry = "" // the site refused this user: signing in again cannot succeed
	}
	if r.URL.Path == a.LogoutURL() {
		retry = "" // a sign-in would be no way to retry a sign-out
	}
	render(w, "error.html", errorCSP, status, struct {
		M           *Messages
		Text        ErrorText
		Retry, Home string
		Status      int
		CSS         template.CSS
	}{m, m.text(err), retry, a.cfg.LandingPath, status, template.CSS(pageCSS)})
}

// RetryURL is where a failure handler's "Try again" link goes: the login
// route, returning to the page the failed sign-in was to return to when it
// is known.
func (a *Auth) RetryURL(r *http.Request) string {
	next, _ := r.Context().Value(nextKey).(string)
	return a.LoginURL(next)
}

// jsonString is s as a JSON string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
