package okauth_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestExtraFields: fields beyond the built-in ones reach User.Extra,
// within the size bound.
func TestExtraFields(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) {
		c.Fields = []string{"uid", "name", "first_name", "last_name", "birthday", "location", "huge", "missing"}
	})
	u := oktest.DefaultUser
	u.Extra = map[string]any{"birthday": "1990-05-17", "location": map[string]string{"city": "Москва"},
		"huge": strings.Repeat("x", 10<<10), "unasked": "no"}
	e.OK.SetUser(u)
	c := e.Browser(t)
	ck := sessionCookie(e.SignIn(t, c, "/"))
	require.NotNil(t, ck)
	assert.Less(t, len(ck.String()), 2048, "the cookie stays small")
	_, page := status(t, e, c, "/session")
	assert.Contains(t, page, "birthday:1990-05-17")
	assert.Contains(t, page, `location:{"city":"Москва"}`)
	assert.Contains(t, page, "huge:"+strings.Repeat("x", 256)+" ", "a long string is clipped to 256 bytes")
	assert.NotContains(t, page, strings.Repeat("x", 257))
	assert.NotContains(t, page, "unasked")
	assert.NotContains(t, page, "missing")
}
