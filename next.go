package okauth

import (
	"net/url"
	"strings"
)

// maxNextLen bounds the path a sign-in returns to.
const maxNextLen = 2048

// sameSiteBase is any origin; a path is same-site if resolving it against
// this origin keeps the host.
var sameSiteBase = &url.URL{Scheme: "https", Host: "app.invalid", Path: "/"}

// SafeNext reports whether next is a path on this site that a sign-in may
// return to, and returns it. It accepts only a path starting with a single
// "/": no scheme (https:, javascript:), no host ("//evil.example"), no
// backslash (browsers read "/\evil.example" as a host), no control
// characters or spaces, and at most 2048 bytes.
func SafeNext(next string) (string, bool) {
	if next == "" || len(next) > maxNextLen || next[0] != '/' {
		return "", false
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return "", false
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return "", false
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	if r := sameSiteBase.ResolveReference(u); r.Host != sameSiteBase.Host || r.Scheme != sameSiteBase.Scheme {
		return "", false
	}
	return next, true
}

// nextOr is next if it is safe, else fallback.
func nextOr(next, fallback string) string {
	if n, ok := SafeNext(next); ok {
		return n
	}
	return fallback
}

// loginPath is the login route with next in its query.
func loginPath(prefix, next string) string {
	if next == "" {
		return prefix + "/login"
	}
	return prefix + "/login?next=" + url.QueryEscape(next)
}

// requestPath is the path and query the browser asked for.
func requestPath(rawRequestURI string, u *url.URL) string {
	if strings.HasPrefix(rawRequestURI, "/") {
		return rawRequestURI
	}
	return u.RequestURI()
}
