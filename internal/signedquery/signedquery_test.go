package signedquery

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
)

const secret = "s3cret"

// signed is q with OK's sig, written with '&' and '=' escaped in names
// and values and nothing else, as PHP reads it back.
func signed(q url.Values) string {
	q.Set("sig", Sign(q, secret))
	esc := strings.NewReplacer("%", "%25", "&", "%26", "=", "%3D", "+", "%2B", " ", "+")
	var parts []string
	for n, v := range q {
		parts = append(parts, esc.Replace(n)+"="+esc.Replace(v[0]))
	}
	return strings.Join(parts, "&")
}

// TestParseReadsAsOKWrites: split on '&' only; ';', '+', spaces,
// Cyrillic and JSON stay in their values, and sig is over them.
func TestParseReadsAsOKWrites(t *testing.T) {
	for _, v := range []string{"a;b", "1+1", "a b", "Привет, мир", `{"a":[1,";"],"б":"в"}`, "x=1&y=2"} {
		q := url.Values{"application_key": {"K"}, "custom_args": {v}}
		raw := signed(q)
		got, err := Parse(raw, Rules{Secret: secret, Known: []string{"application_key"}})
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if got.Get("custom_args") != v || got.Get("sig") == "" {
			t.Fatalf("%q: read %v", raw, got)
		}
	}
}

// TestParseRefuses: every row signs with the right secret, so only the
// rule the row names can refuse it.
func TestParseRefuses(t *testing.T) {
	known := []string{"amount", "currency", "bc"}
	tests := []struct {
		name string
		raw  string
		want error
	}{
		{"a name with '=' (a re-cut)", signed(url.Values{"amount=10currency": {"RUB"}}), ErrMalformed},
		{"a name with a space", signed(url.Values{"a b": {"1"}}), ErrMalformed},
		{"a name starting with a digit", signed(url.Values{"1a": {"1"}}), ErrMalformed},
		{"a value holding a known name and '='", signed(url.Values{"amount": {"10currency=RUB"}}), ErrMalformed},
		{"an unknown name that is the end of a known one", signed(url.Values{"a": {"xb"}, "c": {"1"}}), ErrMalformed},
		{"an unknown name ending with a known one", signed(url.Values{"a": {"x"}, "xamount": {"1"}}), ErrMalformed},
		{"repeated", signed(url.Values{"a": {"1"}}) + "&a=1", ErrMalformed},
		{"a control character", signed(url.Values{"a": {"1\n"}}), ErrMalformed},
		{"not UTF-8", signed(url.Values{"a": {"\xff"}}), ErrMalformed},
		{"a bad escape", signed(url.Values{"a": {"1"}}) + "&b=%zz", ErrMalformed},
		{"over the limit", signed(url.Values{"amount": {strings.Repeat("1", 11)}}), ErrMalformed},
		{"an unsigned access_token", signed(url.Values{"a": {"1"}}) + "&access_token=x", ErrSignature},
		{"sig missing", "a=1", ErrSignature},
		{"sig wrong", signed(url.Values{"a": {"1"}}) + "&b=2", ErrSignature},
		{"too many parameters", strings.Repeat("a=1&", 65), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw, Rules{Secret: secret, Known: known, Limits: map[string]int{"amount": 10}})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse(%q) = %v, want %v", tt.raw, err, tt.want)
			}
		})
	}
}

// FuzzParse signs whatever query it is given, as OK would, and reads it.
// What Parse accepts has names in OK's syntax and clean values, and no
// other cut of the same signed text that Parse accepts (with the caller's
// shapes, as in TestNoRecut) changes a known parameter.
func FuzzParse(f *testing.F) {
	f.Add("amount=10&call_id=123&currency=RUB")
	f.Add("amount=10&card_promo=X&currency=RUB")
	f.Add("a=x%3By&bq=c%3Dd")
	f.Add("a=1&a=2")
	known := []string{"amount", "call_id", "card_promo", "currency"}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil || len(q) == 0 {
			return
		}
		q.Del("sig")
		var text strings.Builder
		for _, p := range sortedPairs(q) {
			text.WriteString(p[0] + "=" + p[1])
		}
		if text.Len() > 40 {
			return // cuts grows fast with the text
		}
		q.Set("sig", Sign(q, secret))
		got, err := Parse(q.Encode(), Rules{Secret: secret, Known: known})
		if err != nil {
			return
		}
		for name, vs := range got {
			if !validName(name) || !CleanText(vs[0]) {
				t.Fatalf("accepted %q=%q", name, vs[0])
			}
		}
		if !shaped(got, known) {
			return
		}
		for _, cut := range cuts(text.String()) {
			c := url.Values{"sig": {q.Get("sig")}}
			for _, p := range cut {
				c.Set(p[0], p[1])
			}
			other, err := Parse(c.Encode(), Rules{Secret: secret, Known: known})
			if err != nil || !shaped(other, known) {
				continue
			}
			for _, k := range known {
				if other.Get(k) != got.Get(k) || other.Has(k) != got.Has(k) {
					t.Fatalf("%q: cut %v also accepted, with %s=%q", query, cut, k, other.Get(k))
				}
			}
		}
	})
}

// cuts are every way to read text as sorted name=value pairs with names
// in OK's syntax, as OK's signature cannot tell them apart.
func cuts(text string) [][][2]string {
	var out [][][2]string
	var walk func(p int, prev string, acc [][2]string)
	walk = func(p int, prev string, acc [][2]string) {
		if p == len(text) {
			out = append(out, append([][2]string(nil), acc...))
			return
		}
		for e := p + 1; e < len(text); e++ {
			if text[e] != '=' {
				continue
			}
			name := text[p:e]
			if !validName(name) || name <= prev {
				continue
			}
			for end := e + 1; end <= len(text); end++ {
				walk(end, name, append(acc, [2]string{name, text[e+1 : end]}))
			}
		}
	}
	walk(0, "", nil)
	return out
}

// TestNoRecut: of every cut of a signed text, Parse accepts none that
// changes a Known parameter whose value keeps its shape (here: digits, or up to
// three capitals, as a caller checks), and when every name is known, none
// but the signed one.
func TestNoRecut(t *testing.T) {
	known := []string{"amount", "call_id", "card_promo", "currency"}
	bases := []url.Values{
		{"amount": {"10"}, "call_id": {"123"}, "currency": {"RUB"}},
		{"amount": {"10"}, "call_id": {"123"}, "card_promo": {"X"}, "currency": {"RUB"}},
		{"amount": {"10"}, "bq": {"c=d"}, "call_id": {"1"}, "currency": {"RUB"}},
		{"amount": {"10"}, "call_id": {"123"}, "currency": {"RUB"}, "ext": {"x=y"}},
	}
	for _, base := range bases {
		sig := Sign(base, secret)
		var text strings.Builder
		for _, p := range sortedPairs(base) {
			text.WriteString(p[0] + "=" + p[1])
		}
		allKnown := true
		for n := range base {
			allKnown = allKnown && slices.Contains(known, n)
		}
		accepted := 0
		for _, cut := range cuts(text.String()) {
			q := url.Values{}
			for _, p := range cut {
				q.Set(p[0], p[1])
			}
			if Sign(q, secret) != sig {
				t.Fatalf("cut %v signs differently", cut)
			}
			q.Set("sig", sig)
			got, err := Parse(q.Encode(), Rules{Secret: secret, Known: known})
			if err != nil || !shaped(got, known) {
				continue
			}
			accepted++
			for _, k := range known {
				if got.Get(k) != base.Get(k) || got.Has(k) != base.Has(k) {
					t.Errorf("cut %v accepted with %s=%q, signed as %q", cut, k, got.Get(k), base.Get(k))
				}
			}
		}
		if accepted == 0 || allKnown && accepted != 1 {
			t.Errorf("%v: %d cuts accepted", base, accepted)
		}
	}
}

// shaped reports whether q's known values are digits or up to three capitals.
func shaped(q url.Values, known []string) bool {
	for _, k := range known {
		v := q.Get(k)
		digits := strings.Trim(v, "0123456789") == ""
		caps := len(v) <= 3 && strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
		if !digits && !caps {
			return false
		}
	}
	return true
}

func sortedPairs(q url.Values) [][2]string {
	var out [][2]string
	for n, v := range q {
		out = append(out, [2]string{n, v[0]})
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j][0] < out[i][0] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
