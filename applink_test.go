package okauth_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
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
	assertCarried(t, landingOf(t, text), p) // the page opens the landing page itself
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
		p := e.OK.LaunchParams(launchUser)
		q := p.Encode()
		resp := launch(t, e, player, q)
		require.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
		resp = launch(t, e, player, q)
		text := body(t, resp)
		assert.Equal(t, http.StatusOK, resp.StatusCode, text)
		assertCarried(t, landingOf(t, text), p)
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
