package okauth_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/okauth/okauth"
)

// TestNextIsSameSite: a next that could leave the site falls back to the
// landing path; a good one is kept.
func TestNextIsSameSite(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) { c.LandingPath = "/home" })
	for _, tc := range []struct{ next, want string }{
		{"/account?x=1#top", "/account?x=1#top"},
		{"//evil.example", "/home"},
		{`/\evil.example`, "/home"},
		{"https://evil.example/", "/home"},
		{"javascript:alert(1)", "/home"},
		{"/ok\r\nSet-Cookie: x=1", "/home"},
		{"/tab\there", "/home"},
		{"", "/home"},
	} {
		t.Run(tc.next, func(t *testing.T) {
			c := e.Browser(t)
			resp := e.SignIn(t, c, tc.next)
			assert.Equal(t, tc.want, resp.Header.Get("Location"))
		})
	}
}
