package okauth_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// TestRoutes: methods, the relay page's headers and fragment.js.
func TestRoutes(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)

	resp := get(t, c, e.App.URL+"/auth/ok/callback")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self'")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
	page := body(t, resp)
	assert.Contains(t, page, "<noscript>")
	assert.NotContains(t, page, "<script>", "no inline script")

	resp = get(t, c, e.App.URL+"/auth/ok/fragment.js")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/javascript; charset=utf-8", resp.Header.Get("Content-Type"))
	js := body(t, resp)
	assert.Contains(t, js, "history.replaceState")
	assert.Contains(t, js, `form.method = "POST"`)

	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodPut, "/auth/ok/logout", "GET, HEAD, POST"},
		{http.MethodPost, "/auth/ok/login", "GET, HEAD"},
		{http.MethodPut, "/auth/ok/callback", "GET, HEAD, POST"},
	} {
		req, _ := http.NewRequest(tc.method, e.App.URL+tc.path, nil)
		resp, err := c.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, tc.method+" "+tc.path)
		assert.Equal(t, tc.allow, resp.Header.Get("Allow"))
	}
	resp = get(t, c, e.App.URL+"/auth/ok/nothing")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// allMethods are the methods TestRouteMethods tries on every route.
var allMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions, http.MethodTrace}

// TestRouteMethods: every route Routes lists is served with each of its
// methods, and answers every other method with 405 and its methods in
// Allow; the App link's route is listed, and served, only with AppLink.
func TestRouteMethods(t *testing.T) {
	for _, appLink := range []bool{false, true} {
		cfg := okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://a.example/auth/ok/callback",
			SessionKeys: testKeys, AppSecret: "s"}
		if appLink {
			cfg.AppLink = &okauth.AppLink{}
		}
		auth, err := okauth.New(cfg)
		require.NoError(t, err)
		routes := auth.Routes()
		paths := []string{}
		for _, route := range routes {
			paths = append(paths, route.Path)
			for _, method := range allMethods {
				req := httptest.NewRequest(method, "https://a.example/auth/ok"+route.Path, nil)
				w := httptest.NewRecorder()
				auth.ServeHTTP(w, req)
				name := fmt.Sprintf("AppLink %v: %s %s", appLink, method, route.Path)
				if slices.Contains(route.Methods, method) {
					assert.NotContains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, w.Code, name)
					continue
				}
				assert.Equal(t, http.StatusMethodNotAllowed, w.Code, name)
				assert.Equal(t, strings.Join(route.Methods, ", "), w.Header().Get("Allow"), name)
			}
		}
		assert.Equal(t, appLink, slices.Contains(paths, "/app"), "AppLink %v: /app listed", appLink)
		if !appLink {
			w := httptest.NewRecorder()
			auth.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "https://a.example/auth/ok/app", nil))
			assert.Equal(t, http.StatusNotFound, w.Code, "/app without AppLink")
		}
		routes[0].Methods[0] = "CHANGED"
		assert.NotEqual(t, "CHANGED", auth.Routes()[0].Methods[0], "Routes returns a copy")
	}
}

// TestRoutesDocumented: the README's table of routes and ServeHTTP's
// documentation list exactly the routes and methods Routes lists (a GET
// standing for GET and HEAD).
func TestRoutesDocumented(t *testing.T) {
	auth, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://a.example/auth/ok/callback",
		SessionKeys: testKeys, AppSecret: "s", AppLink: &okauth.AppLink{}})
	require.NoError(t, err)
	served := []string{}
	for _, route := range auth.Routes() {
		for _, method := range route.Methods {
			if method != http.MethodHead {
				served = append(served, method+" "+route.Path)
			}
		}
	}
	slices.Sort(served)

	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(readme), "| route | method | what |\n|---|---|---|\n")
	require.True(t, ok, "the README's table of routes")
	table, _, _ = strings.Cut(table, "\n\n")
	row := regexp.MustCompile("^\\| `/auth/ok(/[^`?]*)[^`]*` \\| ([A-Z]+) \\|")
	assert.Equal(t, served, documented(t, strings.Split(table, "\n"), row), "README.md")

	file, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, parser.ParseComments)
	require.NoError(t, err)
	var doc string
	for _, d := range file.Decls {
		if f, ok := d.(*ast.FuncDecl); ok && f.Name.Name == "ServeHTTP" {
			doc = f.Doc.Text()
		}
	}
	line := regexp.MustCompile(`^\s+([A-Z]+)\s+(/[^\s?]*)`)
	listed := []string{}
	for _, l := range strings.Split(doc, "\n") {
		if m := line.FindStringSubmatch(l); m != nil {
			listed = append(listed, m[1]+" "+m[2])
		}
	}
	slices.Sort(listed)
	assert.Equal(t, served, slices.Compact(listed), "ServeHTTP's documentation")
}

// documented is "METHOD /path" for each of lines that row matches, with
// the path as its first group and the method as its second, sorted and
// without repeats.
func documented(t *testing.T, lines []string, row *regexp.Regexp) []string {
	t.Helper()
	got := []string{}
	for _, l := range lines {
		m := row.FindStringSubmatch(l)
		require.NotNil(t, m, "a row of routes: %q", l)
		got = append(got, m[2]+" "+m[1])
	}
	slices.Sort(got)
	return slices.Compact(got)
}
