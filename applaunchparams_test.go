package okauth_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// landingRefresh is the landing page the App link's answer opens.
var landingRefresh = regexp.MustCompile(`<meta http-equiv="refresh" content="0;url=([^"]*)">`)

// launchSecretNames are the launch parameters that must not leave the App
// link.
var launchSecretNames = []string{"session_key", "session_secret_key", "auth_sig", "sig"}

// landingOf is the landing URL the App link's page text opens, checked to
// be the page's link too.
func landingOf(t *testing.T, text string) *url.URL {
	t.Helper()
	m := landingRefresh.FindStringSubmatch(text)
	require.Len(t, m, 2, text)
	assert.Contains(t, text, `href="`+m[1]+`"`, "the link opens the same page")
	u, err := url.Parse(html.UnescapeString(m[1]))
	require.NoError(t, err)
	return u
}

// assertCarried checks that landing carries every parameter of launch p
// but its secrets, with its value, and nothing else.
func assertCarried(t *testing.T, landing *url.URL, p url.Values) {
	t.Helper()
	assert.Equal(t, "/game", landing.Path)
	got := landing.Query()
	for name := range p {
		if isSecretName(name) {
			assert.False(t, got.Has(name), "%s is not carried", name)
			continue
		}
		assert.Equal(t, p[name], got[name], "%s is carried as OK sent it", name)
	}
	for name := range got {
		assert.True(t, p.Has(name), "%s was not in the launch", name)
	}
	for _, name := range launchSecretNames {
		assert.NotContains(t, landing.String(), p.Get(name), "no secret's value in the URL")
	}
}

func isSecretName(name string) bool {
	for _, s := range launchSecretNames {
		if s == name {
			return true
		}
	}
	return false
}

func TestAppLaunchCarriesParametersToLanding(t *testing.T) {
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	player := e.Browser(t)
	p := e.OK.LaunchParams(launchUser)
	// What an invite carries, as OK writes it: a raw ';', '+', spaces,
	// Cyrillic and JSON.
	p.Set("custom_args", `invite=1;from=a+b c&msg=Привет, {"x":[1,2]}`)
	p.Set("refplace", "friend_invitation")
	p.Set("mob", "false")
	e.OK.SignLaunch(p)
	q := p.Encode()

	resp := launch(t, e, player, q)
	text := body(t, resp)
	require.Equal(t, http.StatusOK, resp.StatusCode, text)
	landing := landingOf(t, text)
	assertCarried(t, landing, p)
	assert.Contains(t, landing.RawQuery, "%20", "a space is %20, which OK's SDK decodes")
	assert.NotContains(t, landing.RawQuery, "+", "no '+' that decodeURIComponent would keep")

	t.Run("reloaded", func(t *testing.T) {
		resp := launch(t, e, player, q)
		text := body(t, resp)
		require.Equal(t, http.StatusOK, resp.StatusCode, text)
		assertCarried(t, landingOf(t, text), p)
	})
}

func TestAppLaunchTopLevelLongParametersStayBehind(t *testing.T) {
	// A top-level launch keeps its landing URL in the pending-launch
	// cookie: one too long for it lands without the parameters rather
	// than fail.
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	c := e.Browser(t)
	p := e.OK.LaunchParams(launchUser)
	p.Set("custom_args", strings.Repeat("Привет ", 300))
	e.OK.SignLaunch(p)
	resp := do(t, c, http.MethodGet, e.App.URL+"/auth/ok/app?"+p.Encode(), nil, typedIn)
	text := body(t, resp)
	require.Equal(t, http.StatusOK, resp.StatusCode, text)
	m := confirmToken.FindStringSubmatch(text)
	require.Len(t, m, 2)
	form := url.Values{"token": {m[1]}, "do": {"continue"}}
	resp = do(t, c, http.MethodPost, e.App.URL+"/auth/ok/app", form, fetchMeta{"same-origin", "navigate", "document", ""})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
	assert.Equal(t, "/game", resp.Header.Get("Location"))
	assert.Equal(t, int32(1), signIns.Load())
}
