package okauth

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSignVectors checks the signature rule against the test vectors in
// shared/ok-platform.md (each checked with md5sum).
func TestSignVectors(t *testing.T) {
	assert.Equal(t, "42501554288d3bb6a1ba9ee035743315",
		Sign(url.Values{"application_key": {"2"}, "method": {"3"}}, "1"))

	secret := ServerSecret("3", "2")
	assert.Equal(t, "6364d3f0f495b6ab9dcf8d3b5c6e0b01", secret)
	assert.Equal(t, "d7348fe0d7d735aa2156fa5c596ab8cc",
		Sign(url.Values{"application_key": {"1"}, "format": {"json"}, "method": {"friends.get"}}, secret))
}

// TestSignLeavesOutSigAndToken: sig and access_token are not signed, every
// other parameter is, raw and in name order.
func TestSignLeavesOutSigAndToken(t *testing.T) {
	base := url.Values{"application_key": {"2"}, "method": {"3"}}
	with := url.Values{"application_key": {"2"}, "method": {"3"}, "sig": {"x"}, "access_token": {"tok"}}
	assert.Equal(t, Sign(base, "1"), Sign(with, "1"))

	// Values are used raw, not URL-encoded: md5("fields=a,bmethod=m&=s").
	assert.Equal(t, md5hex("fields=a,bmethod=m&=s"), Sign(url.Values{"method": {"m&="}, "fields": {"a,b"}}, "s"))
	assert.NotEqual(t, Sign(base, "1"), Sign(base, "2"), "the secret counts")
}
