package okauth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

func TestButton(t *testing.T) {
	auth, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://example.com/auth/ok/callback",
		SessionKeys: testKeys, LandingPath: "/home"})
	require.NoError(t, err)
	req := func(lang string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", lang)
		return r
	}
	for _, tc := range []struct{ name, lang, next, href, text string }{
		{"Russian", "ru-RU", "/account?tab=1&x=<b>", `/auth/ok/login?next=%2Faccount%3Ftab%3D1%26x%3D%3Cb%3E`, "Войти через OK.ru"},
		{"English", "en", "/", `/auth/ok/login?next=%2F`, "Sign in with OK.ru"},
		{"foreign next goes to LandingPath", "en", "https://evil.example/", `/auth/ok/login`, "Sign in with OK.ru"},
		{"no next", "de", "", `/auth/ok/login`, "Sign in with OK.ru"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			html := string(auth.Button(req(tc.lang), tc.next))
			assert.Regexp(t, `^<a class="okauth-button" href="`+regexp.QuoteMeta(tc.href)+`" lang="(ru|en)"><svg [^>]*aria-hidden="true"`, html)
			assert.Contains(t, html, "<span>"+tc.text+"</span></a>")
			assert.NotContains(t, html, "<b>")
		})
	}

	// In a template, the button is HTML, not escaped text.
	var out strings.Builder
	tmpl := template.Must(template.New("").Parse(`<p>{{.}}</p>`))
	require.NoError(t, tmpl.Execute(&out, auth.Button(req("en"), "/")))
	assert.True(t, strings.HasPrefix(out.String(), `<p><a class="okauth-button"`), out.String())
}

// TestButtonCSSRoute: the stylesheet is served under the prefix, as CSS
// that browsers do not sniff, and revalidates with its ETag.
func TestButtonCSSRoute(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)
	assert.Equal(t, "/auth/ok/button.css", e.Auth.ButtonCSSURL())
	resp := get(t, c, e.App.URL+e.Auth.ButtonCSSURL())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/css; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, okauth.ButtonCSS, body(t, resp))

	req, _ := http.NewRequest(http.MethodGet, e.App.URL+"/auth/ok/button.css", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	again, err := c.Do(req)
	require.NoError(t, err)
	again.Body.Close()
	assert.Equal(t, http.StatusNotModified, again.StatusCode)

	req, _ = http.NewRequest(http.MethodPost, e.App.URL+"/auth/ok/button.css", nil)
	post, err := c.Do(req)
	require.NoError(t, err)
	post.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, post.StatusCode)
}

// TestPageStyleIsAllowed: the relay and error pages' one <style> is the
// one the Content-Security-Policy's hash allows, so the page is styled,
// and nothing else inline is.
func TestPageStyleIsAllowed(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)
	e.OK.SetAuthError("access_denied")
	frag := e.StartLogin(t, c, "/")
	for name, resp := range map[string]*http.Response{
		"relay": get(t, c, e.App.URL+"/auth/ok/callback"),
		"error": e.PostForm(t, c, "/auth/ok/callback", frag.Encode()),
	} {
		page := body(t, resp)
		styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(page, -1)
		require.Len(t, styles, 1, name)
		sum := sha256.Sum256([]byte(styles[0][1]))
		csp := resp.Header.Get("Content-Security-Policy")
		assert.Contains(t, csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", name)
		assert.NotContains(t, csp, "unsafe-inline", name)
		assert.Contains(t, page, `<meta name="viewport"`, name)
	}
}
