package exampleapp

import (
	"bufio"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

var (
	launchSrc  = regexp.MustCompile(`<iframe id="app"[^>]* src="([^"]+)"`)
	landingURL = regexp.MustCompile(`url=([^"]+)"`)
	scriptSrc  = regexp.MustCompile(`<script src="([^"]+)"`)
	pageLink   = regexp.MustCompile(`<a [^>]*href="(/[^"]*)"`)
)

// TestGamePage runs the example with its embedded fake and launches it as
// the fake's page of the app does: the App link lands on /game, signed in,
// which loads OK's JS SDK from the fake, a URL fixed by the example (not
// the query's api_server, which anyone can set), under a policy that runs
// no other script and lets only the fake's page frame it.
func TestGamePage(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	routes := func(a *okauth.Auth) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/auth/ok/", a)
		return a.Middleware(mux)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	getenv := func(k string) string { return map[string]string{"ADDR": "127.0.0.1:0"}[k] }
	go func() { done <- Run(ctx, getenv, pw, slog.New(slog.DiscardHandler), routes) }()
	out := bufio.NewReader(pr)
	line, err := out.ReadString('\n')
	require.NoError(t, err)
	base := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "okauth example: open "), "/")
	line, err = out.ReadString('\n')
	require.NoError(t, err)
	portal, ok := strings.CutPrefix(strings.TrimSpace(line), "okauth example: as inside ok.ru (the fake's page of the app), open ")
	require.True(t, ok, line)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	fakeOrigin := strings.TrimSuffix(portal, "/game/"+strings.Split(portal, "/game/")[1])

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(rawURL string, h map[string]string) (*http.Response, string) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		require.NoError(t, err)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := noRedirect.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}

	_, page := get(portal, nil)
	m := launchSrc.FindStringSubmatch(page)
	require.NotNil(t, m, "the fake's page frames the App link")
	launch := html.UnescapeString(m[1])
	require.True(t, strings.HasPrefix(launch, base+"/auth/ok/app?"), launch)

	// The launch, as a browser loads it in the fake's frame.
	resp, page := get(launch, map[string]string{"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate",
		"Sec-Fetch-Dest": "iframe", "Referer": fakeOrigin + "/"})
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	var session string
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, "-app") {
			session = c.Name + "=" + c.Value
		}
	}
	require.NotEmpty(t, session, "the App link's session")
	m = landingURL.FindStringSubmatch(page)
	require.NotNil(t, m, page)
	landing, err := url.Parse(html.UnescapeString(m[1]))
	require.NoError(t, err)
	assert.Equal(t, GamePath, landing.Path)

	// The landing page, with api_server set to another site.
	q := landing.Query()
	q.Set("api_server", "https://evil.example/")
	own := map[string]string{"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe", "Cookie": session}
	resp, page = get(base+GamePath+"?"+q.Encode(), own)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	var scripts []string
	for _, s := range scriptSrc.FindAllStringSubmatch(page, -1) {
		scripts = append(scripts, s[1])
	}
	assert.Equal(t, []string{fakeOrigin + "/js/fapi5.js", "/game.js"}, scripts, "OK's SDK from the fake, then the game's script")
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self' "+fakeOrigin+";")
	assert.NotContains(t, csp, "evil.example")
	assert.Contains(t, csp, "frame-ancestors "+fakeOrigin)
	assert.Contains(t, page, `id="balance">0<`)
	// A link followed inside OK's frame must lead to a page OK's frame may
	// show: the site's other pages refuse to be framed.
	for _, l := range pageLink.FindAllStringSubmatch(page, -1) {
		resp, _ := get(base+html.UnescapeString(l[1]), own)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors "+fakeOrigin,
			"the game links to %s, which shows a blocked frame inside ok.ru", l[1])
	}

	own["Sec-Fetch-Mode"], own["Sec-Fetch-Dest"] = "cors", "empty"
	_, b := get(base+GamePath+"/balance", own)
	assert.JSONEq(t, `{"coins":"0"}`, b)

	resp, _ = get(base+GamePath, nil)
	assert.NotEqual(t, http.StatusOK, resp.StatusCode, "no session, no game")
	resp, _ = get(base+GamePath+"/balance", nil)
	assert.NotEqual(t, http.StatusOK, resp.StatusCode, "no session, no balance")

	cancel()
	require.NoError(t, <-done)
}
