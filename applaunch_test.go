package okauth_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
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
		c.AppLink, c.AppSecret, c.AppLandingPath = true, fakeSecret, "/game"
		c.OnSignIn = func(*http.Request, *okauth.User) error { signIns.Add(1); return nil }
	})
	e.OK.SetUser(launchUser)
	return e
}

// launch opens the App link with query q in browser c.
func launch(t *testing.T, e *testEnv, c *http.Client, rawQuery string) *http.Response {
	t.Helper()
	return get(t, c, e.App.URL+"/auth/ok/app?"+rawQuery)
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
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
	assert.Equal(t, "/game", resp.Header.Get("Location"), "the redirect drops the launch query")
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
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

	// Middleware reads the App link's cookie; Call signs with session_key.
	resp = get(t, c, e.App.URL+"/friends")
	assert.Equal(t, "friends=1,2", body(t, resp))
	assert.Equal(t, p.Get("session_key"), calledWith["session_key"])
	assert.Empty(t, calledWith["access_token"])
	assert.Contains(t, body(t, get(t, c, e.App.URL+"/")), "uid="+launchUser.UID)

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
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
}

// OK adds parameters over time: a signed one okauth does not know is fine.
func TestAppLaunchUnknownSignedParameter(t *testing.T) {
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	p := e.OK.LaunchParams(launchUser)
	p.Set("ip_geo_location", "RU,48,Москва")
	e.OK.SignLaunch(p)
	resp := launch(t, e, e.Browser(t), p.Encode())
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
}

func TestAppLinkOffIsNotFound(t *testing.T) {
	e := newEnv(t, nil)
	resp := launch(t, e, e.Browser(t), e.OK.LaunchParams(launchUser).Encode())
	body(t, resp)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestAppLinkNeedsAppSecret(t *testing.T) {
	_, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://a.example/auth/ok/callback",
		SessionKeys: testKeys, AppLink: true})
	require.Error(t, err)
	assert.True(t, errors.Is(err, okauth.ErrConfig))
	assert.Contains(t, err.Error(), "AppSecret")
	_, err = okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://a.example/auth/ok/callback",
		SessionKeys: testKeys, AppLink: true, AppSecret: "s", AppLandingPath: "//evil.example"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AppLandingPath")
}

func TestFrameable(t *testing.T) {
	auth, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://a.example/auth/ok/callback",
		SessionKeys: testKeys, AppFrameAncestors: []string{"https://site.test"}})
	require.NoError(t, err)
	h := auth.Frameable(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Frame-Options", "DENY")
		io.WriteString(w, "game")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/game", nil))
	assert.Equal(t, "default-src 'self'; frame-ancestors https://site.test", rec.Header().Get("Content-Security-Policy"))
	assert.Empty(t, rec.Header().Get("X-Frame-Options"))
	assert.Equal(t, "game", rec.Body.String())
}

// A launch URL carries no state, so anyone can make a victim's browser
// open their own. Inside an iframe that is harmless (the cookie is kept
// under the framing site only); at top level the victim would browse the
// app as the attacker, so a top-level launch must come from the browser
// itself, the app's own origin or one of OK's pages.
func TestAppLaunchWhereFrom(t *testing.T) {
	for _, r := range []struct {
		name                string
		dest, site, referer string
		ok                  bool
	}{
		{"ok.ru's iframe", "iframe", "cross-site", "https://ok.ru/", true},
		{"an iframe anywhere (its cookie stays in that site's partition)", "iframe", "cross-site", "https://evil.example/", true},
		{"a browser without Fetch Metadata", "", "", "", true},
		{"OK's mobile app opening its web view", "document", "none", "", true},
		{"top level from m.ok.ru", "document", "cross-site", "https://m.ok.ru/games", true},
		{"top level from ok.ru", "document", "cross-site", "https://ok.ru/", true},
		{"top level from the app itself", "document", "same-origin", "", true},
		{"top level from another site", "document", "cross-site", "https://evil.example/", false},
		{"top level from a sibling site", "document", "same-site", "https://evil.example.com/", false},
		{"top level with the Referer suppressed", "document", "cross-site", "", false},
		{"top level from a site that ends in ok.ru", "document", "cross-site", "https://notok.ru/", false},
		{"top level from a site whose name starts with ok.ru", "document", "cross-site", "https://ok.ru.evil.example/", false},
		{"top level from ok.ru over plain http", "document", "cross-site", "http://ok.ru/", false},
	} {
		t.Run(r.name, func(t *testing.T) {
			var signIns atomic.Int32
			e := newLaunchEnv(t, &signIns)
			req, err := http.NewRequest(http.MethodGet, e.App.URL+"/auth/ok/app?"+e.OK.LaunchParams(launchUser).Encode(), nil)
			require.NoError(t, err)
			for k, v := range map[string]string{"Sec-Fetch-Dest": r.dest, "Sec-Fetch-Site": r.site, "Referer": r.referer} {
				if v != "" {
					req.Header.Set(k, v)
				}
			}
			resp, err := e.Browser(t).Do(req)
			require.NoError(t, err)
			text := body(t, resp)
			if r.ok {
				assert.Equal(t, http.StatusSeeOther, resp.StatusCode, text)
				assert.Equal(t, int32(1), signIns.Load())
				return
			}
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, text)
			assert.Contains(t, text, "Launch not recognised")
			assert.Empty(t, resp.Header.Values("Set-Cookie"), "no session written")
			assert.Zero(t, signIns.Load())
			assert.Zero(t, e.OK.APICalls(), "refused before asking OK")
		})
	}
}
