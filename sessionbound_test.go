package okauth_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestOneTokenFloodIsBounded: one valid OK token posted to the token
// route again and again keeps only the store's bound of sessions (3
// here): each new one ends the oldest, the newest work, and
// SignOutEverywhere ends them all.
func TestOneTokenFloodIsBounded(t *testing.T) {
	e := nativeEnv(t, func(c *okauth.Config) { c.SessionStore = okauth.NewMemorySessionsMax(3) })
	tok := e.OK.IssueToken(oktest.DefaultUser)
	var sessions []string
	for range 6 {
		resp, ans, raw := postToken(t, e, "application/json", "", jsonBody("access_token", tok.AccessToken))
		require.Equal(t, http.StatusOK, resp.StatusCode, raw)
		sessions = append(sessions, ans.Session)
	}
	for i, s := range sessions {
		status, _ := bearerGet(t, e, "/home", s)
		if i < 3 {
			assert.Equal(t, http.StatusUnauthorized, status, "session %d of 6, past the bound of 3: ended", i)
		} else {
			assert.Equal(t, http.StatusOK, status, "session %d of 6, within the bound", i)
		}
	}
	require.NoError(t, e.Auth.SignOutEverywhere(context.Background(), oktest.DefaultUser.UID))
	for _, s := range sessions[3:] {
		status, _ := bearerGet(t, e, "/home", s)
		assert.Equal(t, http.StatusUnauthorized, status, "signed out everywhere")
	}
}
