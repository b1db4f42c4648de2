package okauth_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// TestRequireLogin: browsers are redirected, API clients get 401 JSON.
func TestRequireLogin(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)

	req, _ := http.NewRequest(http.MethodGet, e.App.URL+"/api/me", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var got map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	assert.Equal(t, "not_signed_in", got["error"])
	assert.Equal(t, "Please sign in with OK.ru first.", got["message"])
	assert.Equal(t, "/auth/ok/login?next=%2Fapi%2Fme", got["login_url"])

	resp = get(t, c, e.App.URL+"/public")
	assert.Equal(t, "public, anonymous", body(t, resp))
	e.SignIn(t, c, "/")
	resp = get(t, c, e.App.URL+"/public")
	assert.Equal(t, "public, signed in as 574385021466", body(t, resp))
}

// TestUnauthenticated: RequireLogin hands anonymous requests to the app's
// handler when one is set.
func TestUnauthenticated(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) {
		c.Unauthenticated = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, "choose how to sign in: "+r.URL.Path)
		})
	})
	code, page := status(t, e, e.Browser(t), "/account")
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Equal(t, "choose how to sign in: /account", page)
}

// TestRequireToken (token flow): with the token expired, a page load goes
// through OK's dialog and back to the same page with a new token; an API
// client is told 401. In the code flow the page runs, since the token
// can be refreshed.
func TestRequireToken(t *testing.T) {
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) {
			e, clock := newClockEnv(t, inFlow(flow, nil))
			c := e.Browser(t)
			e.SignIn(t, c, "/")
			before := e.jarSession(c)
			clock.advance(time.Hour)

			resp := get(t, c, e.App.URL+"/photos?x=1")
			if flow == okauth.FlowCode {
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, "live token", body(t, resp))
				return
			}
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			assert.Equal(t, "/auth/ok/login?next="+url.QueryEscape("/photos?x=1"), resp.Header.Get("Location"))
			assert.Equal(t, before, e.jarSession(c), "the session stays meanwhile")

			req, _ := http.NewRequest(http.MethodPost, e.App.URL+"/photos", nil)
			resp, err := c.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Contains(t, body(t, resp), `"error":"token_expired"`)

			resp = e.SignIn(t, c, "/photos?x=1")
			assert.Equal(t, "/photos?x=1", resp.Header.Get("Location"))
			code, page := status(t, e, c, "/photos?x=1")
			assert.Equal(t, http.StatusOK, code)
			assert.Equal(t, "live token", page)
		})
	}
}
