package okredis

import (
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/okauth/okauth"
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

// sid is a session ID of uid as okauth makes them for a SessionStore.
func sid(uid string) string { return okauth.NewSessionID((*SessionStore)(nil), uid) }

// newID is 32 random bytes, base64url: a state, a transaction, a key.
func newID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
