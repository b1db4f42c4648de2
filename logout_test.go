package okauth_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogoutRefusesCrossOrigin: a POST from another site cannot sign the
// user out.
func TestLogoutRefusesCrossOrigin(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	before := e.jarSession(c)

	req, _ := http.NewRequest(http.MethodPost, e.App.URL+"/auth/ok/logout", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body(t, resp), "came from another site")
	assert.Nil(t, sessionCookie(resp))
	assert.Equal(t, before, e.jarSession(c))
}
