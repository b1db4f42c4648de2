package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExampleRunsWithNoSetup starts the example as `go run ./example`
// would, with no OK account, and signs in over plain http on loopback
// through its embedded fake OK and consent page.
func TestExampleRunsWithNoSetup(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	env := map[string]string{"ADDR": "127.0.0.1:0"}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, pw, slog.New(slog.DiscardHandler)) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	go io.Copy(io.Discard, pr)
	base := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "okauth example: open "), "/")
	require.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), line)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}

	// "/" sends the browser to sign in, and on to the fake's consent page.
	resp := getHTML(t, c, base+"/")
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Contains(t, resp.body, "oktest fake")
	allow := regexp.MustCompile(`id="allow" href="([^"]+)"`).FindStringSubmatch(resp.body)
	require.Len(t, allow, 2)

	// Allow: OK redirects back with the token after '#'; the client does
	// what fragment.js does.
	noFollow := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	dialog, _ := url.Parse(resp.url)
	allowURL, _ := dialog.Parse(strings.ReplaceAll(allow[1], "&amp;", "&"))
	r, err := noFollow.Get(allowURL.String())
	require.NoError(t, err)
	r.Body.Close()
	back, err := url.Parse(r.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, base+"/auth/ok/callback", back.Scheme+"://"+back.Host+back.Path)

	r, err = c.PostForm(base+"/auth/ok/callback", mustQuery(t, back.Fragment))
	require.NoError(t, err)
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode, string(page))
	assert.Contains(t, string(page), `<span id="name">Иван Петров</span>`)
	assert.Contains(t, string(page), `<dd id="uid">574385021466</dd>`)
	assert.Contains(t, string(page), `<dd id="friends">0</dd>`, "the API call as the user worked")

	// Sign out: the logout button's POST, same origin.
	req, _ := http.NewRequest(http.MethodPost, base+"/auth/ok/logout", nil)
	req.Header.Set("Origin", base)
	r, err = noFollow.Do(req)
	require.NoError(t, err)
	r.Body.Close()
	assert.Equal(t, http.StatusSeeOther, r.StatusCode)
	resp = getHTML(t, c, base+"/")
	assert.Contains(t, resp.body, "oktest fake", "signed out: / asks for sign-in again")

	cancel()
	require.NoError(t, <-done)
}

type page struct {
	status    int
	body, url string
}

func getHTML(t *testing.T, c *http.Client, u string) page {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, string(b), resp.Request.URL.String()}
}

func mustQuery(t *testing.T, s string) url.Values {
	v, err := url.ParseQuery(s)
	require.NoError(t, err)
	return v
}

// TestExampleConfig: SESSION_KEY is checked, http is allowed only on
// loopback.
func TestExampleConfig(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	env := map[string]string{"SESSION_KEY": "short"}
	_, err := config(func(k string) string { return env[k] }, "http://localhost:8080", logger)
	assert.ErrorContains(t, err, "SESSION_KEY")

	env = map[string]string{"OK_REDIRECT_URL": "http://example.com/auth/ok/callback"}
	cfg, err := config(func(k string) string { return env[k] }, "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.False(t, cfg.InsecureCookies, "never insecure cookies off loopback")

	cfg, err = config(func(string) string { return "" }, "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.True(t, cfg.InsecureCookies)
	assert.Equal(t, "http://localhost:8080/auth/ok/callback", cfg.RedirectURL)
}
