package okauth

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"time"
)

//go:embed fragment.js
var fragmentJS []byte

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// errorCSS styles the error page. Its hash is in the page's
// Content-Security-Policy, so no other inline style can run.
const errorCSS = `body{font:16px/1.5 system-ui,sans-serif;background:#f6f6f6;color:#222;margin:0}` +
	`main{max-width:32em;margin:10vh auto;background:#fff;padding:2em;border-radius:12px;box-shadow:0 1px 4px #0002}` +
	`h1{font-size:1.4em;margin-top:0;color:#c15500}` +
	`a.button{display:inline-block;background:#ee8208;color:#fff;padding:.5em 1.2em;border-radius:6px;text-decoration:none;margin-right:1em}` +
	`.code{color:#888;font-size:.85em}`

var (
	relayCSP = "default-src 'none'; script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	errorCSP = "default-src 'none'; style-src 'sha256-" + hashB64(errorCSS) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	// fragmentETag lets browsers revalidate fragment.js cheaply.
	fragmentETag = `"` + hashB64(string(fragmentJS))[:16] + `"`
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
	render(w, "relay.html", relayCSP, http.StatusOK, struct{ Script, Login string }{
		Script: a.cfg.Prefix + "/fragment.js",
		Login:  a.LoginURL(""),
	})
}

// errorPage is the default failure handler.
func (a *Auth) errorPage(w http.ResponseWriter, r *http.Request) {
	err, _ := ErrorFrom(r.Context())
	status := StatusOf(err)
	title, detail := userMessage(err)
	render(w, "error.html", errorCSP, status, struct {
		Title, Detail, Login string
		Status               int
		CSS                  template.CSS
	}{title, detail, a.LoginURL(""), status, template.CSS(errorCSS)})
}

func serveFragmentJS(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", fragmentETag)
	http.ServeContent(w, r, "fragment.js", time.Time{}, bytes.NewReader(fragmentJS))
}

// jsonString is s as a JSON string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
