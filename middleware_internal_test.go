package okauth

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCookieValue finds the session cookie without net/http's parser.
func TestCookieValue(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"okauth=abc", "abc"},
		{"a=1; okauth=abc; b=2", "abc"},
		{"okauthx=1; xokauth=2;okauth=v", "v"},
		{`okauth="quoted"`, "quoted"},
		{"a=1", ""},
		{"okauth=", ""},
	} {
		r := httptestRequest(tc.header)
		assert.Equal(t, tc.want, cookieValue(r, "okauth"), tc.header)
	}
}
