package okauth_test

import (
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
