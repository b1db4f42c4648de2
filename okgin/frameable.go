package okgin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/okauth/okauth"
)

// Frameable lets the pages of the rest of the chain be shown in an iframe
// by AppLink.FrameAncestors (by default, and without Config.AppLink, OK's
// pages), as [okauth.Auth.Frameable] does: just before the answer's
// headers are written, every Content-Security-Policy gets that
// frame-ancestors directive in place of its own and X-Frame-Options is
// dropped. The handlers after it keep their *gin.Context:
//
//	r.GET("/game", okgin.Frameable(auth), func(c *gin.Context) { … })
//
// Put it only on the pages an app shows inside ok.ru (such as
// AppLink.LandingPath); every other page should keep frame-ancestors
// 'none'.
func Frameable(auth *okauth.Auth) gin.HandlerFunc {
	return func(c *gin.Context) {
		var framed http.ResponseWriter
		auth.Frameable(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			framed = w
		})).ServeHTTP(c.Writer, c.Request)
		c.Writer = &frameWriter{ResponseWriter: c.Writer, framed: framed}
		c.Next()
	}
}

// frameWriter is c.Writer with the headers put through okauth's framing
// writer whenever Gin is about to send them: Gin's WriteHeader only
// records the status, so a handler may still set headers after it.
type frameWriter struct {
	gin.ResponseWriter
	framed http.ResponseWriter // okauth's, writing to ResponseWriter
}

// frame lets okauth's writer fix the headers, unless they are sent.
func (w *frameWriter) frame() {
	if !w.Written() {
		w.framed.WriteHeader(w.Status())
	}
}

// WriteHeaderNow frames the headers, then sends them.
func (w *frameWriter) WriteHeaderNow() {
	w.frame()
	w.ResponseWriter.WriteHeaderNow()
}

// Write frames the headers if not yet sent, then writes b.
func (w *frameWriter) Write(b []byte) (int, error) {
	w.frame()
	return w.ResponseWriter.Write(b)
}

// WriteString frames the headers if not yet sent, then writes s.
func (w *frameWriter) WriteString(s string) (int, error) {
	w.frame()
	return w.ResponseWriter.WriteString(s)
}

// Flush frames the headers if not yet sent, then flushes.
func (w *frameWriter) Flush() {
	w.frame()
	w.ResponseWriter.Flush()
}
