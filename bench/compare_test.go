package bench

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/markbates/goth/gothic"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/bench/internal/fixture"
	"github.com/okauth/okauth/oktest"
)

// Every benchmark here serves one page load per iteration: a copy of a
// prepared request (the copy is what BenchmarkBare measures, so that
// cmd/benchcheck can report each row over a bare request) passed to a
// handler that reads the session. All rows read the same user with the
// same keys; TestSameSession checks that they do.

// session is the content every store holds: the okauth User of a signed-in
// typical user, with its fields spelled out for the JSON and gob baselines.
type session struct {
	UID           string   `json:"uid"`
	Name          string   `json:"name"`
	FirstName     string   `json:"first_name"`
	LastName      string   `json:"last_name"`
	Picture       string   `json:"picture"`
	Email         string   `json:"email"`
	Permissions   []string `json:"permissions"`
	AccessToken   string   `json:"access_token"`
	SessionSecret string   `json:"session_secret"`
	Expires       int64    `json:"expires"`
}

func sessionOf(u okauth.User) session {
	return session{u.UID, u.Name, u.FirstName, u.LastName, u.Picture, u.Email, u.Permissions,
		u.AccessToken.Reveal(), u.SessionSecret.Reveal(), u.Expires.Unix()}
}

// values is s as gorilla session values, as an app using
// gorilla/sessions directly would keep it.
func (s session) values() map[any]any {
	return map[any]any{"uid": s.UID, "name": s.Name, "first_name": s.FirstName, "last_name": s.LastName,
		"picture": s.Picture, "email": s.Email, "permissions": s.Permissions,
		"access_token": s.AccessToken, "session_secret": s.SessionSecret, "expires": s.Expires}
}

// sessionFrom reads values back, failing on any missing field.
func sessionFrom(v map[any]any) (session, bool) {
	var s session
	var ok [10]bool
	s.UID, ok[0] = v["uid"].(string)
	s.Name, ok[1] = v["name"].(string)
	s.FirstName, ok[2] = v["first_name"].(string)
	s.LastName, ok[3] = v["last_name"].(string)
	s.Picture, ok[4] = v["picture"].(string)
	s.Email, ok[5] = v["email"].(string)
	s.Permissions, ok[6] = v["permissions"].([]string)
	s.AccessToken, ok[7] = v["access_token"].(string)
	s.SessionSecret, ok[8] = v["session_secret"].(string)
	s.Expires, ok[9] = v["expires"].(int64)
	return s, ok == [10]bool{true, true, true, true, true, true, true, true, true, true}
}

// fixtures are the signed-in typical user in every store.
type fixtures struct {
	auth    *okauth.Auth // session cache off: every read pays the crypto
	cached  *okauth.Auth // the default session cache: repeat visits hit it
	want    session
	okauth  *http.Cookie // okauth's own session cookie
	gorilla *http.Cookie // gorilla/sessions CookieStore, gob
	gothic  *http.Cookie // gothic's session holding the JSON of want
	scJSON  *http.Cookie // securecookie with its JSON serializer
	store   *sessions.CookieStore
	sc      *securecookie.SecureCookie
}

const gothicKey = "odnoklassniki"

func newFixtures(tb testing.TB) *fixtures {
	tb.Helper()
	ok := oktest.NewServer()
	tb.Cleanup(ok.Close)
	auth, err := fixture.NewAuth(ok, fixture.NoCache)
	require.NoError(tb, err)
	cached, err := fixture.NewAuth(ok, fixture.DefaultCache)
	require.NoError(tb, err)
	c, err := fixture.SignIn(auth, ok, oktest.DefaultUser)
	require.NoError(tb, err)
	var u okauth.User
	auth.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		u, _ = okauth.UserFrom(r.Context())
	})).ServeHTTP(nil, withCookie(c))
	require.Equal(tb, oktest.DefaultUser.UID, u.UID)
	f := &fixtures{auth: auth, cached: cached, want: sessionOf(u), okauth: c,
		store: sessions.NewCookieStore(fixture.Keys...),
		sc:    securecookie.New(fixture.Keys[0], fixture.Keys[1]).SetSerializer(securecookie.JSONEncoder{})}

	rec := httptest.NewRecorder()
	s := sessions.NewSession(f.store, fixture.CookieName)
	s.Values = f.want.values()
	require.NoError(tb, f.store.Save(httptest.NewRequest(http.MethodGet, "/", nil), rec, s))
	f.gorilla = rec.Result().Cookies()[0]

	gothic.Store = sessions.NewCookieStore(fixture.Keys...)
	js, err := json.Marshal(f.want)
	require.NoError(tb, err)
	rec = httptest.NewRecorder()
	require.NoError(tb, gothic.StoreInSession(gothicKey, string(js), httptest.NewRequest(http.MethodGet, "/", nil), rec))
	f.gothic = rec.Result().Cookies()[0]

	v, err := f.sc.Encode(fixture.CookieName, f.want)
	require.NoError(tb, err)
	f.scJSON = &http.Cookie{Name: fixture.CookieName, Value: v, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
	return f
}

// withCookie is a page load carrying c after the cookies any site has.
func withCookie(c *http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/home", nil)
	r.Header.Set("Accept", "text/html")
	cookies := "_ga=GA1.1.1234567890.1700000000; lang=ru; theme=dark"
	if c != nil {
		cookies += "; " + c.Name + "=" + c.Value
	}
	r.Header.Set("Cookie", cookies)
	return r
}

// The handlers below read the session into got, as a page would.

func okauthPage(auth *okauth.Auth, got *session) http.Handler {
	return auth.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		if u, ok := okauth.UserFrom(r.Context()); ok {
			got.UID, got.Name, got.AccessToken = u.UID, u.Name, u.AccessToken.Reveal()
		} else {
			*got = session{}
		}
	}))
}

func gorillaPage(f *fixtures, got *session) http.Handler {
	return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		s, err := f.store.Get(r, fixture.CookieName)
		if err != nil || s.IsNew {
			*got = session{}
			return
		}
		*got, _ = sessionFrom(s.Values)
	})
}

func gothicPage(got *string) http.Handler {
	return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		*got, _ = gothic.GetFromSession(gothicKey, r)
	})
}

func securecookiePage(f *fixtures, got *session) http.Handler {
	return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		*got = session{}
		if c, err := r.Cookie(fixture.CookieName); err == nil {
			_ = f.sc.Decode(fixture.CookieName, c.Value, got)
		}
	})
}

// floor is the least work that can read a securecookie-format value:
// base64, HMAC-SHA256 verify, base64, AES-CTR decrypt, written straight
// on crypto/* with a keyed HMAC and buffers reused across calls.
type floor struct {
	mac   hash.Hash
	block cipher.Block
	buf   []byte
}

func newFloor() *floor {
	block, err := aes.NewCipher(fixture.Keys[1])
	if err != nil {
		panic(err)
	}
	return &floor{mac: hmac.New(sha256.New, fixture.Keys[0]), block: block, buf: make([]byte, 8192)}
}

var errFloor = errors.New("floor: invalid value")

// open returns the plaintext of value, a cookie called name.
func (f *floor) open(name, value []byte) ([]byte, error) {
	outer := f.buf[:base64.URLEncoding.DecodedLen(len(value))]
	n, err := base64.URLEncoding.Decode(outer, value)
	if err != nil {
		return nil, err
	}
	b := outer[:n] // date|value|mac
	// The MAC is binary and may hold '|'; the base64 value never does.
	p1 := bytes.IndexByte(b, '|')
	if p1 < 0 {
		return nil, errFloor
	}
	p2 := bytes.IndexByte(b[p1+1:], '|') + p1 + 1
	if p2 <= p1 {
		return nil, errFloor
	}
	f.mac.Reset()
	f.mac.Write(name)
	f.mac.Write([]byte{'|'})
	f.mac.Write(b[:p2])
	if !hmac.Equal(f.mac.Sum(f.buf[4096:4096]), b[p2+1:]) {
		return nil, errFloor
	}
	inner := b[p1+1 : p2]
	ct := f.buf[6144 : 6144+base64.URLEncoding.DecodedLen(len(inner))]
	m, err := base64.URLEncoding.Decode(ct, inner)
	if err != nil || m <= aes.BlockSize {
		return nil, errFloor
	}
	ct = ct[:m]
	cipher.NewCTR(f.block, ct[:aes.BlockSize]).XORKeyStream(ct[aes.BlockSize:], ct[aes.BlockSize:])
	return ct[aes.BlockSize:], nil
}

// TestSameSession checks that every row of the comparison reads the same
// content from a cookie made with the same keys, and that the floor
// decrypts okauth's own cookie.
func TestSameSession(t *testing.T) {
	f := newFixtures(t)
	require.Equal(t, oktest.DefaultUser.Name, f.want.Name)
	require.NotEmpty(t, f.want.AccessToken)

	var got session
	okauthPage(f.auth, &got).ServeHTTP(nil, withCookie(f.okauth))
	require.Equal(t, session{UID: f.want.UID, Name: f.want.Name, AccessToken: f.want.AccessToken}, got)
	okauthPage(f.auth, &got).ServeHTTP(nil, withCookie(nil))
	require.Equal(t, session{}, got, "anonymous")

	gorillaPage(f, &got).ServeHTTP(nil, withCookie(f.gorilla))
	require.Equal(t, f.want, got, "gorilla/sessions")

	var js string
	gothicPage(&js).ServeHTTP(nil, withCookie(f.gothic))
	got = session{}
	require.NoError(t, json.Unmarshal([]byte(js), &got))
	require.Equal(t, f.want, got, "gothic")

	securecookiePage(f, &got).ServeHTTP(nil, withCookie(f.scJSON))
	require.Equal(t, f.want, got, "securecookie JSON")

	name := []byte(fixture.CookieName)
	plain, err := newFloor().open(name, []byte(f.okauth.Value))
	require.NoError(t, err)
	require.Contains(t, string(plain), f.want.AccessToken)
	require.Contains(t, string(plain), f.want.Picture)
	_, err = newFloor().open(name, []byte(f.gorilla.Value))
	require.NoError(t, err, "the floor reads any securecookie value under the same keys")
}

// nopWriter discards the response.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header       { return w.h }
func (*nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (*nopWriter) WriteHeader(int)             {}

// serve runs h on a fresh copy of r per iteration: gorilla keeps its
// registry on the request, so reusing one would skip the work. It reports
// the Set-Cookie line of c as cookie-B.
func serve(b *testing.B, h http.Handler, r *http.Request, c *http.Cookie) {
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		rc := *r
		h.ServeHTTP(w, &rc)
	}
	if c != nil {
		b.ReportMetric(float64(len(c.String())), "cookie-B")
	}
}

func TestMain(m *testing.M) {
	// gothic's init warns on stdout without this; the store is replaced.
	_ = os.Setenv("SESSION_SECRET", "unused")
	os.Exit(m.Run())
}

// BenchmarkBare is the request copy alone, which every row pays.
func BenchmarkBare(b *testing.B) {
	serve(b, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), withCookie(nil), nil)
}

// BenchmarkFloor is the cryptography of reading okauth's cookie value.
func BenchmarkFloor(b *testing.B) {
	f := newFixtures(b)
	fl := newFloor()
	name, value := []byte(fixture.CookieName), []byte(f.okauth.Value)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fl.open(name, value); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOkauthAuthenticated is Middleware + UserFrom with a session,
// the session cache off: every request verifies and decrypts the cookie.
func BenchmarkOkauthAuthenticated(b *testing.B) {
	f := newFixtures(b)
	var got session
	serve(b, okauthPage(f.auth, &got), withCookie(f.okauth), f.okauth)
	require.Equal(b, f.want.UID, got.UID)
}

// BenchmarkOkauthAuthenticatedCached is a repeat visit with the default
// session cache: the cookie verified before, so its user is remembered.
func BenchmarkOkauthAuthenticatedCached(b *testing.B) {
	f := newFixtures(b)
	var got session
	serve(b, okauthPage(f.cached, &got), withCookie(f.okauth), f.okauth)
	require.Equal(b, f.want.UID, got.UID)
}

// BenchmarkOkauthAnonymous is Middleware + UserFrom without a session.
func BenchmarkOkauthAnonymous(b *testing.B) {
	f := newFixtures(b)
	got := session{UID: "unset"}
	serve(b, okauthPage(f.auth, &got), withCookie(nil), nil)
	require.Equal(b, session{}, got)
}

// BenchmarkGorillaSessions is CookieStore.Get with the default gob codec.
func BenchmarkGorillaSessions(b *testing.B) {
	f := newFixtures(b)
	var got session
	serve(b, gorillaPage(f, &got), withCookie(f.gorilla), f.gorilla)
	require.Equal(b, f.want, got)
}

// BenchmarkGothic is gothic.GetFromSession.
func BenchmarkGothic(b *testing.B) {
	f := newFixtures(b)
	var got string
	serve(b, gothicPage(&got), withCookie(f.gothic), f.gothic)
	require.Contains(b, got, f.want.AccessToken)
}

// BenchmarkSecurecookieJSON is securecookie's JSON serializer into a
// struct.
func BenchmarkSecurecookieJSON(b *testing.B) {
	f := newFixtures(b)
	var got session
	serve(b, securecookiePage(f, &got), withCookie(f.scJSON), f.scJSON)
	require.Equal(b, f.want, got)
}
