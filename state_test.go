package okauth_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth/oktest"
)

// loginOnce starts a sign-in in browser c returning to next, without
// going on to OK, and returns its state and the state cookie it set.
func loginOnce(t *testing.T, e *testEnv, c *http.Client, next string) (string, *http.Cookie) {
	t.Helper()
	resp := get(t, c, e.App.URL+"/auth/ok/login?next="+url.QueryEscape(next))
	require.Equal(t, http.StatusFound, resp.StatusCode, "login answers the dialog redirect")
	dialog, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	var set *http.Cookie
	for _, ck := range resp.Cookies() {
		require.Equal(t, stateName, ck.Name, "login sets only the state cookie")
		set = ck
	}
	require.NotNil(t, set, "login sets the state cookie")
	return dialog.Query().Get("state"), set
}

// finishWith relays OK's answer for state to the callback from browser c.
func finishWith(t *testing.T, e *testEnv, c *http.Client, state string) *http.Response {
	t.Helper()
	tok := e.OK.IssueToken(oktest.DefaultUser)
	form := url.Values{"access_token": {tok.AccessToken}, "session_secret_key": {tok.SessionSecret},
		"state": {state}, "expires_in": {"1800"}}
	return e.PostForm(t, c, "/auth/ok/callback", form.Encode())
}

// However often /login is hit, with however long a next, the browser
// holds one state cookie of at most 2 KB, listing the 8 newest sign-ins;
// each of those still finishes, in any order, and the older ones are
// refused. /login never fails because of next.
func TestPendingSignInsStayBounded(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)
	long := "/" + strings.Repeat("a", 2047)
	var states []string
	for range 200 {
		state, ck := loginOnce(t, e, c, long)
		assert.LessOrEqual(t, len(ck.Name)+1+len(ck.Value), 2048, "the state cookie's size")
		assert.Equal(t, "/auth/ok", ck.Path, "seen by /login, where the list is kept short")
		states = append(states, state)
	}
	jar := c.Jar.Cookies(callbackURL(t, e))
	require.Len(t, jar, 1, "one cookie for all pending sign-ins")

	newest := slices.Clone(states[len(states)-8:])
	slices.Reverse(newest) // tabs finish in any order
	for _, state := range newest {
		resp := finishWith(t, e, c, state)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
		assert.Equal(t, "/", resp.Header.Get("Location"), "a next too long to remember falls back to LandingPath")
	}
	resp := finishWith(t, e, c, states[len(states)-9])
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the ninth newest sign-in was dropped")
	assert.NotContains(t, e.Logs.String(), "level=ERROR")
}

// A next SafeNext accepts but that is JSON-hostile and 1,208 bytes long
// falls back to LandingPath, with no 500 and no ERROR; a next that fits is
// kept; and neither logs above INFO.
func TestLongNextNeverBreaksSignIn(t *testing.T) {
	for _, tc := range []struct{ name, next, want string }{
		{"1,208 bytes of a=1&", "/search?" + strings.Repeat("a=1&", 300), "/"},
		{"500 bytes of <>&", "/search?q=" + strings.Repeat("<>&", 163), "/search?q=" + strings.Repeat("<>&", 163)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.Browser(t)
			resp := e.SignIn(t, c, tc.next)
			assert.Equal(t, tc.want, resp.Header.Get("Location"))
			for _, line := range strings.Split(e.Logs.String(), "\n") {
				assert.NotRegexp(t, "level=(WARN|ERROR)", line)
			}
		})
	}
}

func callbackURL(t *testing.T, e *testEnv) *url.URL {
	u, err := url.Parse(e.App.URL + "/auth/ok/callback")
	require.NoError(t, err)
	return u
}

// TestTwoTabs starts two sign-ins in one browser and finishes them in the
// opposite order: each has its own state, so both succeed.
func TestTwoTabs(t *testing.T) {
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) {
			e := newEnv(t, inFlow(flow, nil))
			c := e.Browser(t)
			first := e.StartLogin(t, c, "/one")
			second := e.StartLogin(t, c, "/two")
			require.NotEqual(t, first.Get("state"), second.Get("state"))

			resp := e.Finish(t, c, second)
			require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
			assert.Equal(t, "/two", resp.Header.Get("Location"))
			resp = e.Finish(t, c, first)
			require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
			assert.Equal(t, "/one", resp.Header.Get("Location"))
		})
	}
}
