package okauth_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

func TestFrameable(t *testing.T) {
	auth, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://a.example/auth/ok/callback",
		SessionKeys: testKeys, AppSecret: "s", AppLink: &okauth.AppLink{FrameAncestors: []string{"https://site.test"}}})
	require.NoError(t, err)
	for _, r := range []struct {
		name      string
		csp, want []string
	}{
		{"one policy", []string{"default-src 'self'; frame-ancestors 'none'"},
			[]string{"default-src 'self'; frame-ancestors https://site.test"}},
		{"no policy", nil, []string{"frame-ancestors https://site.test"}},
		{"every header line, the others' directives kept", []string{
			"default-src 'self'; frame-ancestors 'none'",
			"script-src 'self' https://cdn.example",
			"FRAME-ANCESTORS\t'self'; img-src data:",
		}, []string{
			"default-src 'self'; frame-ancestors https://site.test",
			"script-src 'self' https://cdn.example; frame-ancestors https://site.test",
			"img-src data:; frame-ancestors https://site.test",
		}},
		{"several policies in one line", []string{"frame-ancestors 'none'; style-src 'self', script-src 'none'; frame-ancestors 'self'"},
			[]string{"style-src 'self'; frame-ancestors https://site.test, script-src 'none'; frame-ancestors https://site.test"}},
		{"a directive that only starts like it", []string{"frame-ancestorsx 'none'; frame-ancestors 'none'"},
			[]string{"frame-ancestorsx 'none'; frame-ancestors https://site.test"}},
	} {
		t.Run(r.name, func(t *testing.T) {
			h := auth.Frameable(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for _, v := range r.csp {
					w.Header().Add("Content-Security-Policy", v)
				}
				w.Header().Set("X-Frame-Options", "DENY")
				io.WriteString(w, "game")
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/game", nil))
			assert.Equal(t, r.want, rec.Header().Values("Content-Security-Policy"))
			assert.Empty(t, rec.Header().Get("X-Frame-Options"))
			assert.Equal(t, "game", rec.Body.String())
		})
	}
}

// TestFrameableFlushFirst: a page that flushes before it writes (through
// http.ResponseController, or as an http.Flusher) still goes out with only
// its frame-ancestors changed.
func TestFrameableFlushFirst(t *testing.T) {
	auth, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://a.example/auth/ok/callback",
		SessionKeys: testKeys, AppSecret: "s", AppLink: &okauth.AppLink{FrameAncestors: []string{"https://site.test"}}})
	require.NoError(t, err)
	for name, flush := range map[string]func(http.ResponseWriter) error{
		"ResponseController": func(w http.ResponseWriter) error { return http.NewResponseController(w).Flush() },
		"http.Flusher":       func(w http.ResponseWriter) error { w.(http.Flusher).Flush(); return nil },
	} {
		t.Run(name, func(t *testing.T) {
			h := auth.Frameable(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors *")
				w.Header().Set("X-Frame-Options", "DENY")
				require.NoError(t, flush(w))
				io.WriteString(w, "game")
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/game", nil))
			sent := rec.Result().Header // as flushed, before the body
			assert.Equal(t, []string{"default-src 'self'; frame-ancestors https://site.test"}, sent.Values("Content-Security-Policy"))
			assert.Empty(t, sent.Get("X-Frame-Options"))
		})
	}
}
