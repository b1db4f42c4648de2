package okredis

import (
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/okauth/okauth/okredis/internal/redistest"
)

// open is a Client on srv, closed when the test ends.
func open(t testing.TB, srv *redistest.Server, opts Options) *Client {
	t.Helper()
	c, err := Open(srv.URL(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// newID is a session ID as okauth makes them: 32 random bytes, base64url.
func newID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
