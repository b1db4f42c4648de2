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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/exampleapp"
	"github.com/okauth/okauth/oktest"
)

var (
	buttonLink = regexp.MustCompile(`<a class="okauth-button" href="([^"]+)"`)
	allowLink  = regexp.MustCompile(`<button id="allow" type="submit" name="decision" value="allow">`)
)

// Example runs the example app that routes builds, with [exampleapp.Run]
// as `go run` would and no OK account in the environment, and walks its
// site: "/" is public and shows the sign-in button; the button signs in
// through the embedded fake OK's consent page and returns to /account,
// which shows the user's friend count; "/" then shows the user's card; the
// logout button's POST lands on "/" signed out, and /account asks to sign
// in again. env adds variables (such as OK_FLOW=code) to the environment,
// in pairs of name and value.
func Example(t *testing.T, routes func(*okauth.Auth) http.Handler, env ...string) {
	example(t, runRoutes(routes), false, nil, env...)
}

// ExampleWithShop is [Example] that also checks the user's coins on "/"
// (exampleapp.BalanceOf): 0 after sign-in, then 100 once POST /dev/pay has
// the fake OK deliver a purchase of coins100 to the example's /ok/payment.
func ExampleWithShop(t *testing.T, routes func(*okauth.Auth) http.Handler, env ...string) {
	example(t, runRoutes(routes), true, nil, env...)
}

// RunFunc runs an example app until ctx ends, as [exampleapp.Run] does.
type RunFunc func(ctx context.Context, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error

// ExampleRun is [ExampleWithShop] for an example that runs itself, such as
// okredis/example, which keeps its state in Redis. check, if not nil, is
// called at each stage of the walk ("signed in", "paid", "signed out"),
// to look at that state.
func ExampleRun(t *testing.T, run RunFunc, check func(stage string), env ...string) {
	example(t, run, true, check, env...)
}

func runRoutes(routes func(*okauth.Auth) http.Handler) RunFunc {
	return func(ctx context.Context, getenv func(string) string, stdout io.Writer, logger *slog.Logger) error {
		return exampleapp.Run(ctx, getenv, stdout, logger, routes)
	}
}

func example(t *testing.T, run RunFunc, shop bool, check func(stage string), env ...string) {
	if check == nil {
		check = func(string) {}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	vars := map[string]string{"ADDR": "127.0.0.1:0"}
	for i := 0; i+1 < len(env); i += 2 {
		vars[env[i]] = env[i+1]
	}
	getenv := func(k string) string { return vars[k] }
	go func() { done <- run(ctx, getenv, pw, slog.New(slog.DiscardHandler)) }()
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

	// "/" is public: what the site is, and the sign-in button to /account.
	resp, home := get(base + "/")
	require.Equal(t, http.StatusOK, resp.StatusCode, home)
	button := buttonLink.FindStringSubmatch(home)
	require.Len(t, button, 2, home)
	require.Equal(t, "/auth/ok/login?next=%2Faccount", button[1])

	// The button leads to the fake's consent page; Allow submits the
	// dialog's query with decision=allow and redirects to the callback
	// with the token after '#'. The client does what fragment.js does:
	// POST the fragment's parameters to the callback. In the code flow,
	// the redirect carries a code in the query instead, and the callback
	// signs in and redirects to /account by itself.
	resp, consent := get(base + button[1])
	require.Equal(t, http.StatusOK, resp.StatusCode, consent)
	require.Regexp(t, allowLink, consent)
	allowURL := *resp.Request.URL
	q := allowURL.Query()
	q.Set("decision", "allow")
	allowURL.RawQuery = q.Encode()
	resp, account := get(allowURL.String())
	if vars["OK_FLOW"] != string(okauth.FlowCode) {
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
		require.Equal(t, "/account", resp.Header.Get("Location"), "the sign-in returns to the button's next")
		resp, account = get(base + "/account")
	}
	require.Equal(t, base+"/account", resp.Request.URL.String(), "the sign-in returns to the button's next")
	require.Equal(t, http.StatusOK, resp.StatusCode, account)
	require.Contains(t, account, `<dd id="friends">0</dd>`, "the API call as the user failed")

	resp, home = get(base + "/")
	require.Equal(t, http.StatusOK, resp.StatusCode, home)
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'", "the signed-in page cannot be framed")
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), "the signed-in page is not cached")
	require.Contains(t, home, `<span id="name">`+oktest.DefaultUser.Name+`</span>`)
	require.Contains(t, home, `<dd id="uid">`+oktest.DefaultUser.UID+`</dd>`)
	require.Contains(t, home, `id="logout"`)
	require.NotContains(t, home, `class="okauth-button"`, "signed in: no sign-in button")
	check("signed in")
	if shop {
		require.Contains(t, home, `<dd id="balance">0</dd>`)
		resp, err := c.Post(base+"/dev/pay", "", nil)
		require.NoError(t, err)
		paid, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, "paid (1 attempt)\n", string(paid))
		_, home = get(base + "/")
		require.Contains(t, home, `<dd id="balance">100</dd>`, "the payment OK delivered shows on the page")
		check("paid")
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/auth/ok/logout", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", base)
	resp, err = c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/", resp.Header.Get("Location"), "sign-out lands on the public page")
	_, again := get(base + "/")
	require.Contains(t, again, `class="okauth-button"`, "signed out: / shows the sign-in button")
	require.NotContains(t, again, `id="logout"`)
	_, asks := get(base + "/account")
	require.Regexp(t, allowLink, asks, "signed out: /account asks to sign in again")
	check("signed out")
	cancel()
	require.NoError(t, <-done)
}
