package okredis_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/okredis"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest"
)

// TestPhoneSignOutAcrossInstances: a phone signs in on instance A of an
// app, both instances on one real Redis (each with its own client and
// client-side cache), and is served by B; it signs out on A
// (DELETE {Prefix}/token), and B refuses its bearer session once Redis's
// invalidation reaches B's cache: polled, within a bound, then refused
// every time. The same user's other phone stays signed in.
func TestPhoneSignOutAcrossInstances(t *testing.T) {
	redis := redistest.Start(t)
	edit := func(c *okauth.Config) {
		rc, err := okredis.Open(redis.URL(), okredis.Options{})
		require.NoError(t, err)
		t.Cleanup(rc.Close)
		c.AppSecret, c.SessionStore = flowtest.FakeSecret, rc.Sessions()
	}
	a := flowtest.Start(t, edit, nil)
	b := flowtest.StartWith(t, flowtest.Options{OK: a.OK}, edit, nil)
	phone, other := phoneSignIn(t, a), phoneSignIn(t, a)
	for range 3 { // B reads the session: in its client-side cache now
		require.Equal(t, http.StatusOK, bearer(t, b, http.MethodGet, "/", phone).StatusCode)
	}

	resp := bearer(t, a, http.MethodDelete, "/auth/ok/token", phone)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)

	const bound = 5 * time.Second // far above the ~100 ms Redis's invalidation takes, for a loaded machine
	start := time.Now()
	for bearer(t, b, http.MethodGet, "/", phone).StatusCode != http.StatusUnauthorized {
		require.Less(t, time.Since(start), bound, "B still serves the phone's ended session")
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("B refused the ended session after %v", time.Since(start))
	for range 20 {
		resp := bearer(t, b, http.MethodGet, "/", phone)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Equal(t, `Bearer error="invalid_token"`, resp.Header.Get("WWW-Authenticate"))
	}
	assert.Equal(t, http.StatusOK, bearer(t, b, http.MethodGet, "/", other).StatusCode, "the other phone stays signed in")
}

// phoneSignIn signs the fake's default user in on e through the token
// route, as a phone app does, and returns the bearer session.
func phoneSignIn(t *testing.T, e *flowtest.Env) string {
	t.Helper()
	tok := e.OK.IssueToken(oktest.DefaultUser)
	body, err := json.Marshal(map[string]string{"access_token": tok.AccessToken, "session_secret_key": tok.SessionSecret})
	require.NoError(t, err)
	resp, err := e.App.Client().Post(e.App.URL+"/auth/ok/token", "application/json", strings.NewReader(string(body)))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var ans struct {
		Session string `json:"session"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&ans))
	require.NotEmpty(t, ans.Session)
	return ans.Session
}

// bearer sends method path to e with the bearer session value.
func bearer(t *testing.T, e *flowtest.Env, method, path, value string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, e.App.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+value)
	resp, err := e.App.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}
