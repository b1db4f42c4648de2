package okauth_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth/oktest"
)

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

	t.Run("a name copied from the victim", func(t *testing.T) {
		// The attacker's OK account bears the victim's name: the page
		// still tells them apart by OK's ID, and says whom the browser is
		// signed in as now.
		e.OK.SetUser(victim)
		c := e.Browser(t)
		e.SignIn(t, c, "/")
		signIns.Store(0)
		impostor := oktest.User{UID: "575000111222", Name: victim.Name}
		resp := do(t, c, http.MethodGet, e.App.URL+"/auth/ok/app?"+e.OK.LaunchParams(impostor).Encode(), nil, typedIn)
		text := body(t, resp)
		require.Equal(t, http.StatusOK, resp.StatusCode, text)
		assert.Contains(t, text, "Continue as "+victim.Name)
		assert.Contains(t, text, `OK.ru ID <strong id="okauth-uid">`+impostor.UID+`</strong>`)
		assert.Regexp(t, `id="okauth-switch">You are signed in here now as <strong>`+victim.Name+` \(OK.ru ID `+victim.UID+`\)</strong>`, text)
		// The victim's own launch names no one to switch from.
		resp = do(t, c, http.MethodGet, e.App.URL+"/auth/ok/app?"+e.OK.LaunchParams(victim).Encode(), nil, typedIn)
		text = body(t, resp)
		assert.Contains(t, text, `<strong id="okauth-uid">`+victim.UID+`</strong>`)
		assert.NotContains(t, text, "okauth-switch")
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
		landing, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		assert.Equal(t, "/game", landing.Path)
		assert.Equal(t, "from=test&x=Привет", landing.Query().Get("custom_args"), "the launch's parameters come along")
		assert.Equal(t, launchUser.UID, landing.Query().Get("logged_user_id"))
		for _, name := range launchSecretNames {
			assert.False(t, landing.Query().Has(name), "%s is not carried", name)
		}
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
