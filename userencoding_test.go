package okauth

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// TestDecodeUserInto: the signed-in request's decoder, which shares one
// allocation for the user and appends the joined name to its buffer,
// reads every user (joined name or not, more permissions than its room,
// extra fields, version 1) exactly as decodeUser does, and leaves no spare
// capacity in the permissions it shares.
func TestDecodeUserInto(t *testing.T) {
	many := typicalUser()
	many.Permissions = []string{"A", "", "B", "C", "D", "E"}
	many.Extra = map[string]string{"birthday": "1990-01-01"}
	users := append([]User{*typicalUser(), *many}, fuzzUsers...)
	for i, u := range users {
		for _, plain := range [][]byte{encodeUser(&u), encodeUserV1(&u)} {
			var want User
			require.NoError(t, decodeUser(string(plain), &want), "user %d", i)
			buf := append(make([]byte, 0, len(plain)), plain...)
			var box userBox
			require.NoError(t, decodeUserInto(&buf, &box), "user %d", i)
			assert.Equal(t, want, box.u, "user %d", i)
			assert.Equal(t, len(box.u.Permissions), cap(box.u.Permissions), "user %d", i)
		}
	}
	buf := []byte{sessionVersion, 0, 1}
	assert.Error(t, decodeUserInto(&buf, &userBox{}), "truncated")
}
