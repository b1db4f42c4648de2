package okauth

import (
	"net/url"
	"slices"
	"sort"
	"strings"
)

// launchSecrets are the launch parameters that never leave the App link:
// OK's session for the app and the signatures over it. new_sig is a flag
// ("1"), not a signature, and goes on with the others.
var launchSecrets = []string{"session_key", "session_secret_key", "auth_sig", "sig", "access_token"}

// maxCarried bounds the carried query a top-level launch keeps in its
// pending-launch cookie, which must stay under a browser's cookie size.
const maxCarried = 1536

// launchCarried is the query the landing page opens with: every parameter
// of the verified launch q (sig covered them all) but launchSecrets,
// sorted by name, escaped with %20 for a space, since OK's JS SDK decodes
// with decodeURIComponent, which leaves a '+' as it is.
func launchCarried(q url.Values) string {
	names := make([]string, 0, len(q))
	for name := range q {
		if !slices.Contains(launchSecrets, name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(name) // OK's syntax: letters, digits and '_'
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(q.Get(name)), "+", "%20"))
	}
	return b.String()
}

// withQuery is path with query added to the query path has, before its
// fragment.
func withQuery(path, query string) string {
	if query == "" {
		return path
	}
	path, frag, hasFrag := strings.Cut(path, "#")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	path += sep + query
	if hasFrag {
		path += "#" + frag
	}
	return path
}
