package okauth

import (
	"net/http"
	"strings"
)

// Frameable lets the pages of h be shown in an iframe by
// AppLink.FrameAncestors (by default, and without Config.AppLink, OK's
// pages):
// every policy in every Content-Security-Policy header line gets that
// frame-ancestors directive, in place of its own, with its other
// directives kept, and X-Frame-Options is dropped. Wrap only the pages an
// app shows inside ok.ru (such as AppLink.LandingPath); okauth's own
// pages, and every other page, should keep frame-ancestors 'none'.
func (a *Auth) Frameable(h http.Handler) http.Handler {
	directive := "frame-ancestors " + strings.Join(a.cfg.frameAncestors(), " ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&frameWriter{ResponseWriter: w, directive: directive}, r)
	})
}

// frameWriter puts its frame-ancestors directive into the answer's
// headers just before they are written.
type frameWriter struct {
	http.ResponseWriter
	directive string
	done      bool
}

func (f *frameWriter) fix() {
	if f.done {
		return
	}
	f.done = true
	h := f.ResponseWriter.Header()
	h.Del("X-Frame-Options")
	lines := h.Values("Content-Security-Policy")
	if len(lines) == 0 {
		h.Set("Content-Security-Policy", f.directive)
		return
	}
	fixed := make([]string, len(lines))
	for i, line := range lines {
		fixed[i] = withFrameAncestors(line, f.directive)
	}
	h["Content-Security-Policy"] = fixed
}

// withFrameAncestors is the header line with each policy's
// frame-ancestors directive, if any, replaced by directive, and every
// other directive kept as it was. A browser enforces every policy it is
// sent (one header line may hold several, comma-separated), so each gets
// it: one left with frame-ancestors 'none' would still forbid the frame.
func withFrameAncestors(line, directive string) string {
	policies := strings.Split(line, ",")
	for i, policy := range policies {
		parts := []string{}
		for _, d := range strings.Split(policy, ";") {
			if d = strings.TrimSpace(d); d == "" {
				continue
			}
			name, _, _ := strings.Cut(strings.Join(strings.Fields(d), " "), " ")
			if !strings.EqualFold(name, "frame-ancestors") {
				parts = append(parts, d)
			}
		}
		policies[i] = strings.Join(append(parts, directive), "; ")
	}
	return strings.Join(policies, ", ")
}

// WriteHeader fixes the headers, then writes them.
func (f *frameWriter) WriteHeader(code int) {
	f.fix()
	f.ResponseWriter.WriteHeader(code)
}

// Write fixes the headers if not yet written, then writes b.
func (f *frameWriter) Write(b []byte) (int, error) {
	f.fix()
	return f.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (f *frameWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// FlushError fixes the headers, then flushes: http.ResponseController
// calls it before it would unwrap to the underlying writer, whose flush
// would send the headers unfixed.
func (f *frameWriter) FlushError() error {
	f.fix()
	return http.NewResponseController(f.ResponseWriter).Flush()
}

// Flush is FlushError for a handler that asserts http.Flusher.
func (f *frameWriter) Flush() { _ = f.FlushError() }
