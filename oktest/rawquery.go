package oktest

import (
	"net/url"
	"sort"
	"strings"
)

// RawQuery writes p as a query the way OK's servers may send it: sorted
// by name, with only '%', '&', '=', '+' and '#' escaped and a space as
// '+', so ';', ',', JSON's punctuation and Cyrillic arrive raw. A reader
// must split it on '&' only, as PHP does (url.ParseQuery refuses ';').
func RawQuery(p url.Values) string {
	esc := strings.NewReplacer("%", "%25", "&", "%26", "=", "%3D", "+", "%2B", "#", "%23", " ", "+")
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		for _, v := range p[n] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(esc.Replace(n) + "=" + esc.Replace(v))
		}
	}
	return b.String()
}
