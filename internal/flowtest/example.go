package flowtest

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

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/exampleapp"
	"github.com/okauth/okauth/oktest"
)

var allowLink = regexp.MustCompile(`id="allow" href="([^"]+)"`)

// Example runs the example app that routes builds, with
// [exampleapp.Run] as `go run` would and no OK account in the environment, and signs in through its embedded fake OK's consent
// page: "/" asks to sign in, shows the user and their friend count after,
// and asks again after the logout button's POST.
func Example(t *testing.T, routes func(*okauth.Auth) http.Handler) { example(t, routes, false) }

// ExampleWithShop is [Example] for an example whose home page shows the
// user's coins (exampleapp.BalanceOf): 0 after sign-in, then 100 once
// POST /dev/pay has the fake OK deliver a purchase of coins100 to the
// example's /ok/payment.
func ExampleWithShop(t *testing.T, routes func(*okauth.Auth) http.Handler) { example(t, routes, true) }

func example(t *testing.T, routes func(*okauth.Auth) http.Handler, shop bool) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	getenv := func(k string) string { return map[string]string{"ADDR": "127.0.0.1:0"}[k] }
	go func() { done <- exampleapp.Run(ctx, getenv, pw, slog.New(slog.DiscardHandler), routes) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "okauth example: open ")
	require.True(t, ok, line)
	base = strings.TrimSuffix(base, "/")

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(target string) (*http.Response, string) {
		t.Helper()
		for range 5 { // follow redirects, stopping at the callback's fragment
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			require.NoError(t, err)
			req.Header.Set("Accept", "text/html")
			resp, err := c.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			loc, err := resp.Location()
			if err != nil || loc.Fragment != "" {
				return resp, string(body)
			}
			target = loc.String()
		}
		t.Fatalf("too many redirects from %s", target)
		return nil, ""
	}

	// "/" leads to the fake's consent page; Allow redirects to the
	// callback with the token after '#'. The client does what fragment.js
	// does: POST the fragment's parameters to the callback.
	resp, consent := get(base + "/")
	require.Equal(t, http.StatusOK, resp.StatusCode, consent)
	allow := allowLink.FindStringSubmatch(consent)
	require.Len(t, allow, 2, consent)
	allowURL, err := resp.Request.URL.Parse(strings.ReplaceAll(allow[1], "&amp;", "&"))
	require.NoError(t, err)
	resp, _ = get(allowURL.String())
	back, err := resp.Location()
	require.NoError(t, err)
	require.Equal(t, base+"/auth/ok/callback", back.Scheme+"://"+back.Host+back.Path)
	_, relay := get(base + "/auth/ok/callback")
	require.Contains(t, relay, `src="/auth/ok/fragment.js"`)
	frag, err := url.ParseQuery(back.Fragment)
	require.NoError(t, err)
	resp, err = c.PostForm(base+"/auth/ok/callback", frag)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	resp, home := get(base + "/")
	require.Equal(t, http.StatusOK, resp.StatusCode, home)
	require.Contains(t, home, `<span id="name">`+oktest.DefaultUser.Name+`</span>`)
	require.Contains(t, home, `<dd id="uid">`+oktest.DefaultUser.UID+`</dd>`)
	require.Contains(t, home, `<dd id="friends">0</dd>`, "the API call as the user failed")
	require.Contains(t, home, `id="logout"`)
	if shop {
		require.Contains(t, home, `<dd id="balance">0</dd>`)
		resp, err := c.Post(base+"/dev/pay", "", nil)
		require.NoError(t, err)
		paid, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, "paid after 1 tries\n", string(paid))
		_, home = get(base + "/")
		require.Contains(t, home, `<dd id="balance">100</dd>`, "the payment OK delivered shows on the page")
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/auth/ok/logout", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", base)
	resp, err = c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, again := get(base + "/")
	require.Contains(t, again, `id="allow"`, "signed out: / asks to sign in again")

	cancel()
	require.NoError(t, <-done)
}
