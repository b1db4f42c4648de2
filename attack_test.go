package okauth_test

import (
	"crypto/aes"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// What the user is told, as the default error page words it.
const (
	msgNotThisBrowser = "was not started in this browser"
	msgReused         = "already completed"
	msgTooLong        = "not finished within 10 minutes"
	msgIncomplete     = "answer was incomplete"
	msgTokenRefused   = "did not accept the sign-in token"
	msgUnreadable     = "could not be read"
	msgOAuthProblem   = "reported a problem with this sign-in"
	msgSiteRefused    = "OK.ru refused this site"
	msgDenied         = "did not allow this site"
	msgCrossSite      = "came from another site"
	msgNotAllowed     = "method not allowed"
	loginRedirect     = "/auth/ok/login?next=%2F"
)

// oldKeys are a key pair the app no longer has (or, in control rows,
// still lists second).
var oldKeys = mustKeys("an old session secret, since rotated out of the config")

// attack is what one row of the table can use: an app, a browser already
// signed in to it, and the app's clock for sign-in states.
type attack struct {
	t       *testing.T
	e       *testEnv
	c       *http.Client
	skew    *atomic.Int64 // how far the state clock runs ahead
	secrets []string      // tokens and secrets the row handled; never logged
}

// frag starts a sign-in in browser c and returns OK's fragment for it.
func (a *attack) frag(c *http.Client, next string) url.Values {
	f := a.e.StartLogin(a.t, c, next)
	a.secrets = append(a.secrets, f.Get("access_token"), f.Get("session_secret_key"))
	return f
}

// post is the relay page's POST of body with content type ctype.
func (a *attack) post(body, ctype string) *http.Request {
	req, err := http.NewRequest(http.MethodPost, a.e.App.URL+"/auth/ok/callback", strings.NewReader(body))
	require.NoError(a.t, err)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept", "text/html")
	return req
}

// form is the relay page's POST of f.
func (a *attack) form(f url.Values) *http.Request {
	return a.post(f.Encode(), "application/x-www-form-urlencoded")
}

// request is a browser request for path.
func (a *attack) request(method, path string) *http.Request {
	req, err := http.NewRequest(method, a.e.App.URL+path, nil)
	require.NoError(a.t, err)
	req.Header.Set("Accept", "text/html")
	return req
}

// callbackURL is where the state cookie is sent.
func (a *attack) callbackURL() *url.URL {
	u, err := url.Parse(a.e.App.URL + "/auth/ok/callback")
	require.NoError(a.t, err)
	return u
}

// stateCookie is the state cookie in the browser's jar, listing the
// pending sign-ins.
func (a *attack) stateCookie() *http.Cookie {
	for _, ck := range a.c.Jar.Cookies(a.callbackURL()) {
		if ck.Name == stateName {
			return ck
		}
	}
	require.Fail(a.t, "no state cookie in the jar")
	return nil
}

// putStateCookie replaces (or restores) the state cookie in the jar.
func (a *attack) putStateCookie(name, value string) {
	a.c.Jar.SetCookies(a.callbackURL(), []*http.Cookie{{Name: name, Value: value, Path: "/auth/ok"}})
}

// putSession replaces the session cookie in the jar.
func (a *attack) putSession(value string) {
	u, err := url.Parse(a.e.App.URL + "/")
	require.NoError(a.t, err)
	a.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionName, Value: value, Path: "/"}})
}

// resign decodes a cookie the app wrote with testKeys and signs the same
// plaintext with other keys, so that only the key differs.
func (a *attack) resign(name, value string, maxAge time.Duration, keys [][]byte) string {
	var plain []byte
	require.NoError(a.t, securecookie.DecodeMulti(name, value, &plain, rawCodecs(maxAge, testKeys)...))
	out, err := securecookie.EncodeMulti(name, plain, rawCodecs(maxAge, keys)...)
	require.NoError(a.t, err)
	return out
}

// rawCodecs are securecookie codecs for raw bytes, the format okauth
// writes.
func rawCodecs(maxAge time.Duration, keys [][]byte) []securecookie.Codec {
	codecs := securecookie.CodecsFromPairs(keys...)
	for _, c := range codecs {
		c.(*securecookie.SecureCookie).MaxAge(int(maxAge / time.Second)).SetSerializer(securecookie.NopEncoder{})
	}
	return codecs
}

// flipUID rewrites uid to other inside the encrypted session value by
// XORing the ciphertext, leaving the MAC as it was.
func (a *attack) flipUID(value, uid, other string) string {
	var plain []byte
	require.NoError(a.t, securecookie.DecodeMulti(sessionName, value, &plain, rawCodecs(24*time.Hour, testKeys)...))
	at := strings.Index(string(plain), uid)
	require.GreaterOrEqual(a.t, at, 0)
	outer, err := base64.URLEncoding.DecodeString(value)
	require.NoError(a.t, err)
	parts := strings.SplitN(string(outer), "|", 3) // date|base64(iv+ciphertext)|mac
	require.Len(a.t, parts, 3)
	ct, err := base64.URLEncoding.DecodeString(parts[1])
	require.NoError(a.t, err)
	for i := range uid {
		ct[aes.BlockSize+at+i] ^= uid[i] ^ other[i]
	}
	parts[1] = base64.URLEncoding.EncodeToString(ct)
	return base64.URLEncoding.EncodeToString([]byte(strings.Join(parts, "|")))
}

// flip changes one character in the middle of a base64url value.
func flip(v string) string {
	i := len(v) / 2
	c := byte('A')
	if v[i] == c {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}

// attackRow is one attack: what it sends, and what must come of it.
type attackRow struct {
	name string
	edit func(*okauth.Config) // config of the app under attack, if not the default
	// send prepares the attack in a.c, a browser already signed in, and
	// returns the request that is the attack.
	send    func(a *attack) *http.Request
	status  int
	message string // what the user is shown: in the page, or the redirect's Location
	// signsIn marks the rows where the sign-in itself is genuine and only
	// something around it (next, expires_in) is hostile: a new session is
	// then the right outcome.
	signsIn bool
	// check asserts anything else, given the page the user got.
	check func(t *testing.T, a *attack, resp *http.Response, page string)
}

// TestAttacks is every attack okauth was tried against, one row each. For
// each row it asserts the status, what the user is told, that no session
// cookie was issued, and that the session the browser already had is
// untouched; and that no token or secret the row handled reached the log.
func TestAttacks(t *testing.T) {
	var rows []attackRow
	rows = append(rows, stateAttacks()...)
	rows = append(rows, tokenAttacks()...)
	rows = append(rows, oauthErrorAttacks()...)
	rows = append(rows, formAttacks()...)
	rows = append(rows, nextAttacks()...)
	rows = append(rows, sessionAttacks()...)
	rows = append(rows, methodAttacks()...)
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			skew := new(atomic.Int64)
			clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
			e := newEnv(t, row.edit, func(auth *okauth.Auth) { okauth.SetStateClock(auth, clock) })
			c := e.Browser(t)
			e.SignIn(t, c, "/")
			a := &attack{t: t, e: e, c: c, skew: skew}
			req := row.send(a)
			before := e.jarSession(c)
			require.NotEmpty(t, before, "the browser has a session before the attack")

			resp, err := c.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			page := body(t, resp)
			assert.Equal(t, row.status, resp.StatusCode, page)
			assert.Contains(t, page+"\n"+resp.Header.Get("Location"), row.message)
			if row.signsIn {
				assert.NotNil(t, sessionCookie(resp), "a genuine sign-in starts a session")
			} else {
				assert.Nil(t, sessionCookie(resp), "no session cookie")
				assert.Equal(t, before, e.jarSession(c), "the session the browser had is untouched")
			}
			assert.NotContains(t, page, "evil.example", "nothing hostile is echoed")
			assert.NotContains(t, page, "<script", "no script in any page")
			logs := e.Logs.String()
			for _, s := range a.secrets {
				if s != "" {
					assert.NotContains(t, logs, s, "a token or secret reached the log")
				}
			}
			if row.check != nil {
				row.check(t, a, resp, page)
			}
		})
	}
}

func stateAttacks() []attackRow {
	return []attackRow{
		{name: "state/missing", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				f.Del("state")
				return a.form(f)
			}},
		{name: "state/empty", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				f.Set("state", "")
				return a.form(f)
			}},
		{name: "state/wrong", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				f.Set("state", flip(f.Get("state")))
				return a.form(f)
			}},
		// Login CSRF: the attacker signs in to OK as themself and makes the
		// victim's browser post the attacker's fragment.
		{name: "state/from another browser", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				return a.form(a.frag(a.e.Browser(a.t), "/"))
			}},
		{name: "state/replayed after success", status: 400, message: msgReused,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				resp, err := a.c.Do(a.form(f))
				require.NoError(a.t, err)
				resp.Body.Close()
				require.Equal(a.t, http.StatusSeeOther, resp.StatusCode)
				return a.form(f)
			}},
		{name: "state/replayed with its cookie kept", status: 400, message: msgReused,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				kept := a.stateCookie()
				resp, err := a.c.Do(a.form(f))
				require.NoError(a.t, err)
				resp.Body.Close()
				require.Equal(a.t, http.StatusSeeOther, resp.StatusCode)
				a.putStateCookie(kept.Name, kept.Value)
				return a.form(f)
			}},
		// The state cookie itself is still within its own (20 minute) signed
		// lifetime: what refuses it is the sign-in's created time.
		{name: "state/expired", status: 400, message: msgTooLong,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				a.skew.Store(int64(10*time.Minute + time.Second))
				return a.form(f)
			}},
		{name: "state/cookie tampered", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				ck := a.stateCookie()
				a.putStateCookie(ck.Name, flip(ck.Value))
				return a.form(f)
			}},
		{name: "state/cookie signed with a removed key", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				ck := a.stateCookie()
				a.putStateCookie(ck.Name, a.resign(ck.Name, ck.Value, 20*time.Minute, oldKeys))
				return a.form(f)
			}},
		// Control for the row above: the same re-signed cookie passes while
		// the old key is still configured, so only the key's removal refuses it.
		{name: "state/cookie signed with a key still listed (control)", status: 303, message: "/", signsIn: true,
			edit: func(c *okauth.Config) { c.SessionKeys = append(append([][]byte{}, testKeys...), oldKeys...) },
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				ck := a.stateCookie()
				a.putStateCookie(ck.Name, a.resign(ck.Name, ck.Value, 20*time.Minute, oldKeys))
				return a.form(f)
			}},
	}
}

// withFrag is a row that edits the genuine fragment before posting it.
func withFrag(edit func(a *attack, f url.Values)) func(*attack) *http.Request {
	return func(a *attack) *http.Request {
		f := a.frag(a.c, "/")
		edit(a, f)
		return a.form(f)
	}
}

func tokenAttacks() []attackRow {
	setField := func(k, v string) func(*attack) *http.Request {
		return withFrag(func(_ *attack, f url.Values) { f.Set(k, v) })
	}
	rows := []attackRow{
		{name: "token/missing", status: 400, message: msgIncomplete,
			send: withFrag(func(_ *attack, f url.Values) { f.Del("access_token") })},
		{name: "token/empty", status: 400, message: msgIncomplete, send: setField("access_token", "")},
		{name: "token/expired at OK (102)", status: 502, message: msgTokenRefused,
			send: withFrag(func(a *attack, _ url.Values) { a.e.OK.ExpireTokens() })},
		{name: "token/wrong secret (104)", status: 502, message: msgTokenRefused,
			send: setField("session_secret_key", "00000000000000000000000000000000")},
		{name: "token/for another app (101)", status: 502, message: msgTokenRefused,
			send: withFrag(func(a *attack, _ url.Values) { a.e.OK.SetAPIError(okauth.CodeParamAPIKey) })},
		{name: "token/session_secret_key missing", status: 400, message: msgIncomplete,
			send: withFrag(func(_ *attack, f url.Values) { f.Del("session_secret_key") })},
		// A huge lifetime is clamped to MaxSessionAge (24 h), not refused.
		{name: "token/expires_in huge", status: 303, message: "/", signsIn: true,
			send: setField("expires_in", "9223372036854775807"),
			check: func(t *testing.T, _ *attack, resp *http.Response, _ string) {
				ck := sessionCookie(resp)
				require.NotNil(t, ck)
				assert.LessOrEqual(t, ck.MaxAge, 24*60*60)
				assert.Greater(t, ck.MaxAge, 24*60*60-60)
			}},
	}
	// As in OK's SDKs, an expires_in that says nothing usable means the
	// lifetime is unknown: the sign-in goes on with OK's default, 30 min.
	for _, v := range []string{"", "-60", "0", "soon", "1e9", "99999999999999999999", " 60", "+60"} {
		rows = append(rows, attackRow{name: "token/expires_in " + strconv.Quote(v), status: 303, message: "/", signsIn: true,
			send: setField("expires_in", v),
			check: func(t *testing.T, _ *attack, resp *http.Response, _ string) {
				ck := sessionCookie(resp)
				require.NotNil(t, ck)
				assert.InDelta(t, 30*60, ck.MaxAge, 60, "OK's default lifetime")
			}})
	}
	return rows
}

func oauthErrorAttacks() []attackRow {
	fragWithError := func(code, desc string) func(*attack) *http.Request {
		return func(a *attack) *http.Request {
			a.e.OK.SetAuthError(code)
			f := a.frag(a.c, "/")
			require.Equal(a.t, code, f.Get("error"))
			if desc != "" {
				f.Set("error_description", desc)
			}
			return a.form(f)
		}
	}
	var rows []attackRow
	for _, tc := range []struct {
		code    string
		status  int
		message string
	}{
		{"invalid_request", 400, msgOAuthProblem},
		{"invalid_client", 502, msgSiteRefused},
		{"unauthorized_client", 502, msgSiteRefused},
		{"access_denied", 403, msgDenied},
		{"invalid_grant", 400, msgOAuthProblem},
		{"invalid_token", 400, msgOAuthProblem},
		{"no_such_code", 400, msgOAuthProblem},
	} {
		rows = append(rows, attackRow{name: "OK error/" + tc.code, status: tc.status, message: tc.message,
			send: fragWithError(tc.code, "")})
	}
	// OK's docs do not promise a state in an error fragment. Without one
	// (or with one this browser did not start) the user still sees what
	// OK said, but a 4xx: anyone can send such a form, so it must not
	// claim OK refused the site.
	for _, tc := range []struct {
		code, state string
		status      int
		message     string
	}{
		{"access_denied", "", 403, msgDenied},
		{"access_denied", "not-this-browsers", 403, msgDenied},
		{"invalid_request", "", 400, msgOAuthProblem},
		{"invalid_client", "", 400, msgOAuthProblem},
	} {
		rows = append(rows, attackRow{name: "OK error/" + tc.code + " with state " + strconv.Quote(tc.state), status: tc.status, message: tc.message,
			send: func(a *attack) *http.Request {
				a.frag(a.c, "/") // a sign-in of this browser's is pending
				return a.form(url.Values{"error": {tc.code}, "state": {tc.state}})
			}})
	}
	long := strings.Repeat("x", 10<<10)
	rows = append(rows,
		attackRow{name: "OK error/10 KB error_description", status: 400, message: msgOAuthProblem,
			send: fragWithError("invalid_request", long),
			check: func(t *testing.T, a *attack, _ *http.Response, page string) {
				// The log keeps 200 bytes of it; the page none.
				assert.Contains(t, a.e.Logs.String(), long[:200])
				assert.NotContains(t, a.e.Logs.String(), long[:201])
				assert.NotContains(t, page, "xxxx")
			}},
		attackRow{name: "OK error/HTML in error and description", status: 400, message: msgOAuthProblem,
			send: fragWithError(`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`),
			check: func(t *testing.T, _ *attack, _ *http.Response, page string) {
				assert.NotContains(t, page, "alert(1)")
				assert.NotContains(t, page, "onerror")
			}},
	)
	return rows
}

func formAttacks() []attackRow {
	const ctype = "application/x-www-form-urlencoded"
	return []attackRow{
		// Without http.MaxBytesReader this sign-in would succeed.
		{name: "form/body over 64 KB", status: 413, message: msgUnreadable,
			send: func(a *attack) *http.Request {
				return a.post(a.frag(a.c, "/").Encode()+"&pad="+strings.Repeat("a", 64<<10), ctype)
			}},
		{name: "form/content type text/plain", status: 400, message: msgUnreadable,
			send: func(a *attack) *http.Request { return a.post(a.frag(a.c, "/").Encode(), "text/plain") }},
		{name: "form/content type multipart", status: 400, message: msgUnreadable,
			send: func(a *attack) *http.Request {
				return a.post(a.frag(a.c, "/").Encode(), "multipart/form-data; boundary=x")
			}},
		{name: "form/no content type", status: 400, message: msgUnreadable,
			send: func(a *attack) *http.Request { return a.post(a.frag(a.c, "/").Encode(), "") }},
		{name: "form/repeated state", status: 400, message: msgUnreadable,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				return a.post(f.Encode()+"&state="+f.Get("state"), ctype)
			}},
		// An attacker's token first, the victim's second: which one counts
		// must not be a question.
		{name: "form/repeated access_token", status: 400, message: msgUnreadable,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				theirs := a.frag(a.e.Browser(a.t), "/").Get("access_token")
				return a.post("access_token="+url.QueryEscape(theirs)+"&"+f.Encode(), ctype)
			}},
		// The fields below would otherwise reach the session.
		{name: "form/non-UTF-8", status: 400, message: msgUnreadable,
			send: withFrag(func(_ *attack, f url.Values) { f.Set("permissions_granted", "GET_EMAIL\xff\xfe") })},
		{name: "form/NUL byte", status: 400, message: msgUnreadable,
			send: withFrag(func(_ *attack, f url.Values) { f.Set("permissions_granted", "GET_EMAIL\x00VALUABLE_ACCESS") })},
		{name: "form/CR/LF", status: 400, message: msgUnreadable,
			send: withFrag(func(_ *attack, f url.Values) { f.Set("permissions_granted", "GET_EMAIL\r\nX: y") })},
		{name: "form/token over 1 KB", status: 400, message: msgUnreadable,
			send: withFrag(func(_ *attack, f url.Values) { f.Set("access_token", strings.Repeat("t", 1025)) })},
		{name: "form/bad escape", status: 400, message: msgUnreadable,
			send: func(a *attack) *http.Request { return a.post(a.frag(a.c, "/").Encode()+"&x=%zz", ctype) }},
	}
}

func nextAttacks() []attackRow {
	var rows []attackRow
	for _, tc := range []struct{ name, next, want string }{
		{"scheme-relative", "//evil.example", "/"},
		{"three slashes", "///evil.example", "/"},
		{"backslash", `/\evil.example`, "/"},
		{"absolute URL", "https://evil.example/", "/"},
		{"javascript:", "javascript:alert(1)", "/"},
		{"escaped slashes", "%2F%2Fevil.example", "/"},
		{"escaped slashes after a slash stay a path", "/%2F%2Fevil.example", "/%2F%2Fevil.example"},
		{"CR/LF", "/ok\r\nSet-Cookie: planted=1", "/"},
		{"tab", "/\t/evil.example", "/"},
		{"10 KB path", "/" + strings.Repeat("a", 10<<10), "/"},
	} {
		rows = append(rows, attackRow{name: "next/" + tc.name, status: 303, message: tc.want, signsIn: true,
			send: func(a *attack) *http.Request { return a.form(a.frag(a.c, tc.next)) },
			check: func(t *testing.T, _ *attack, resp *http.Response, _ string) {
				assert.Equal(t, tc.want, resp.Header.Get("Location"))
				for _, ck := range resp.Cookies() {
					assert.NotEqual(t, "planted", ck.Name)
				}
			}})
	}
	return rows
}

func sessionAttacks() []attackRow {
	anonymous := func(edit func(a *attack)) func(*attack) *http.Request {
		return func(a *attack) *http.Request {
			edit(a)
			return a.request(http.MethodGet, "/")
		}
	}
	return []attackRow{
		{name: "session/tampered", status: 303, message: loginRedirect,
			send: anonymous(func(a *attack) { a.putSession(flip(a.e.jarSession(a.c))) })},
		{name: "session/truncated", status: 303, message: loginRedirect,
			send: anonymous(func(a *attack) { s := a.e.jarSession(a.c); a.putSession(s[:len(s)/2]) })},
		// AES-CTR is malleable: flipping ciphertext bits flips the same
		// plaintext bits. Only the MAC stops a user rewriting their uid.
		{name: "session/ciphertext bit-flipped to another uid", status: 303, message: loginRedirect,
			send: anonymous(func(a *attack) { a.putSession(a.flipUID(a.e.jarSession(a.c), "574385021466", "574385021467")) })},
		{name: "session/another app's keys", status: 303, message: loginRedirect,
			send: anonymous(func(a *attack) {
				a.putSession(a.resign(sessionName, a.e.jarSession(a.c), 24*time.Hour, oldKeys))
			})},
		// The MAC covers the cookie's name: a state cookie the app signed
		// is not a session.
		{name: "session/a state cookie's value", status: 303, message: loginRedirect,
			send: anonymous(func(a *attack) {
				a.frag(a.c, "/")
				a.putSession(a.stateCookie().Value)
			})},
		{name: "session/expired", status: 303, message: loginRedirect,
			send: anonymous(func(a *attack) {
				u := okauth.User{UID: "574385021466", Name: "Иван Петров", Expires: time.Now().Add(time.Hour)}
				v, err := okauth.SessionCookieValue(a.e.Auth, u)
				require.NoError(a.t, err)
				// Control: the same session, unexpired, is accepted.
				a.putSession(v)
				resp, err := a.c.Do(a.request(http.MethodGet, "/"))
				require.NoError(a.t, err)
				resp.Body.Close()
				require.Equal(a.t, http.StatusOK, resp.StatusCode)
				u.Expires = time.Now().Add(-time.Second)
				v, err = okauth.SessionCookieValue(a.e.Auth, u)
				require.NoError(a.t, err)
				a.putSession(v)
			})},
		// By design the session is trusted until it expires: pages keep
		// working after OK revokes the token, and the first call to OK says
		// so with 102 (PARAM_SESSION_EXPIRED).
		{name: "session/token OK now reports expired, page", status: 200, message: "uid=574385021466",
			send: func(a *attack) *http.Request {
				a.e.OK.ExpireTokens()
				return a.request(http.MethodGet, "/")
			}},
		{name: "session/token OK now reports expired, API call", status: 502, message: "PARAM_SESSION_EXPIRED",
			send: func(a *attack) *http.Request {
				a.e.OK.ExpireTokens()
				return a.request(http.MethodGet, "/friends")
			}},
	}
}

func methodAttacks() []attackRow {
	logout := func(headers ...string) func(*attack) *http.Request {
		return func(a *attack) *http.Request {
			req := a.request(http.MethodPost, "/auth/ok/logout")
			for i := 0; i < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			return req
		}
	}
	method := func(m, path string) func(*attack) *http.Request {
		return func(a *attack) *http.Request { return a.request(m, path) }
	}
	return []attackRow{
		{name: "method/GET logout", status: 405, message: msgNotAllowed, send: method(http.MethodGet, "/auth/ok/logout")},
		{name: "method/POST login", status: 405, message: msgNotAllowed, send: method(http.MethodPost, "/auth/ok/login")},
		{name: "method/DELETE callback", status: 405, message: msgNotAllowed, send: method(http.MethodDelete, "/auth/ok/callback")},
		{name: "method/logout cross-site", status: 403, message: msgCrossSite,
			send: logout("Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")},
		{name: "method/logout foreign Origin", status: 403, message: msgCrossSite,
			send: logout("Origin", "https://evil.example")},
		{name: "method/logout from a sibling site", status: 403, message: msgCrossSite,
			send: logout("Sec-Fetch-Site", "same-site")},
		{name: "method/logout with Origin null", status: 403, message: msgCrossSite,
			send: logout("Origin", "null")},
	}
}
