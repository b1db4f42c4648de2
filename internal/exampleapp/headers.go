package exampleapp

import (
	"net/http"
	"time"
)

// pageCSP lets the example's pages show the user's picture (from OK's
// servers, or the embedded fake's) and their stylesheets from this origin
// (/site.css and okauth's button.css), and nothing else: no inline style,
// no script, no plugin, no framing by another site. okauth's own pages
// replace it with theirs.
const pageCSP = "default-src 'none'; img-src https: http:; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets, on every answer of h, a Content-Security-Policy
// with frame-ancestors, nosniff, a referrer policy and no-store: each page
// of the example shows a signed-in user, so none may be kept in a cache.
// A handler may still set its own.
func SecurityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", pageCSP)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// server is the example's HTTP server for h. Every phase of a request has
// a deadline, so slow clients cannot hold connections: the header, the
// whole request (okauth also bounds the callback's body itself), the
// answer (which for the callback includes a call to OK, bounded by
// okauth's 10 s Timeout), and an idle keep-alive connection.
func server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           SecurityHeaders(h),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
}
