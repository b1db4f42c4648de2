package okauth_test

import (
	"crypto/aes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
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
	"github.com/okauth/okauth/oktest"
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

// frag starts a sign-in in browser c and returns what OK sent back for
// it: the fragment, or in the code flow the callback's query.
func (a *attack) frag(c *http.Client, next string) url.Values {
	f := a.e.StartLogin(a.t, c, next)
	a.secrets = append(a.secrets, f.Get("access_token"), f.Get("session_secret_key"), f.Get("code"))
	return f
}

// finish is the browser's request that ends a sign-in with f: the
// callback's GET with a code (code flow), else the relay page's POST.
func (a *attack) finish(f url.Values) *http.Request {
	if a.e.Flow == okauth.FlowCode && f.Get("error") == "" {
		return a.request(http.MethodGet, "/auth/ok/callback?"+f.Encode())
	}
	return a.form(f)
}

// signIn finishes a sign-in with f and requires it to succeed.
func (a *attack) signIn(f url.Values) {
	resp, err := a.c.Do(a.finish(f))
	require.NoError(a.t, err)
	resp.Body.Close()
	require.Equal(a.t, http.StatusSeeOther, resp.StatusCode)
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
	flow okauth.Flow          // the only flow the row applies to; "" for both
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
	// cookieOnly marks the rows that build a cookie session themselves,
	// which server-side sessions (an ID in the cookie) do not read.
	cookieOnly bool
}

// TestAttacks is every attack okauth was tried against, one row each, in
// each flow the row applies to (TestAttacks/token/…, TestAttacks/code/…).
// For each row it asserts the status, what the user is told, that no
// session cookie was issued, and that the session the browser already had
// is untouched; and that no token or secret the row handled reached the
// log.
func TestAttacks(t *testing.T) {
	var rows []attackRow
	rows = append(rows, stateAttacks()...)
	rows = append(rows, only(okauth.FlowToken, tokenAttacks())...)
	rows = append(rows, only(okauth.FlowCode, codeAttacks())...)
	rows = append(rows, oauthErrorAttacks()...)
	rows = append(rows, only(okauth.FlowToken, formAttacks())...)
	rows = append(rows, nextAttacks()...)
	rows = append(rows, sessionAttacks()...)
	rows = append(rows, methodAttacks()...)
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) {
			for _, row := range rows {
				if row.flow == "" || row.flow == flow {
					t.Run(row.name, func(t *testing.T) { runAttack(t, flow, row) })
				}
			}
		})
	}
	// With server-side sessions (Config.SessionStore) the cookie holds a
	// sealed ID: every row that does not build a cookie session itself
	// holds as it is.
	t.Run("server sessions", func(t *testing.T) {
		for _, row := range rows {
			if row.cookieOnly || (row.flow != "" && row.flow != okauth.FlowToken) {
				continue
			}
			edit := row.edit
			row.edit = func(c *okauth.Config) {
				c.SessionStore = okauth.NewMemorySessions()
				if edit != nil {
					edit(c)
				}
			}
			t.Run(row.name, func(t *testing.T) { runAttack(t, okauth.FlowToken, row) })
		}
	})
}

// only marks rows as applying to flow alone.
func only(flow okauth.Flow, rows []attackRow) []attackRow {
	for i := range rows {
		rows[i].flow = flow
	}
	return rows
}

func runAttack(t *testing.T, flow okauth.Flow, row attackRow) {
	skew := new(atomic.Int64)
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	e := newEnv(t, inFlow(flow, row.edit), func(auth *okauth.Auth) { okauth.SetStateClock(auth, clock) })
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
}

func stateAttacks() []attackRow {
	return []attackRow{
		{name: "state/missing", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				f.Del("state")
				return a.finish(f)
			}},
		{name: "state/empty", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				f.Set("state", "")
				return a.finish(f)
			}},
		{name: "state/wrong", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				f.Set("state", flip(f.Get("state")))
				return a.finish(f)
			}},
		// Login CSRF: the attacker signs in to OK as themself and makes the
		// victim's browser post the attacker's fragment.
		{name: "state/from another browser", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				return a.finish(a.frag(a.e.Browser(a.t), "/"))
			}},
		{name: "state/replayed after success", status: 400, message: msgReused,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				a.signIn(f)
				return a.finish(f)
			}},
		{name: "state/replayed with its cookie kept", status: 400, message: msgReused,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				kept := a.stateCookie()
				a.signIn(f)
				a.putStateCookie(kept.Name, kept.Value)
				return a.finish(f)
			}},
		// The state cookie itself is still within its own (20 minute) signed
		// lifetime: what refuses it is the sign-in's created time.
		{name: "state/expired", status: 400, message: msgTooLong,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				a.skew.Store(int64(10*time.Minute + time.Second))
				return a.finish(f)
			}},
		{name: "state/cookie tampered", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				ck := a.stateCookie()
				a.putStateCookie(ck.Name, flip(ck.Value))
				return a.finish(f)
			}},
		{name: "state/cookie signed with a removed key", status: 400, message: msgNotThisBrowser,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				ck := a.stateCookie()
				a.putStateCookie(ck.Name, a.resign(ck.Name, ck.Value, 20*time.Minute, oldKeys))
				return a.finish(f)
			}},
		// Control for the row above: the same re-signed cookie passes while
		// the old key is still configured, so only the key's removal refuses it.
		{name: "state/cookie signed with a key still listed (control)", status: 303, message: "/", signsIn: true,
			edit: func(c *okauth.Config) { c.SessionKeys = append(append([][]byte{}, testKeys...), oldKeys...) },
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				ck := a.stateCookie()
				a.putStateCookie(ck.Name, a.resign(ck.Name, ck.Value, 20*time.Minute, oldKeys))
				return a.finish(f)
			}},
	}
}

// withFrag is a row that edits what OK sent back before the browser
// finishes the sign-in with it.
func withFrag(edit func(a *attack, f url.Values)) func(*attack) *http.Request {
	return func(a *attack) *http.Request {
		f := a.frag(a.c, "/")
		edit(a, f)
		return a.finish(f)
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
		{name: "token/expired at OK (102)", status: 401, message: msgTokenRefused,
			send: withFrag(func(a *attack, _ url.Values) { a.e.OK.ExpireTokens() })},
		{name: "token/wrong secret (104)", status: 400, message: msgTokenRefused,
			send: setField("session_secret_key", "00000000000000000000000000000000")},
		{name: "token/for another app (101)", status: 502, message: msgTokenRefused,
			send: withFrag(func(a *attack, _ url.Values) { a.e.OK.SetAPIError(okauth.CodeParamAPIKey) })},
		{name: "token/session_secret_key missing", status: 400, message: msgIncomplete,
			send: withFrag(func(_ *attack, f url.Values) { f.Del("session_secret_key") })},
		// Signed in through OK's own app, the fragment may carry
		// refresh_token in place of session_secret_key (OK's Android SDK
		// reads either): it signs the token's calls.
		{name: "token/refresh_token in place of session_secret_key", status: 303, message: "/", signsIn: true,
			send: withFrag(func(_ *attack, f url.Values) {
				f.Set("refresh_token", f.Get("session_secret_key"))
				f.Del("session_secret_key")
			})},
		{name: "token/refresh_token not the token's (104)", status: 400, message: msgTokenRefused,
			send: withFrag(func(_ *attack, f url.Values) {
				f.Set("refresh_token", "00000000000000000000000000000000")
				f.Del("session_secret_key")
			})},
		// The browser relays expires_in: a huge one is not refused, but
		// the token is believed for OK's short default (30 minutes) at
		// most, and the session lasts SessionLifetime (7 days) whatever
		// it says.
		{name: "token/expires_in huge", status: 303, message: "/", signsIn: true,
			send: setField("expires_in", "9223372036854775807"),
			check: func(t *testing.T, a *attack, resp *http.Response, _ string) {
				ck := sessionCookie(resp)
				require.NotNil(t, ck)
				week := 7 * 24 * 60 * 60
				assert.LessOrEqual(t, ck.MaxAge, week)
				assert.Greater(t, ck.MaxAge, week-60)
				assertTokenLife(t, a, 30*time.Minute)
			}},
		// A 1-minute token posted with expires_in=86400 is believed for
		// 30 minutes, not a day, and the session is no longer for it.
		{name: "token/expires_in a day", status: 303, message: "/", signsIn: true,
			send: setField("expires_in", "86400"),
			check: func(t *testing.T, a *attack, resp *http.Response, _ string) {
				assertTokenLife(t, a, 30*time.Minute)
			}},
		// With LONG_ACCESS_TOKEN asked for and granted, OK extends the
		// token when it is used: no expiry is fixed, whatever expires_in
		// says, and OK decides at each call.
		{name: "token/expires_in a day with LONG_ACCESS_TOKEN granted", status: 303, message: "/", signsIn: true,
			edit: func(c *okauth.Config) { c.Scopes = append(c.Scopes, okauth.ScopeLongAccessToken) },
			send: setField("expires_in", "86400"),
			check: func(t *testing.T, a *attack, resp *http.Response, _ string) {
				assertTokenLife(t, a, 0)
			}},
		// Control: claimed granted but not asked for, it is not believed.
		{name: "token/LONG_ACCESS_TOKEN granted but not asked for", status: 303, message: "/", signsIn: true,
			send: setField("permissions_granted", okauth.ScopeLongAccessToken),
			check: func(t *testing.T, a *attack, resp *http.Response, _ string) {
				assertTokenLife(t, a, 30*time.Minute)
			}},
	}
	// As in OK's SDKs, an expires_in that says nothing usable means the
	// lifetime is unknown: the sign-in goes on with OK's default, 30 min.
	for _, v := range []string{"", "-60", "0", "soon", "1e9", "99999999999999999999", " 60", "+60"} {
		rows = append(rows, attackRow{name: "token/expires_in " + strconv.Quote(v), status: 303, message: "/", signsIn: true,
			send: setField("expires_in", v),
			check: func(t *testing.T, a *attack, resp *http.Response, _ string) {
				assertTokenLife(t, a, 30*time.Minute) // OK's default lifetime
			}})
	}
	return rows
}

// assertTokenLife checks that the session of the browser now believes
// its token lives about life from now, or, for 0, fixes no expiry.
func assertTokenLife(t *testing.T, a *attack, life time.Duration) {
	t.Helper()
	resp, err := a.c.Do(a.request(http.MethodGet, "/session"))
	require.NoError(t, err)
	page := body(t, resp)
	resp.Body.Close()
	var exp, tokenExp int64
	var rest string
	_, err = fmt.Sscanf(page, "expires=%d token_expires=%d %s", &exp, &tokenExp, &rest)
	require.NoError(t, err, page)
	if life == 0 {
		assert.Equal(t, time.Time{}.Unix(), tokenExp, "no token expiry")
	} else {
		assert.InDelta(t, time.Now().Add(life).Unix(), tokenExp, 60, "token expiry")
	}
	assert.InDelta(t, time.Now().Add(7*24*time.Hour).Unix(), exp, 60, "session expiry")
}

func codeAttacks() []attackRow {
	const ctype = "application/x-www-form-urlencoded"
	query := func(edit func(a *attack, q url.Values) string) func(*attack) *http.Request {
		return func(a *attack) *http.Request {
			return a.request(http.MethodGet, "/auth/ok/callback?"+edit(a, a.frag(a.c, "/")))
		}
	}
	return []attackRow{
		{name: "code/missing", status: 400, message: msgIncomplete,
			send: withFrag(func(_ *attack, f url.Values) { f.Del("code") })},
		{name: "code/unknown to OK", status: 400, message: msgOAuthProblem,
			send: withFrag(func(_ *attack, f url.Values) { f.Set("code", "0123456789abcdef") })},
		{name: "code/expired after 2 minutes", status: 400, message: msgOAuthProblem,
			send: withFrag(func(a *attack, _ url.Values) { a.e.OK.ExpireCodes() })},
		// A code works once, even with a fresh state of this browser.
		{name: "code/used twice", status: 400, message: msgOAuthProblem,
			send: func(a *attack) *http.Request {
				first := a.frag(a.c, "/")
				a.signIn(first)
				f := a.frag(a.c, "/")
				f.Set("code", first.Get("code"))
				return a.finish(f)
			}},
		// The token flow's answer, posted to an app that uses the code
		// flow, is refused: tokens come from OK's token endpoint only.
		{name: "code/token posted by the browser", status: 400, message: msgUnreadable,
			send: func(a *attack) *http.Request {
				f := a.frag(a.c, "/")
				tok := a.e.OK.IssueToken(oktest.DefaultUser)
				a.secrets = append(a.secrets, tok.AccessToken, tok.SessionSecret)
				return a.post(url.Values{"state": {f.Get("state")}, "access_token": {tok.AccessToken},
					"session_secret_key": {tok.SessionSecret}, "expires_in": {"1800"}}.Encode(), ctype)
			}},
		{name: "code/repeated state", status: 400, message: msgUnreadable,
			send: query(func(_ *attack, q url.Values) string { return q.Encode() + "&state=" + q.Get("state") })},
		{name: "code/repeated code", status: 400, message: msgUnreadable,
			send: query(func(_ *attack, q url.Values) string { return "code=x&" + q.Encode() })},
		{name: "code/non-UTF-8", status: 400, message: msgUnreadable,
			send: query(func(_ *attack, q url.Values) string { return q.Encode() + "&code2=%ff%fe" })},
		{name: "code/over 1 KB", status: 400, message: msgUnreadable,
			send: query(func(_ *attack, q url.Values) string { q.Set("code", strings.Repeat("c", 1025)); return q.Encode() })},
		{name: "code/bad escape", status: 400, message: msgUnreadable,
			send: query(func(_ *attack, q url.Values) string { return q.Encode() + "&x=%zz" })},
	}
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
			return a.finish(f)
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
			send: func(a *attack) *http.Request { return a.finish(a.frag(a.c, tc.next)) },
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
		{name: "session/ciphertext bit-flipped to another uid", status: 303, message: loginRedirect, cookieOnly: true,
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
		{name: "session/expired", status: 303, message: loginRedirect, cookieOnly: true,
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
		// so with 102 (PARAM_SESSION_EXPIRED) in the token flow; the code
		// flow refreshes the token, once, and the call succeeds.
		{name: "session/token OK now reports expired, page", status: 200, message: "uid=574385021466",
			send: func(a *attack) *http.Request {
				a.e.OK.ExpireTokens()
				return a.request(http.MethodGet, "/")
			}},
		{name: "session/token OK now reports expired, API call", flow: okauth.FlowToken, status: 401, message: "PARAM_SESSION_EXPIRED",
			send: func(a *attack) *http.Request {
				a.e.OK.ExpireTokens()
				return a.request(http.MethodGet, "/friends")
			}},
		{name: "session/token OK now reports expired, API call refreshes", flow: okauth.FlowCode, status: 200, message: "friends=",
			send: func(a *attack) *http.Request {
				a.e.OK.ExpireTokens()
				return a.request(http.MethodGet, "/friends")
			},
			check: func(t *testing.T, a *attack, _ *http.Response, _ string) {
				before := a.e.OK.TokenCalls()
				resp, err := a.c.Do(a.request(http.MethodGet, "/friends"))
				require.NoError(t, err)
				resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, before, a.e.OK.TokenCalls(), "the refreshed token is remembered")
			}},
		{name: "session/refresh token expired too, API call", flow: okauth.FlowCode, status: 401, message: "token expired",
			send: func(a *attack) *http.Request {
				a.e.OK.ExpireTokens()
				a.e.OK.ExpireRefreshTokens()
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
		{name: "method/GET logout", status: 200, message: "Sign out?", send: method(http.MethodGet, "/auth/ok/logout")},
		{name: "method/PUT logout", status: 405, message: msgNotAllowed, send: method(http.MethodPut, "/auth/ok/logout")},
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

// callAsApp makes users.getCurrentUser with tok as app (key and secret)
// would, straight at the fake OK, and returns the uid or OK's error code.
func callAsApp(t *testing.T, ok *oktest.Server, key, secret string, tok oktest.Token) (uid string, code int) {
	t.Helper()
	q := url.Values{"application_key": {key}, "method": {"users.getCurrentUser"}, "format": {"json"}}
	q.Set("sig", okauth.Sign(q, okauth.ServerSecret(tok.AccessToken, secret)))
	q.Set("access_token", tok.AccessToken)
	resp, err := http.PostForm(ok.URL+"/fb.do", q)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var ans struct {
		UID  string `json:"uid"`
		Code int    `json:"error_code"`
	}
	require.NoError(t, json.Unmarshal(b, &ans), string(b))
	return ans.UID, ans.Code
}

// TestTokenOfAnotherApp: OK binds a token to the app it was issued to. A
// token OK gave another app (one an attacker runs, say) is valid at OK,
// yet presented to this app it signs nobody in: not at the token route,
// with or without its session secret, nor relayed to the token flow's
// callback in place of the dialog's token.
func TestTokenOfAnotherApp(t *testing.T) {
	e := nativeEnv(t, nil)
	other := e.OK.NewApp()
	tok := e.OK.IssueTokenFor(other, oktest.DefaultUser)

	uid, code := callAsApp(t, e.OK, other.Key, other.Secret, tok)
	require.Equal(t, oktest.DefaultUser.UID, uid, "the token works for the app it was issued to (error %d)", code)
	_, code = callAsApp(t, e.OK, e.OK.AppKey, e.OK.AppSecret, tok)
	require.Equal(t, okauth.CodeSessionKey, code, "and not for this app")

	t.Run("token route", func(t *testing.T) {
		for _, body := range []string{
			jsonBody("access_token", tok.AccessToken),
			jsonBody("access_token", tok.AccessToken, "session_secret_key", tok.SessionSecret),
		} {
			resp, ans, raw := postToken(t, e, "application/json", "", body)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, raw)
			assert.Equal(t, "token_expired", ans.Error)
			assert.Empty(t, ans.Session, "no bearer session")
		}
	})
	t.Run("token flow callback", func(t *testing.T) {
		c := e.Browser(t)
		frag := e.StartLogin(t, c, "")
		require.NotEmpty(t, frag.Get("access_token"))
		frag.Set("access_token", tok.AccessToken)
		frag.Set("session_secret_key", tok.SessionSecret)
		resp := e.Relay(t, c, frag)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Contains(t, body(t, resp), msgTokenRefused)
		assert.Nil(t, sessionCookie(resp), "no session written")
	})
}
