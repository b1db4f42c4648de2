// Package acceptlang reads an Accept-Language header, for okauth's pages
// and oktest's consent page.
package acceptlang

import (
	"strconv"
	"strings"
)

// maxRanges is how many ranges of Accept-Language are read.
const maxRanges = 32

// Prefer is the tag among supported that an Accept-Language header value
// prefers, such as "ru" for "ru-RU,ru;q=0.9,en;q=0.8", or "" when it
// accepts none of them. A range matches a tag when they are equal or the
// tag is the range's first subtag ("ru-RU" matches "ru"); higher q-values
// win, then the earlier range; q=0 refuses; "*" means the first supported
// tag. Only the first 32 ranges are read.
func Prefer(acceptLanguage string, supported ...string) string {
	best, bestQ := "", 0.0
	rest := acceptLanguage
	// Ranges are cut off one at a time, so a header of any length costs
	// no more than its first 32 ranges.
	for i := 0; i < maxRanges && rest != ""; i++ {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if q <= bestQ {
			continue
		}
		if m := match(strings.TrimSpace(tag), supported); m != "" {
			best, bestQ = m, q
		}
	}
	return best
}

// match is the tag of supported that the language range r names.
func match(r string, supported []string) string {
	if r == "*" && len(supported) > 0 {
		return supported[0]
	}
	primary, _, _ := strings.Cut(r, "-")
	for _, s := range supported {
		if strings.EqualFold(s, r) {
			return s
		}
	}
	for _, s := range supported {
		if strings.EqualFold(s, primary) {
			return s
		}
	}
	return ""
}
