// Package signedquery reads the queries OK.ru signs with an app's secret:
// the App link's launch and the payment callback. It reads them as OK
// writes them (split on '&' only, so a raw ';' stays in its value, as
// PHP reads it), checks every name and value, and verifies sig over what
// was sent.
//
// OK's signature joins name=value pairs with no separator, so one signed
// text can be cut into pairs more than one way: "a=1b=2" is a=1, b=2, but
// also a="1b=2", "a=1b"="2" or a="1b", "b"... only the names tell them
// apart. Parse refuses every cut that would change a parameter its caller
// relies on (Rules.Known, the names OK documents):
//   - a name outside OK's syntax (an ASCII letter, then letters, digits
//     and '_'), so no '=' moves from a value into a name;
//   - a value holding a known name followed by '=' (it swallowed that
//     parameter);
//   - a name the caller does not know that ends with a known name or is
//     the end of one (the boundary before a known name moved).
//
// Two kinds of cut no syntax tells apart are left to the caller's checks
// of each value: a value may hold an unknown name and '=' ("a=1b=2" with
// b unknown reads as a="1b=2" too), and a value can trade characters with
// an unknown name after it ("a=xy" then "yz=1" reads as "a=xyy" then
// "z=1" when the names still sort in that order). A known value whose
// shape admits no '=' and no letters after its last expected character
// is safe from both; unknown parameters may be read either way.
package signedquery

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Errors Parse wraps. Their text is safe to log: it never holds a value.
var (
	// ErrMalformed is a query that is not OK's: a bad escape, a name
	// outside OK's syntax, a repeated or overlong field, text that is not
	// clean UTF-8, or a re-cut of the signed text.
	ErrMalformed = errors.New("query is not well-formed")
	// ErrSignature is a query whose sig is missing or wrong.
	ErrSignature = errors.New("sig does not match")
)

// Rules say how a caller reads a query.
type Rules struct {
	// Secret is the application secret key OK signs with.
	Secret string
	// Known are the signed names the caller relies on, as OK documents
	// them. See the package comment for what they guard.
	Known []string
	// Limits bound a value's length in bytes, by name.
	Limits map[string]int
}

// Limits on any query, whatever the rules.
const (
	maxParams  = 64
	maxNameLen = 64
)

// Parse reads raw as rules say and returns its parameters, sig included,
// once sig is OK's signature of the others with rules.Secret.
func Parse(raw string, rules Rules) (url.Values, error) {
	q := make(url.Values)
	for rest := raw; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		if piece == "" {
			continue
		}
		if len(q) == maxParams {
			return nil, fmt.Errorf("%w: over %d parameters", ErrMalformed, maxParams)
		}
		rawName, rawValue, _ := strings.Cut(piece, "=")
		name, err1 := url.QueryUnescape(rawName)
		value, err2 := url.QueryUnescape(rawValue)
		switch {
		case err1 != nil || err2 != nil:
			return nil, fmt.Errorf("%w: a bad escape", ErrMalformed)
		case !validName(name):
			return nil, fmt.Errorf("%w: a name outside OK's syntax", ErrMalformed)
		case q.Has(name):
			return nil, fmt.Errorf("%w: %s repeated", ErrMalformed, name)
		case !CleanText(value):
			return nil, fmt.Errorf("%w: %s is not clean UTF-8 text", ErrMalformed, name)
		case rules.Limits[name] > 0 && len(value) > rules.Limits[name]:
			return nil, fmt.Errorf("%w: %s over %d bytes", ErrMalformed, name, rules.Limits[name])
		}
		q[name] = []string{value}
	}
	if err := recut(q, rules.Known); err != nil {
		return nil, err
	}
	if q.Has("access_token") {
		// Sign leaves access_token out, so it would arrive unsigned; OK
		// never sends one in these queries.
		return nil, fmt.Errorf("%w: access_token is not signed", ErrSignature)
	}
	sig := q.Get("sig")
	if sig == "" {
		return nil, fmt.Errorf("%w: sig missing", ErrSignature)
	}
	want := Sign(q, rules.Secret)
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(sig)), []byte(want)) != 1 {
		return nil, ErrSignature
	}
	return q, nil
}

// recut refuses a query that signs like another with different known
// parameters, as the package comment says.
func recut(q url.Values, known []string) error {
	for name, vs := range q {
		v := vs[0]
		for i := strings.IndexByte(v, '='); i >= 0; {
			for _, k := range known {
				if strings.HasSuffix(v[:i], k) {
					return fmt.Errorf("%w: %s holds %s=", ErrMalformed, name, k)
				}
			}
			j := strings.IndexByte(v[i+1:], '=')
			if j < 0 {
				break
			}
			i += 1 + j
		}
		if name != "sig" && cutKnown(name, known) {
			return fmt.Errorf("%w: %s is a known name cut differently", ErrMalformed, name)
		}
	}
	return nil
}

// cutKnown reports whether name is not a known name but ends with one or
// is the end of one: what a known name becomes when the boundary before
// it moves.
func cutKnown(name string, known []string) bool {
	if slices.Contains(known, name) {
		return false
	}
	for _, k := range known {
		if strings.HasSuffix(name, k) || strings.HasSuffix(k, name) {
			return true
		}
	}
	return false
}

// validName reports whether s is a name in OK's syntax: an ASCII letter,
// then ASCII letters, digits and '_', at most 64 bytes. OK's names are
// lowercase with '_' (logged_user_id), but some launches carry clientLog.
func validName(s string) bool {
	if s == "" || len(s) > maxNameLen || !letter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !nameByte(s[i]) {
			return false
		}
	}
	return true
}

func letter(c byte) bool { c |= 0x20; return c >= 'a' && c <= 'z' }

func nameByte(c byte) bool { return letter(c) || c >= '0' && c <= '9' || c == '_' }

// CleanText reports whether s is valid UTF-8 without control characters.
func CleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if c < ' ' || c == 0x7f || (c >= 0x80 && c < 0xa0) {
			return false
		}
	}
	return true
}

// Sign is OK's signature of params with secret: the lowercase hex MD5 of
// every parameter but sig and access_token, sorted by name and written as
// name=value with no separator, followed by secret. Where a parameter
// repeats, its first value counts.
func Sign(params url.Values, secret string) string {
	names := make([]string, 0, len(params))
	for name, v := range params {
		if name == "sig" || name == "access_token" || len(v) == 0 {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(params[name][0])
	}
	b.WriteString(secret)
	sum := md5.Sum([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}
