package okauth

import (
	"bytes"
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
	"strings"
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

// typicalUser is a user as OK returns one: Cyrillic name, a long picture
// URL, email, a long token.
func typicalUser() *User {
	return &User{
		UID: "574385021466", Name: "Александра Константинова-Щедрина",
		FirstName: "Александра", LastName: "Константинова-Щедрина",
		Picture:     "https://i.mycdn.me/i?r=AzEPZsRbOZEKgBhR0XGMT1RkAlqKUVyHDT3Pm9pLKrLVpKaKTM5SRkZCeTgDn6uOyic&fn=sqr_128",
		Email:       "alexandra.konstantinova@example.ru",
		Permissions: []string{"VALUABLE_ACCESS", "GET_EMAIL", "LONG_ACCESS_TOKEN"},
		Expires:     time.Now().Add(time.Hour).Truncate(time.Second),
		AccessToken: Secret("-s-" + strings.Repeat("aB3dE5fG7h", 8)), SessionSecret: Secret(strings.Repeat("0123456789abcdef", 2)),
	}
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

// TestUserEncoding round-trips a user and keeps a typical session cookie
// under 1 KB.
func TestUserEncoding(t *testing.T) {
	u := typicalUser()
	var back User
	require.NoError(t, decodeUser(string(encodeUser(u)), &back))
	assert.Equal(t, *u, back)

	other := *u
	other.Name = "Саша"
	require.NoError(t, decodeUser(string(encodeUser(&other)), &back))
	assert.Equal(t, "Саша", back.Name, "a name that is not first+last is kept")

	c, err := newCookieCodec(24*time.Hour, testPairs(t, "size test secret of thirty-two bytes!"))
	require.NoError(t, err)
	value, err := c.encode("okauth", encodeUser(u))
	require.NoError(t, err)
	cookie := cookieOptions{name: "okauth", secure: true}.cookie(value, 3600).String()
	t.Logf("typical session cookie: %d bytes", len(cookie))
	assert.LessOrEqual(t, len(cookie), 1024)

	for _, bad := range []string{"", "\x01", "\x02\x00\x00", string(encodeUser(u)) + "x", string(encodeUser(u))[:40]} {
		assert.Error(t, decodeUser(bad, &back), "%q", bad)
	}
}

// TestUserEncodingV2 round-trips what version 2 added, and reads a
// version 1 session as it meant: one expiry for session and token.
func TestUserEncodingV2(t *testing.T) {
	u := *typicalUser()
	u.TokenExpires = u.Expires.Add(-7 * 24 * time.Hour).Add(30 * time.Minute)
	u.SessionSecret, u.RefreshToken, u.AccountID = "", "refresh-token", "acct-7"
	u.Extra = map[string]string{"birthday": "1990-05-17", "location": `{"city":"Москва"}`}
	var back User
	require.NoError(t, decodeUser(string(encodeUser(&u)), &back))
	assert.Equal(t, u, back)

	old := *typicalUser()
	require.NoError(t, decodeUser(string(encodeUserV1(&old)), &back))
	old.TokenExpires = old.Expires
	assert.Equal(t, old, back, "a version 1 session still reads")

	bad := encodeUser(&u)
	bad[0] = 3
	assert.Error(t, decodeUser(string(bad), &back), "an unknown version")
}

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

// The same user always encodes to the same bytes, whatever order Go's map
// walks its extra fields in: the fuzzer's worker processes recognise the
// sessions the coordinator signed only then.
func TestEncodeUserDeterministic(t *testing.T) {
	u := User{UID: "1", Name: "x", Extra: map[string]string{}}
	for _, k := range []string{"birthday", "location", "gender", "age", "locale", "pic_5", "email"} {
		u.Extra[k] = k + " value"
	}
	first := encodeUser(&u)
	for range 50 {
		if got := encodeUser(&u); !bytes.Equal(got, first) {
			t.Fatalf("encoded %q, then %q", first, got)
		}
	}
}
