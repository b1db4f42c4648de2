package okauth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func testPairs(t testing.TB, secret string) [][]byte {
	k, err := DeriveKeys(secret)
	require.NoError(t, err)
	return k
}

// TestCodecReadsSecurecookie: the fast decoder reads what securecookie
// writes, and refuses what securecookie would refuse.
func TestCodecReadsSecurecookie(t *testing.T) {
	pairs := testPairs(t, "codec test secret, thirty-two bytes or more")
	c, err := newCookieCodec(time.Hour, pairs)
	require.NoError(t, err)
	payload := encodeUser(typicalUser())

	value, err := c.encode("okauth", payload)
	require.NoError(t, err)
	got, err := c.decode(namePipe("okauth"), value, nil)
	require.NoError(t, err)
	assert.Equal(t, payload, got)

	// securecookie itself agrees.
	var back []byte
	require.NoError(t, securecookie.DecodeMulti("okauth", value, &back, c.codecs...))
	assert.Equal(t, payload, back)

	// Any flipped byte, another name, or a truncation is refused.
	for i := 0; i < len(value); i += 7 {
		b := []byte(value)
		b[i] ^= 0x01
		_, err := c.decode(namePipe("okauth"), string(b), nil)
		assert.Error(t, err, "flipped byte %d", i)
	}
	_, err = c.decode(namePipe("other"), value, nil)
	assert.Error(t, err, "the MAC covers the cookie name")
	_, err = c.decode(namePipe("okauth"), value[:len(value)-4], nil)
	assert.Error(t, err)
}

// TestCodecRotationAndAge: old keys still read after a new pair goes
// first; removed keys and old timestamps are refused.
func TestCodecRotationAndAge(t *testing.T) {
	a := testPairs(t, "key set A, at least thirty-two bytes long")
	b := testPairs(t, "key set B, at least thirty-two bytes long")
	oldCodec, err := newCookieCodec(time.Hour, a)
	require.NoError(t, err)
	value, err := oldCodec.encode("okauth", []byte("payload"))
	require.NoError(t, err)

	rotated, err := newCookieCodec(time.Hour, append(append([][]byte{}, b...), a...))
	require.NoError(t, err)
	got, err := rotated.decode(namePipe("okauth"), value, nil)
	require.NoError(t, err)
	assert.Equal(t, "payload", string(got))

	onlyB, err := newCookieCodec(time.Hour, b)
	require.NoError(t, err)
	_, err = onlyB.decode(namePipe("okauth"), value, nil)
	assert.Error(t, err, "a removed key no longer reads")

	// A cookie older than maxAge is refused.
	short, err := newCookieCodec(time.Minute, a)
	require.NoError(t, err)
	old := encodeAt(t, a, "okauth", []byte("payload"), time.Now().Add(-2*time.Minute))
	var viaSC []byte
	require.NoError(t, securecookie.DecodeMulti("okauth", old, &viaSC, oldCodec.codecs...), "encodeAt writes securecookie's format")
	_, err = short.decode(namePipe("okauth"), old, nil)
	assert.Error(t, err, "older than maxAge")
	_, err = oldCodec.decode(namePipe("okauth"), old, nil)
	assert.NoError(t, err, "within maxAge")
}

// encodeAt writes data in securecookie's format as if at were now, which
// securecookie itself cannot be told: base64(date|base64(iv+AES-CTR)|mac).
func encodeAt(t *testing.T, pairs [][]byte, name string, data []byte, at time.Time) string {
	t.Helper()
	block, err := aes.NewCipher(pairs[1])
	require.NoError(t, err)
	ct := make([]byte, aes.BlockSize+len(data))
	_, err = rand.Read(ct[:aes.BlockSize])
	require.NoError(t, err)
	cipher.NewCTR(block, ct[:aes.BlockSize]).XORKeyStream(ct[aes.BlockSize:], data)
	signed := fmt.Sprintf("%d|%s", at.Unix(), base64.URLEncoding.EncodeToString(ct))
	m := hmac.New(sha256.New, pairs[0])
	m.Write([]byte(name + "|" + signed))
	return base64.URLEncoding.EncodeToString(append([]byte(signed+"|"), m.Sum(nil)...))
}

func httptestRequest(cookieHeader string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", cookieHeader)
	return r
}
