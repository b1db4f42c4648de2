package okauth

import (
	"crypto/md5"
	"encoding/hex"
	"net/url"

	"github.com/okauth/okauth/internal/signedquery"
)

// Sign computes OK's request signature: the lowercase hex MD5 of every
// parameter but sig and access_token, sorted by name and written as
// name=value with no separator, followed by secret. Values are used raw
// (not URL-encoded). Where a parameter repeats, its first value counts.
//
// The secret is the session_secret_key in the client-side flow,
// [ServerSecret] of the token in the server flow, and the application
// secret key for calls without a session.
func Sign(params url.Values, secret string) string {
	return signedquery.Sign(params, secret)
}

// ServerSecret is the signing secret of the server flow:
// md5(accessToken + appSecret) in lowercase hex.
func ServerSecret(accessToken, appSecret string) string {
	return md5Hex(accessToken + appSecret)
}

// md5Hex is the lowercase hex MD5 of s, as OK's signatures are written.
func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
