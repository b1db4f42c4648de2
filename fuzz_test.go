package okauth

import (
	"bytes"
	"encoding/binary"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/securecookie"
)

// fuzzKeys are the session keys of the fuzz targets.
var fuzzKeys, _ = DeriveKeys("fuzzing secret that is at least thirty-two bytes")

// fuzzAuth is an app whose OK is unreachable: no fuzzed callback may get
// far enough to need it.
func fuzzAuth(f *testing.F) *Auth {
	a, err := New(Config{
		AppID: "1", AppKey: "K", RedirectURL: "https://app.example/auth/ok/callback",
		SessionKeys: fuzzKeys, Logger: slog.New(slog.DiscardHandler),
		Endpoint: Endpoint{AuthURL: "https://ok.invalid/oauth/authorize", APIURL: "https://ok.invalid/fb.do"},
	})
	if err != nil {
		f.Fatal(err)
	}
	return a
}

// FuzzCallbackForm posts any body with any content type to the callback.
// Properties: a form readForm accepts is within the size limit and has one
// clean UTF-8 value per field, within the field limits; and the callback
// itself never signs anyone in, never fails with a 5xx, and never writes a
// session cookie, since no state cookie came with it.
func FuzzCallbackForm(f *testing.F) {
	const form = "application/x-www-form-urlencoded"
	good := "access_token=-s-abc&session_secret_key=0123&state=S&expires_in=1800&permissions_granted=GET_EMAIL%3BVALUABLE_ACCESS"
	for _, s := range []struct{ ctype, body string }{
		{form, good},
		{form + "; charset=utf-8", good},
		{form, good + "&state=T"},
		{form, "error=access_denied&state=S&error_description=" + strings.Repeat("x", 300)},
		{form, "state=%FF&x=%00"},
		{form, "a=%zz;b"},
		{form, "state=" + strings.Repeat("s", 257)},
		{"text/plain", good},
		{"multipart/form-data; boundary=x", "--x\r\n"},
		{"", ""},
	} {
		f.Add(s.ctype, s.body)
	}
	a := fuzzAuth(f)
	limits := map[string]int{"access_token": 1024, "session_secret_key": 256, "state": 256}
	f.Fuzz(func(t *testing.T, ctype, body string) {
		req := httptest.NewRequest(http.MethodPost, "/auth/ok/callback", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		values, err := readForm(httptest.NewRecorder(), req)
		if err == nil {
			if len(body) > 64<<10 {
				t.Fatalf("accepted a %d-byte body", len(body))
			}
			for k, vs := range values {
				if len(vs) != 1 {
					t.Fatalf("field %q has %d values", k, len(vs))
				}
				for _, s := range []string{k, vs[0]} {
					if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }) {
						t.Fatalf("accepted unclean text %q", s)
					}
				}
				if n, ok := limits[k]; ok && len(vs[0]) > n {
					t.Fatalf("accepted %s of %d bytes", k, len(vs[0]))
				}
			}
		}

		req = httptest.NewRequest(http.MethodPost, "/auth/ok/callback", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		if rec.Code < 400 || rec.Code >= 500 {
			t.Fatalf("callback answered %d", rec.Code)
		}
		for _, c := range rec.Result().Cookies() {
			if c.Name == "okauth" {
				t.Fatal("callback wrote a session cookie")
			}
		}
	})
}

// FuzzSafeNext checks the next validator. Property: anything accepted is
// returned unchanged and is a same-site path: resolved against any page of
// the site, and as the Location of the redirect the callback sends, it
// stays on the site's scheme and host.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{
		"/", "/account?tab=1#top", "//evil.example", `/\evil.example`, "https://evil.example",
		"javascript:alert(1)", "%2F%2Fevil.example", "/%2F%2Fevil.example", "/ok\r\nSet-Cookie: x=1",
		"/.//evil.example", "/..//evil.example", "/a/../../evil", "/@evil.example", "/\t/evil.example",
		"///evil.example", "/?next=//evil.example", "http:/evil.example", "/" + strings.Repeat("a", 2048),
	} {
		f.Add(s)
	}
	site, _ := url.Parse("https://app.example/auth/ok/callback?x=1")
	bases := []*url.URL{site, {Scheme: "https", Host: "app.example", Path: "/a/b/"}}
	f.Fuzz(func(t *testing.T, next string) {
		got, ok := SafeNext(next)
		if !ok {
			if got != "" {
				t.Fatalf("refused %q but returned %q", next, got)
			}
			return
		}
		if got != next {
			t.Fatalf("accepted %q as %q", next, got)
		}
		if len(next) > 2048 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
			strings.ContainsAny(next, "\\") || strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			t.Fatalf("accepted %q", next)
		}
		u, err := url.Parse(next)
		if err != nil {
			t.Fatalf("accepted unparsable %q: %v", next, err)
		}
		for _, base := range bases {
			if r := base.ResolveReference(u); r.Scheme != "https" || r.Host != "app.example" || r.User != nil {
				t.Fatalf("%q resolves to %s", next, r)
			}
		}
		rec := httptest.NewRecorder()
		http.Redirect(rec, httptest.NewRequest(http.MethodPost, site.String(), nil), next, http.StatusSeeOther)
		loc, err := url.Parse(rec.Header().Get("Location"))
		if err != nil {
			t.Fatalf("Location for %q: %v", next, err)
		}
		if r := site.ResolveReference(loc); r.Host != "app.example" || r.Scheme != "https" {
			t.Fatalf("redirect to %q lands on %s", next, r)
		}
	})
}

// fuzzUsers are the only sessions FuzzSessionDecode signs; its committed
// corpus holds cookies of the first.
var fuzzUsers = []User{
	{UID: "574385021466", FirstName: "Иван", LastName: "Петров", Name: "Иван Петров",
		Permissions: []string{"GET_EMAIL", "VALUABLE_ACCESS"}, AccessToken: "-s-tok", SessionSecret: "sec",
		Expires: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)},
	{UID: "1", Name: "x", Expires: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
	{UID: "2", Name: "Code Flow", AccessToken: "tok", RefreshToken: "refresh", AccountID: "acct-7",
		Extra:   map[string]string{"birthday": "1990-01-01", "location": `{"city":"Москва"}`},
		Expires: time.Date(2100, 1, 8, 0, 0, 0, 0, time.UTC), TokenExpires: time.Date(2100, 1, 1, 0, 30, 0, 0, time.UTC)},
}

// encodeUserV1 is version 1 of the session encoding, which decodeUser
// still reads: one expiry and nine strings.
func encodeUserV1(u *User) []byte {
	name, flags := storedName(u)
	b := []byte{sessionVersionV1, flags}
	b = binary.AppendUvarint(b, uint64(u.Expires.Unix()))
	for _, f := range []string{u.UID, name, u.FirstName, u.LastName, u.Picture, u.Email,
		strings.Join(u.Permissions, ";"), string(u.AccessToken), string(u.SessionSecret)} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// FuzzSessionDecode feeds any cookie value to the session decoder.
// Properties: it never panics; it never yields a user from bytes it did
// not sign (the only payloads it may return are those signed below); it
// agrees with securecookie.DecodeMulti, which wrote the cookies; and the
// user decoder, fed the raw bytes too, is stable: decoding what it
// re-encodes gives the same user.
func FuzzSessionDecode(f *testing.F) {
	maxAge := 24 * time.Hour
	codec, err := newCookieCodec(maxAge, fuzzKeys)
	if err != nil {
		f.Fatal(err)
	}
	scs := securecookie.CodecsFromPairs(fuzzKeys...)
	for _, c := range scs {
		c.(*securecookie.SecureCookie).MaxAge(int(maxAge / time.Second)).SetSerializer(securecookie.NopEncoder{})
	}
	signed := map[string]bool{}
	for _, u := range fuzzUsers {
		for _, plain := range [][]byte{encodeUser(&u), encodeUserV1(&u)} {
			signed[string(plain)] = true
			v, err := codec.encode("okauth", plain)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(v)
			f.Add(v[:len(v)/2])
			f.Add(string(plain))
		}
	}
	f.Add("")
	f.Add("MTcwMDAwMDAwMHx8")
	sessions := &cookieSessions{opts: cookieOptions{name: "okauth"}, pipe: namePipe("okauth"), codec: codec, cache: newSessionCache(64)}
	sessions.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }

	f.Fuzz(func(t *testing.T, value string) {
		data, err := codec.decode(namePipe("okauth"), value, nil)
		var want []byte
		scErr := securecookie.DecodeMulti("okauth", value, &want, scs...)
		if (err == nil) != (scErr == nil) {
			t.Fatalf("okauth says %v, securecookie says %v", err, scErr)
		}
		if err == nil {
			if !bytes.Equal(data, want) {
				t.Fatalf("okauth decoded %q, securecookie %q", data, want)
			}
			if !signed[string(data)] {
				t.Fatalf("accepted bytes it did not sign: %q", data)
			}
		}
		for range 2 { // the second load may come from the cache
			if u := loaded(sessions.load(nil, value, time.Now())); u != nil && (err != nil || !time.Now().Before(u.Expires)) {
				t.Fatalf("session yielded user %+v", *u)
			}
		}
		var a, b User
		if decodeUser(value, &a) == nil {
			if a.UID == "" {
				t.Fatal("decoded a user without uid")
			}
			if err := decodeUser(string(encodeUser(&a)), &b); err != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("round trip: %+v then %+v (%v)", a, b, err)
			}
		}
	})
}

// FuzzSign checks OK's request signature. Property: changing any signed
// parameter's value, the secret, or which parameters there are, changes
// the sig; sig and access_token are not signed, so changing them does
// not. (OK's concatenation has no separators, so two different parameter
// sets can sign alike, such as {a: "1b=2"} and {a: "1", b: "2"}; one
// change to one set cannot.)
func FuzzSign(f *testing.F) {
	f.Add("application_key", "CBA", "method", "users.getCurrentUser", "secret", "x")
	f.Add("a", "1b=2", "b", "2", "", "1")
	f.Add("fields", "uid,name", "format", "json", "s", "")
	f.Add("sig", "0", "access_token", "t", "", "=")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, secret, change string) {
		params := url.Values{k1: {v1}, k2: {v2}}
		sig := Sign(params, secret)
		if Sign(params, secret) != sig {
			t.Fatal("not deterministic")
		}
		if change != secret && Sign(params, change) == sig {
			t.Fatalf("secret %q and %q sign alike", secret, change)
		}
		signedName := func(k string) bool { return k != "sig" && k != "access_token" }
		for k := range params {
			edited := cloneValues(params)
			edited.Set(k, change)
			if same := Sign(edited, secret) == sig; same != (!signedName(k) || change == params.Get(k)) {
				t.Fatalf("setting %q from %q to %q: same sig %v", k, params.Get(k), change, same)
			}
			edited = cloneValues(params)
			edited.Del(k)
			if same := Sign(edited, secret) == sig; same == signedName(k) {
				t.Fatalf("removing %q: same sig %v", k, same)
			}
		}
		if _, ok := params[change]; !ok {
			edited := cloneValues(params)
			edited.Set(change, v1)
			if same := Sign(edited, secret) == sig; same == signedName(change) {
				t.Fatalf("adding %q: same sig %v", change, same)
			}
		}
		edited := cloneValues(params)
		edited.Add(k1, change)
		if Sign(edited, secret) != sig {
			t.Fatal("a second value of a parameter changed the sig; only the first counts")
		}
	})
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
