package okauth_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// appSessionName is the App link's session cookie over https.
const appSessionName = "__Host-okauth-app"

// launchUser is who OK launches the app for in these tests.
var launchUser = oktest.User{UID: "575000111222", FirstName: "Вера", LastName: "Пешкова", Name: "Вера Пешкова"}

// newLaunchEnv is an app with the App link on, landing on /game, counting
// OnSignIn calls.
func newLaunchEnv(t *testing.T, signIns *atomic.Int32) *testEnv {
	e := newEnv(t, func(c *okauth.Config) {
		c.AppLink, c.AppSecret = &okauth.AppLink{LandingPath: "/game"}, fakeSecret
		c.OnSignIn = func(*http.Request, *okauth.User) error { signIns.Add(1); return nil }
	})
	e.OK.SetUser(launchUser)
	return e
}

// fetchMeta is the Fetch Metadata, and Referer, a browser sends with a
// request.
type fetchMeta struct{ site, mode, dest, referer string }

// Requests as Chromium makes them, around an app inside ok.ru.
var (
	// okFrame is OK's page loading the App link in its iframe.
	okFrame = fetchMeta{"cross-site", "navigate", "iframe", "https://ok.ru/"}
	// ownPage is the app's own page, in that iframe, following a link or
	// posting a form.
	ownPage = fetchMeta{"same-origin", "navigate", "iframe", ""}
	// typedIn is the user opening a URL in a tab of its own.
	typedIn = fetchMeta{"none", "navigate", "document", ""}
)

// do sends method to rawURL in browser c with m's headers, and form as an
// urlencoded body when it is not nil.
func do(t testing.TB, c *http.Client, method, rawURL string, form url.Values, m fetchMeta) *http.Response {
	t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rawURL, rd)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "text/html")
	for k, v := range map[string]string{"Sec-Fetch-Site": m.site, "Sec-Fetch-Mode": m.mode, "Sec-Fetch-Dest": m.dest, "Referer": m.referer} {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	if m.site == "same-origin" && method == http.MethodPost {
		req.Header.Set("Origin", req.URL.Scheme+"://"+req.URL.Host)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// launch opens the App link with query q in browser c, as OK's iframe.
func launch(t *testing.T, e *testEnv, c *http.Client, rawQuery string) *http.Response {
	t.Helper()
	return do(t, c, http.MethodGet, e.App.URL+"/auth/ok/app?"+rawQuery, nil, okFrame)
}

func TestAppLaunchSignsInInsideOK(t *testing.T) {
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	var calledWith map[string]string
	e.OK.HandleMethod("friends.get", func(_ *oktest.Token, p map[string]string) (any, error) {
		calledWith = p
		return []string{"1", "2"}, nil
	})
	c := e.Browser(t)
	p := e.OK.LaunchParams(launchUser)
	resp := launch(t, e, c, p.Encode())
	text := body(t, resp)
	require.Equal(t, http.StatusOK, resp.StatusCode, text)
	assert.Contains(t, text, `<meta http-equiv="refresh" content="0;url=/game">`,
		"the page opens the landing page itself, without the launch query")
	assert.Contains(t, text, `href="/game"`)
	assert.NotContains(t, text, p.Get("session_key"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors https://ok.ru https://*.ok.ru")
	assert.Empty(t, resp.Header.Get("X-Frame-Options"))
	assert.Equal(t, int32(1), signIns.Load(), "OnSignIn applies")

	var app *http.Cookie
	for _, ck := range resp.Cookies() {
		assert.NotEqual(t, sessionName, ck.Name, "the first-party session is not written")
		if ck.Name == appSessionName {
			app = ck
		}
	}
	require.NotNil(t, app, "the App link's own cookie")
	raw := resp.Header.Values("Set-Cookie")
	assert.Contains(t, strings.Join(raw, "\n"), "; Partitioned")
	assert.True(t, app.Secure && app.HttpOnly && app.Path == "/" && app.Domain == "")
	assert.Equal(t, http.SameSiteNoneMode, app.SameSite)

	// The app's own pages: Middleware reads the App link's cookie; Call
	// signs with session_key.
	resp = do(t, c, http.MethodGet, e.App.URL+"/friends", nil, ownPage)
	assert.Equal(t, "friends=1,2", body(t, resp))
	assert.Equal(t, p.Get("session_key"), calledWith["session_key"])
	assert.Empty(t, calledWith["access_token"])
	assert.Contains(t, body(t, do(t, c, http.MethodGet, e.App.URL+"/", nil, ownPage)), "uid="+launchUser.UID)

	for _, s := range []string{p.Get("session_key"), p.Get("session_secret_key"), fakeSecret, p.Get("sig"), p.Get("auth_sig")} {
		assert.NotContains(t, e.Logs.String(), s, "no secret or launch query in the logs")
	}
}

// The browser sends the App link's cookie with whatever any frame in OK's
// partition asks of the app; only the app's own requests, and a tab's
// page loads, are its session's.
func TestAppSessionOnlyForTheAppsOwnRequests(t *testing.T) {
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	c := e.Browser(t)
	resp := launch(t, e, c, e.OK.LaunchParams(launchUser).Encode())
	require.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
	evil := "https://evil.example/"
	for _, r := range []struct {
		name     string
		method   string
		m        fetchMeta
		signedIn bool
	}{
		{"the app's page follows a link in its frame", http.MethodGet, ownPage, true},
		{"the app's page posts a form", http.MethodPost, ownPage, true},
		{"the app's script fetches", http.MethodPost, fetchMeta{"same-origin", "cors", "empty", ""}, true},
		{"the app's image", http.MethodGet, fetchMeta{"same-origin", "no-cors", "image", ""}, true},
		{"a tab's page load from a link", http.MethodGet, fetchMeta{"cross-site", "navigate", "document", evil}, true},
		{"a typed or bookmarked address", http.MethodGet, typedIn, true},
		{"another frame under ok.ru posts a form", http.MethodPost, fetchMeta{"cross-site", "navigate", "iframe", evil}, false},
		{"another frame under ok.ru posts a form to the tab", http.MethodPost, fetchMeta{"cross-site", "navigate", "document", evil}, false},
		{"another frame under ok.ru loads an image", http.MethodGet, fetchMeta{"cross-site", "no-cors", "image", evil}, false},
		{"another frame under ok.ru fetches with credentials", http.MethodPost, fetchMeta{"cross-site", "cors", "empty", evil}, false},
		{"another frame under ok.ru frames the app's page", http.MethodGet, fetchMeta{"cross-site", "navigate", "iframe", evil}, false},
		{"OK's page itself frames the app's page", http.MethodGet, okFrame, false},
		{"a sibling subdomain fetches", http.MethodPost, fetchMeta{"same-site", "cors", "empty", ""}, false},
		{"no Fetch Metadata, GET", http.MethodGet, fetchMeta{}, false},
		{"no Fetch Metadata, POST", http.MethodPost, fetchMeta{}, false},
	} {
		t.Run(r.name, func(t *testing.T) {
			var form url.Values
			if r.method == http.MethodPost {
				form = url.Values{"x": {"1"}}
			}
			resp := do(t, c, r.method, e.App.URL+"/", form, r.m)
			text := body(t, resp)
			if r.signedIn {
				assert.Equal(t, http.StatusOK, resp.StatusCode, text)
				assert.Contains(t, text, "uid="+launchUser.UID)
				return
			}
			assert.NotContains(t, text, "uid=", "RequireLogin's handler does not run")
			if r.method == http.MethodPost {
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, text)
			} else {
				assert.Equal(t, http.StatusSeeOther, resp.StatusCode, text)
				assert.Contains(t, resp.Header.Get("Location"), "/auth/ok/login")
			}
			assert.Contains(t, body(t, do(t, c, r.method, e.App.URL+"/public", form, r.m)), "anonymous", "Middleware sees no one")
		})
	}
}

func TestAppLaunchRefused(t *testing.T) {
	type row struct {
		name   string
		edit   func(ok *oktest.Server, p url.Values) string // the query to send
		status int
		msg    string
		calls  int // REST calls OK saw
	}
	resign := func(ok *oktest.Server, p url.Values) string { ok.SignLaunch(p); return p.Encode() }
	const notRecognised, notAllowed = "Launch not recognised", "App not allowed"
	rows := []row{
		{"sig missing", func(_ *oktest.Server, p url.Values) string { p.Del("sig"); return p.Encode() }, 400, notRecognised, 0},
		{"sig wrong", func(_ *oktest.Server, p url.Values) string { p.Set("sig", strings.Repeat("0", 32)); return p.Encode() }, 400, notRecognised, 0},
		{"a signed value changed", func(_ *oktest.Server, p url.Values) string { p.Set("referer", "friend"); return p.Encode() }, 400, notRecognised, 0},
		{"an unknown parameter added unsigned", func(_ *oktest.Server, p url.Values) string { p.Set("new_param", "1"); return p.Encode() }, 400, notRecognised, 0},
		{"signed with another secret", func(_ *oktest.Server, p url.Values) string {
			p.Set("sig", okauth.Sign(p, "another secret"))
			return p.Encode()
		}, 400, notRecognised, 0},
		{"auth_sig missing", func(ok *oktest.Server, p url.Values) string { p.Del("auth_sig"); return resign(ok, p) }, 400, notRecognised, 0},
		{"auth_sig wrong", func(ok *oktest.Server, p url.Values) string {
			p.Set("auth_sig", strings.Repeat("a", 32))
			return resign(ok, p)
		}, 400, notRecognised, 0},
		{"another user's id, auth_sig kept", func(ok *oktest.Server, p url.Values) string { p.Set("logged_user_id", "1"); return resign(ok, p) }, 400, notRecognised, 0},
		{"application_key another app's", func(ok *oktest.Server, p url.Values) string {
			p.Set("application_key", "CBAOTHERAPP")
			return resign(ok, p)
		}, 400, notRecognised, 0},
		{"application_key missing", func(ok *oktest.Server, p url.Values) string { p.Del("application_key"); return resign(ok, p) }, 400, notRecognised, 0},
		{"logged_user_id missing", func(ok *oktest.Server, p url.Values) string { p.Del("logged_user_id"); return resign(ok, p) }, 400, notRecognised, 0},
		{"session_secret_key missing", func(ok *oktest.Server, p url.Values) string { p.Del("session_secret_key"); return resign(ok, p) }, 400, notRecognised, 0},
		{"authorized=0", func(ok *oktest.Server, p url.Values) string { p.Set("authorized", "0"); return resign(ok, p) }, 403, notAllowed, 0},
		{"authorized missing", func(ok *oktest.Server, p url.Values) string { p.Del("authorized"); return resign(ok, p) }, 400, notRecognised, 0},
		{"a repeated parameter", func(_ *oktest.Server, p url.Values) string { return p.Encode() + "&logged_user_id=1" }, 400, notRecognised, 0},
		{"sig repeated", func(_ *oktest.Server, p url.Values) string { return p.Encode() + "&sig=" + p.Get("sig") }, 400, notRecognised, 0},
		{"no query", func(*oktest.Server, url.Values) string { return "" }, 400, notRecognised, 0},
		{"session_key OK no longer accepts", func(ok *oktest.Server, p url.Values) string { ok.ExpireTokens(); return p.Encode() }, 400, notRecognised, 1},
		{"session_key OK never issued, signed with the app secret", func(ok *oktest.Server, p url.Values) string {
			p.Set("session_key", "-s-forged")
			p.Set("auth_sig", oktest.AuthSig(p.Get("logged_user_id"), "-s-forged", fakeSecret))
			return resign(ok, p)
		}, 400, notRecognised, 1},
		{"OK says the session_key is another user's", func(ok *oktest.Server, p url.Values) string {
			p.Set("logged_user_id", "1")
			p.Set("auth_sig", oktest.AuthSig("1", p.Get("session_key"), fakeSecret))
			return resign(ok, p)
		}, 400, notRecognised, 1},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			var signIns atomic.Int32
			e := newLaunchEnv(t, &signIns)
			c := e.Browser(t)
			p := e.OK.LaunchParams(launchUser)
			secrets := []string{p.Get("session_key"), p.Get("session_secret_key"), fakeSecret}
			resp := launch(t, e, c, r.edit(e.OK, p))
			text := body(t, resp)
			assert.Equal(t, r.status, resp.StatusCode, text)
			assert.Contains(t, text, r.msg)
			assert.NotContains(t, text, "okauth-retry", "no Try again: OK's dialog does not open inside ok.ru's iframe")
			assert.Empty(t, resp.Header.Values("Set-Cookie"), "no session written")
			assert.Zero(t, signIns.Load(), "OnSignIn not called")
			assert.Equal(t, r.calls, e.OK.APICalls())
			assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors https://ok.ru https://*.ok.ru",
				"the error page shows inside ok.ru's iframe")
			assert.Empty(t, resp.Header.Get("X-Frame-Options"))
			assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
			for _, s := range secrets {
				assert.NotContains(t, e.Logs.String(), s)
				assert.NotContains(t, text, s)
			}
		})
	}
}

// Signatures are hex: OK's case or another, the same signature.
func TestAppLaunchSignaturesAnyCase(t *testing.T) {
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	p := e.OK.LaunchParams(launchUser)
	p.Set("auth_sig", strings.ToUpper(p.Get("auth_sig")))
	e.OK.SignLaunch(p)
	p.Set("sig", strings.ToUpper(p.Get("sig")))
	resp := launch(t, e, e.Browser(t), p.Encode())
	assert.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
}

// OK adds parameters over time: a signed one okauth does not know is fine.
func TestAppLaunchUnknownSignedParameter(t *testing.T) {
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	p := e.OK.LaunchParams(launchUser)
	p.Set("ip_geo_location", "RU,48,Москва")
	e.OK.SignLaunch(p)
	resp := launch(t, e, e.Browser(t), p.Encode())
	assert.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
}

func TestAppLinkOffIsNotFound(t *testing.T) {
	e := newEnv(t, nil)
	resp := launch(t, e, e.Browser(t), e.OK.LaunchParams(launchUser).Encode())
	body(t, resp)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestAppLinkNeedsAppSecret(t *testing.T) {
	_, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://a.example/auth/ok/callback",
		SessionKeys: testKeys, AppLink: &okauth.AppLink{}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, okauth.ErrConfig))
	assert.Contains(t, err.Error(), "AppSecret")
	_, err = okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://a.example/auth/ok/callback",
		SessionKeys: testKeys, AppLink: &okauth.AppLink{LandingPath: "//evil.example"}, AppSecret: "s"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AppLink.LandingPath")
}

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

// A launch URL carries no state, so anyone can make a victim's browser
// open their own. It starts a session at once only as a frame whose
// parent is OK's page; opened at top level it asks first; as anything else
// (an image, a fetch, a frame under another site) it is refused before OK
// is asked, and stays unused.
func TestAppLaunchWhereFrom(t *testing.T) {
	const session, confirm, refused = "session", "confirm", "refused"
	for _, r := range []struct {
		name string
		m    fetchMeta
		want string
	}{
		{"ok.ru's iframe", okFrame, session},
		{"m.ok.ru's iframe", fetchMeta{"cross-site", "navigate", "iframe", "https://m.ok.ru/games/1"}, session},
		{"ok.ru's frame element", fetchMeta{"cross-site", "navigate", "frame", "https://ok.ru/"}, session},
		{"an iframe nested under another site", fetchMeta{"cross-site", "navigate", "iframe", "https://evil.example/"}, refused},
		{"an iframe with the Referer suppressed", fetchMeta{"cross-site", "navigate", "iframe", ""}, refused},
		{"an iframe of a site that ends in ok.ru", fetchMeta{"cross-site", "navigate", "iframe", "https://notok.ru/"}, refused},
		{"an iframe of a site whose name starts with ok.ru", fetchMeta{"cross-site", "navigate", "iframe", "https://ok.ru.evil.example/"}, refused},
		{"an iframe of ok.ru over plain http", fetchMeta{"cross-site", "navigate", "iframe", "http://ok.ru/"}, refused},
		{"an iframe of the app's own page", fetchMeta{"same-origin", "navigate", "iframe", ""}, refused},
		{"an image on ok.ru", fetchMeta{"cross-site", "no-cors", "image", "https://ok.ru/"}, refused},
		{"a fetch on ok.ru", fetchMeta{"cross-site", "cors", "empty", "https://ok.ru/"}, refused},
		{"a no-cors fetch on ok.ru", fetchMeta{"cross-site", "no-cors", "empty", "https://ok.ru/"}, refused},
		{"an embed on ok.ru", fetchMeta{"cross-site", "navigate", "embed", "https://ok.ru/"}, refused},
		{"a browser without Fetch Metadata", fetchMeta{}, refused},
		{"Sec-Fetch-Site alone", fetchMeta{site: "cross-site", referer: "https://ok.ru/"}, refused},
		{"top level: OK's mobile app, a bookmark, a link in a mail", typedIn, confirm},
		{"top level from ok.ru", fetchMeta{"cross-site", "navigate", "document", "https://ok.ru/"}, confirm},
		{"top level from the app itself", fetchMeta{"same-origin", "navigate", "document", ""}, confirm},
		{"top level from another site", fetchMeta{"cross-site", "navigate", "document", "https://evil.example/"}, confirm},
	} {
		t.Run(r.name, func(t *testing.T) {
			var signIns atomic.Int32
			e := newLaunchEnv(t, &signIns)
			q := e.OK.LaunchParams(launchUser).Encode()
			resp := do(t, e.Browser(t), http.MethodGet, e.App.URL+"/auth/ok/app?"+q, nil, r.m)
			text := body(t, resp)
			switch r.want {
			case session:
				assert.Equal(t, http.StatusOK, resp.StatusCode, text)
				assert.Equal(t, int32(1), signIns.Load())
				assert.NotNil(t, cookieNamed(resp, appSessionName))
			case confirm:
				assert.Equal(t, http.StatusOK, resp.StatusCode, text)
				assert.Contains(t, text, launchUser.Name, "the confirmation page names the user")
				assert.Zero(t, signIns.Load(), "no sign-in before the user confirms")
				assert.Nil(t, cookieNamed(resp, appSessionName), "no session before the user confirms")
				assert.NotNil(t, cookieNamed(resp, confirmName))
			case refused:
				assert.Equal(t, http.StatusBadRequest, resp.StatusCode, text)
				assert.Contains(t, text, "Launch not recognised")
				assert.Empty(t, resp.Header.Values("Set-Cookie"), "no session written")
				assert.Zero(t, signIns.Load())
				assert.Zero(t, e.OK.APICalls(), "refused before asking OK")
				resp = launch(t, e, e.Browser(t), q)
				assert.Equal(t, http.StatusOK, resp.StatusCode, "the refusal did not use up the launch: %s", body(t, resp))
			}
		})
	}
}

// cookieNamed is the cookie resp sets called name, or nil.
func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name && c.MaxAge >= 0 {
			return c
		}
	}
	return nil
}

// confirmName is the cookie a launch opened at top level waits in.
const confirmName = "__Host-okauth-launch"

// A launch signs in once: the same URL again, in another browser or on
// another instance sharing Config.ReplayStore, is refused; a launch that did
// not sign in (OnSignIn refused it) is not used up.
func TestAppLaunchSignsInOnce(t *testing.T) {
	t.Run("another browser", func(t *testing.T) {
		var signIns atomic.Int32
		e := newLaunchEnv(t, &signIns)
		p := e.OK.LaunchParams(launchUser)
		q := p.Encode()
		resp := launch(t, e, e.Browser(t), q)
		require.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
		p.Set("sig", strings.ToUpper(p.Get("sig"))) // the same signature
		for _, again := range []string{q, p.Encode()} {
			resp = launch(t, e, e.Browser(t), again)
			text := body(t, resp)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, text)
			assert.Contains(t, text, "Launch link already used")
			assert.Empty(t, resp.Header.Values("Set-Cookie"), "no session written")
		}
		assert.Equal(t, int32(1), signIns.Load())
		assert.Equal(t, 1, e.OK.APICalls(), "a used launch is refused before OK is asked")
		// At top level too: the confirmation page is not shown.
		resp = do(t, e.Browser(t), http.MethodGet, e.App.URL+"/auth/ok/app?"+q, nil, typedIn)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body(t, resp))
	})
	t.Run("OK's page reloaded in the same browser", func(t *testing.T) {
		// Whether OK repeats a launch's parameters when its page is
		// reloaded is not documented: if it does, the player who holds
		// the session that launch started just gets the app.
		var signIns atomic.Int32
		e := newLaunchEnv(t, &signIns)
		player := e.Browser(t)
		q := e.OK.LaunchParams(launchUser).Encode()
		resp := launch(t, e, player, q)
		require.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
		resp = launch(t, e, player, q)
		text := body(t, resp)
		assert.Equal(t, http.StatusOK, resp.StatusCode, text)
		assert.Contains(t, text, `<meta http-equiv="refresh" content="0;url=/game">`)
		assert.Empty(t, resp.Header.Values("Set-Cookie"), "nothing written")
		assert.Equal(t, int32(1), signIns.Load())
		assert.Equal(t, 1, e.OK.APICalls(), "OK is not asked again")

		// A browser holding another user's session gets the refusal,
		// and keeps its own session.
		other := e.Browser(t)
		e.OK.SetUser(oktest.DefaultUser)
		resp = launch(t, e, other, e.OK.LaunchParams(oktest.DefaultUser).Encode())
		require.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
		resp = launch(t, e, other, q)
		text = body(t, resp)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, text)
		assert.Contains(t, text, "Launch link already used")
		assert.Empty(t, resp.Header.Values("Set-Cookie"))
		// At top level a reload is not OK's frame: refused as used.
		resp = do(t, player, http.MethodGet, e.App.URL+"/auth/ok/app?"+q, nil, typedIn)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body(t, resp))
	})
	t.Run("another instance", func(t *testing.T) {
		shared := okauth.NewMemoryReplay(0)
		var signIns atomic.Int32
		a := newEnv(t, func(c *okauth.Config) {
			c.AppLink, c.AppSecret, c.ReplayStore = &okauth.AppLink{}, fakeSecret, shared
			c.OnSignIn = func(*http.Request, *okauth.User) error { signIns.Add(1); return nil }
		})
		a.OK.SetUser(launchUser)
		b := newEnv(t, func(c *okauth.Config) {
			c.AppLink, c.AppSecret, c.ReplayStore, c.Endpoint = &okauth.AppLink{}, fakeSecret, shared, a.OK.Endpoint()
			c.OnSignIn = func(*http.Request, *okauth.User) error { signIns.Add(1); return nil }
		})
		q := a.OK.LaunchParams(launchUser).Encode()
		resp := launch(t, a, a.Browser(t), q)
		require.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
		resp = launch(t, b, b.Browser(t), q)
		text := body(t, resp)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, text)
		assert.Contains(t, text, "Launch link already used")
		assert.Equal(t, int32(1), signIns.Load())
		// A fresh launch does sign in on b: the refusal was the mark's.
		resp = launch(t, b, b.Browser(t), a.OK.LaunchParams(launchUser).Encode())
		assert.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
	})
	t.Run("a failed sign-in leaves it unused", func(t *testing.T) {
		var refuse atomic.Bool
		refuse.Store(true)
		e := newEnv(t, func(c *okauth.Config) {
			c.AppLink, c.AppSecret = &okauth.AppLink{}, fakeSecret
			c.OnSignIn = func(*http.Request, *okauth.User) error {
				if refuse.Load() {
					return errors.New("not today")
				}
				return nil
			}
		})
		e.OK.SetUser(launchUser)
		q := e.OK.LaunchParams(launchUser).Encode()
		resp := launch(t, e, e.Browser(t), q)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, body(t, resp))
		refuse.Store(false)
		resp = launch(t, e, e.Browser(t), q)
		assert.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
	})
	t.Run("the replay memory full", func(t *testing.T) {
		e := newEnv(t, func(c *okauth.Config) {
			c.AppLink, c.AppSecret, c.ReplayStore = &okauth.AppLink{}, fakeSecret, okauth.NewMemoryReplay(1)
		})
		e.OK.SetUser(launchUser)
		require.Equal(t, http.StatusOK, launch(t, e, e.Browser(t), e.OK.LaunchParams(launchUser).Encode()).StatusCode)
		resp := launch(t, e, e.Browser(t), e.OK.LaunchParams(launchUser).Encode())
		text := body(t, resp)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, text)
		assert.Empty(t, resp.Header.Values("Set-Cookie"))
	})
}

// confirmToken is the token in a confirmation page's form.
var confirmToken = regexp.MustCompile(`name="token" value="([^"]+)"`)

// A launch opened at top level (which an attacker can make anyone open)
// shows whom it would sign in as, and starts nothing until the user says
// Continue, once, in the browser it was shown in; Cancel changes nothing.
func TestAppLaunchTopLevelAsksFirst(t *testing.T) {
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	victim := oktest.User{UID: "575000999000", Name: "Жертва Тестовая"}
	topLevelPost := fetchMeta{"same-origin", "navigate", "document", ""}
	// open opens a fresh launch of the attacker's at top level in c and
	// returns the confirmation page's token and cookie.
	open := func(t *testing.T, c *http.Client) (string, *http.Cookie) {
		t.Helper()
		p := e.OK.LaunchParams(launchUser)
		resp := do(t, c, http.MethodGet, e.App.URL+"/auth/ok/app?"+p.Encode(), nil, typedIn)
		text := body(t, resp)
		require.Equal(t, http.StatusOK, resp.StatusCode, text)
		assert.Contains(t, text, "Continue as "+launchUser.Name)
		for _, secret := range []string{p.Get("session_key"), p.Get("session_secret_key"), fakeSecret} {
			assert.NotContains(t, text, secret, "the page holds no secret")
			assert.NotContains(t, strings.Join(resp.Header.Values("Set-Cookie"), ";"), secret, "the cookie is sealed")
		}
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'", "no one frames a page that asks for a click")
		assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
		m := confirmToken.FindStringSubmatch(text)
		require.Len(t, m, 2)
		ck := cookieNamed(resp, confirmName)
		require.NotNil(t, ck)
		assert.True(t, ck.Secure && ck.HttpOnly && ck.SameSite == http.SameSiteStrictMode && ck.MaxAge <= 300)
		assert.Zero(t, signIns.Load(), "nothing signed in before the user confirms")
		return m[1], ck
	}
	whoAt := func(c *http.Client) string {
		return body(t, do(t, c, http.MethodGet, e.App.URL+"/public", nil, typedIn))
	}

	t.Run("cancel", func(t *testing.T) {
		e.OK.SetUser(victim)
		c := e.Browser(t)
		e.SignIn(t, c, "/")
		signIns.Store(0)
		token, _ := open(t, c)
		resp := do(t, c, http.MethodPost, e.App.URL+"/auth/ok/app", url.Values{"token": {token}, "do": {"cancel"}}, topLevelPost)
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
		assert.Equal(t, "/", resp.Header.Get("Location"))
		assert.Nil(t, cookieNamed(resp, appSessionName))
		assert.Nil(t, sessionCookie(resp), "the session the browser had is left alone")
		assert.Equal(t, "public, signed in as "+victim.UID, whoAt(c))
		assert.Zero(t, signIns.Load())
	})

	t.Run("in Russian", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, e.App.URL+"/auth/ok/app?"+e.OK.LaunchParams(launchUser).Encode(), nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9")
		req.Header.Set("Sec-Fetch-Site", "none")
		req.Header.Set("Sec-Fetch-Mode", "navigate")
		req.Header.Set("Sec-Fetch-Dest", "document")
		resp, err := e.Browser(t).Do(req)
		require.NoError(t, err)
		text := body(t, resp)
		assert.Contains(t, text, `<html lang="ru">`)
		assert.Contains(t, text, "Войти в приложение?")
		assert.Contains(t, text, "Продолжить как "+launchUser.Name)
		assert.Contains(t, text, ">Отмена</button>")
	})

	t.Run("continue, once", func(t *testing.T) {
		signIns.Store(0)
		c := e.Browser(t)
		token, pending := open(t, c)
		form := url.Values{"token": {token}, "do": {"continue"}}
		resp := do(t, c, http.MethodPost, e.App.URL+"/auth/ok/app", form, topLevelPost)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
		assert.Equal(t, "/game", resp.Header.Get("Location"))
		assert.NotNil(t, cookieNamed(resp, appSessionName))
		assert.Equal(t, int32(1), signIns.Load())
		assert.Equal(t, "public, signed in as "+launchUser.UID, whoAt(c))

		// The same form and cookie again, in a browser that kept them.
		d := e.Browser(t)
		u, _ := url.Parse(e.App.URL)
		d.Jar.SetCookies(u, []*http.Cookie{pending})
		resp = do(t, d, http.MethodPost, e.App.URL+"/auth/ok/app", form, topLevelPost)
		text := body(t, resp)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, text)
		assert.Contains(t, text, "Launch link already used")
		assert.Nil(t, cookieNamed(resp, appSessionName))
		assert.Equal(t, int32(1), signIns.Load())
	})

	for _, r := range []struct {
		name   string
		post   func(t *testing.T, c *http.Client, token string) *http.Response
		status int
		msg    string
	}{
		{"another token", func(t *testing.T, c *http.Client, token string) *http.Response {
			return do(t, c, http.MethodPost, e.App.URL+"/auth/ok/app", url.Values{"token": {token + "x"}}, topLevelPost)
		}, http.StatusBadRequest, "Launch not recognised"},
		{"no token", func(t *testing.T, c *http.Client, token string) *http.Response {
			return do(t, c, http.MethodPost, e.App.URL+"/auth/ok/app", url.Values{"do": {"continue"}}, topLevelPost)
		}, http.StatusBadRequest, "Launch not recognised"},
		{"the token, posted from another browser", func(t *testing.T, _ *http.Client, token string) *http.Response {
			return do(t, e.Browser(t), http.MethodPost, e.App.URL+"/auth/ok/app", url.Values{"token": {token}}, topLevelPost)
		}, http.StatusBadRequest, "Launch not recognised"},
		{"the token, posted by another site", func(t *testing.T, c *http.Client, token string) *http.Response {
			return do(t, c, http.MethodPost, e.App.URL+"/auth/ok/app", url.Values{"token": {token}},
				fetchMeta{"cross-site", "navigate", "document", "https://evil.example/"})
		}, http.StatusForbidden, "Request refused"},
		{"not a form", func(t *testing.T, c *http.Client, token string) *http.Response {
			req, _ := http.NewRequest(http.MethodPost, e.App.URL+"/auth/ok/app", strings.NewReader(`{"token":"`+token+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := c.Do(req)
			require.NoError(t, err)
			return resp
		}, http.StatusBadRequest, "Launch not recognised"},
	} {
		t.Run(r.name, func(t *testing.T) {
			signIns.Store(0)
			c := e.Browser(t)
			token, _ := open(t, c)
			resp := r.post(t, c, token)
			text := body(t, resp)
			assert.Equal(t, r.status, resp.StatusCode, text)
			assert.Contains(t, text, r.msg)
			assert.Nil(t, cookieNamed(resp, appSessionName), "no session written")
			assert.Zero(t, signIns.Load())
			assert.Equal(t, "public, anonymous", whoAt(c))
		})
	}
}
