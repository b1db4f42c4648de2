package okauth

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/sessions"
)

// A session holds one [User]. It is written once, when a sign-in succeeds,
// and read on every request; both backends store the same compact encoding
// (see encodeUser), so any sessions.Store can hold it without gob
// registration.
type sessionBackend interface {
	// load returns the user of r's session, whose cookie has value raw, or
	// nil when there is no valid one unexpired at now. The user must not be
	// modified: it may be shared with other requests. An error, wrapping
	// ErrStoreUnavailable, means a server-side store could not tell.
	load(r *http.Request, raw string, now time.Time) (*User, error)
	// save starts a new session for u, replacing any the request had; now
	// is the time the cookie's lifetime counts from.
	save(w http.ResponseWriter, r *http.Request, u *User, now time.Time) error
	// clear ends the request's session.
	clear(w http.ResponseWriter, r *http.Request) error
}

// bearerBackend is a sessionBackend whose sessions are one value, which a
// native app sends back as "Authorization: Bearer <value>".
type bearerBackend interface {
	sessionBackend
	// seal starts u's session and returns its value.
	seal(ctx context.Context, u *User) (string, error)
}

// valuesKey is where a sessions.Store session keeps the encoded user.
const valuesKey = "okauth.user"

// Field limits keep any session well under the 4 KB a browser accepts.
const (
	maxProfileField = 256 // name, first/last name, email
	maxPictureURL   = 1024
)

// sessionVersion is the first byte of an encoded user. Version 1 (before
// sessions outlived OK's token) is still read, so that an upgrade signs no
// one out: its one expiry serves as both Expires and TokenExpires, which is
// what it meant.
const (
	sessionVersion   = 2
	sessionVersionV1 = 1
)

const (
	flagNameJoined = 1 // Name is FirstName + " " + LastName and is not stored
	flagInsideOK   = 2 // User.InsideOK: AccessToken is OK's session_key
)

// Limits on Config.Fields' extra fields, so the cookie stays small.
const (
	maxExtraValue = 256 // bytes of one value; longer strings are clipped, longer JSON dropped
	maxExtraTotal = 512 // bytes of all names and values together
)

// encodeUser writes u compactly: version, flags, session and token expiry,
// then each string with a varint length, Extra last as name, value pairs.
// A typical user with a Cyrillic name, a picture URL and a long token takes
// about 400 bytes, under 1 KB as a cookie.
func encodeUser(u *User) []byte {
	name, flags := storedName(u)
	var extra []byte
	for _, k := range slices.Sorted(maps.Keys(u.Extra)) { // the same user, the same bytes
		v := u.Extra[k]
		extra = binary.AppendUvarint(extra, uint64(len(k)))
		extra = append(extra, k...)
		extra = binary.AppendUvarint(extra, uint64(len(v)))
		extra = append(extra, v...)
	}
	fields := [...]string{u.UID, name, u.FirstName, u.LastName, u.Picture, u.Email,
		strings.Join(u.Permissions, ";"), string(u.AccessToken), string(u.SessionSecret),
		string(u.RefreshToken), u.AccountID, string(extra)}
	n := 2 + 2*binary.MaxVarintLen64
	for _, f := range fields {
		n += binary.MaxVarintLen64 + len(f)
	}
	b := make([]byte, 0, n)
	if u.InsideOK {
		flags |= flagInsideOK
	}
	b = append(b, sessionVersion, flags)
	b = binary.AppendUvarint(b, uint64(u.Expires.Unix()))
	b = binary.AppendUvarint(b, uint64(max(0, u.TokenExpires.Unix())))
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// storedName is the name encodeUser stores for u, and its flags: none when
// it is just the first and last name joined.
func storedName(u *User) (string, byte) {
	if u.Name == u.FirstName+" "+u.LastName {
		return "", flagNameJoined
	}
	return u.Name, 0
}

var errSession = errors.New("okauth: session data invalid")

// decodeUser fills u from data made by encodeUser (or by version 1). Every
// string in u is a slice of data, so the only allocations are the
// permissions list and, when there are extra fields, their map.
func decodeUser(data string, u *User) error {
	if len(data) < 3 || (data[0] != sessionVersion && data[0] != sessionVersionV1) {
		return errSession
	}
	v1 := data[0] == sessionVersionV1
	flags := data[1]
	rest := data[2:]
	exp, n := uvarint(rest)
	if n <= 0 || exp > 1<<40 {
		return errSession
	}
	rest = rest[n:]
	tokenExp := exp
	if !v1 {
		if tokenExp, n = uvarint(rest); n <= 0 || tokenExp > 1<<40 {
			return errSession
		}
		rest = rest[n:]
	}
	var fields [12]string
	count := len(fields)
	if v1 {
		count = 9
	}
	for i := range count {
		l, n := uvarint(rest)
		if n <= 0 || l > uint64(len(rest)-n) {
			return errSession
		}
		fields[i] = rest[n : n+int(l)]
		rest = rest[n+int(l):]
	}
	if rest != "" || fields[0] == "" {
		return errSession
	}
	*u = User{
		UID: fields[0], Name: fields[1], FirstName: fields[2], LastName: fields[3],
		Picture: fields[4], Email: fields[5],
		AccessToken: Secret(fields[7]), SessionSecret: Secret(fields[8]),
		RefreshToken: Secret(fields[9]), AccountID: fields[10],
		Expires: time.Unix(int64(exp), 0),
	}
	if tokenExp != 0 {
		u.TokenExpires = time.Unix(int64(tokenExp), 0)
	}
	if flags&flagNameJoined != 0 {
		u.Name = u.FirstName + " " + u.LastName
	}
	u.InsideOK = flags&flagInsideOK != 0
	if fields[6] != "" {
		u.Permissions = strings.Split(fields[6], ";")
	}
	if fields[11] != "" {
		extra, ok := decodeExtra(fields[11])
		if !ok {
			return errSession
		}
		u.Extra = extra
	}
	return nil
}

// decodeExtra reads the name, value pairs encodeUser wrote for User.Extra.
func decodeExtra(s string) (map[string]string, bool) {
	m := map[string]string{}
	for s != "" {
		var kv [2]string
		for i := range kv {
			l, n := uvarint(s)
			if n <= 0 || l > uint64(len(s)-n) {
				return nil, false
			}
			kv[i], s = s[n:n+int(l)], s[n+int(l):]
		}
		m[kv[0]] = kv[1]
	}
	return m, true
}

// uvarint is binary.Uvarint over a string, to avoid copying it.
func uvarint(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			return x | uint64(c)<<shift, i + 1
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

// clip shortens s to at most n bytes without splitting a UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cookieOptions are the attributes of a session cookie: SameSite=Lax
// unless sameSite says otherwise (the App link's cookie).
type cookieOptions struct {
	name        string
	secure      bool
	sameSite    http.SameSite
	partitioned bool
}

func (o cookieOptions) cookie(value string, maxAge int) *http.Cookie {
	c := &http.Cookie{Name: o.name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: o.secure, HttpOnly: true, SameSite: cmp.Or(o.sameSite, http.SameSiteLaxMode), Partitioned: o.partitioned}
	if maxAge > 0 {
		c.Expires = time.Now().Add(time.Duration(maxAge) * time.Second)
	}
	return c
}

// maxAgeOf is the cookie lifetime for u at now, in whole seconds.
func maxAgeOf(u *User, now time.Time) int {
	return max(1, int(u.Expires.Sub(now)/time.Second))
}

// cookieSessions is the default backend: the whole session in one cookie.
type cookieSessions struct {
	opts  cookieOptions
	pipe  []byte // namePipe(opts.name)
	codec *cookieCodec
	cache *recent[*User] // nil when disabled (newSessionCache)
	bufs  sync.Pool      // *[]byte for decrypted payloads
}

func (s *cookieSessions) load(_ *http.Request, raw string, now time.Time) (*User, error) {
	if u := cachedUser(s.cache, raw, now); u != nil {
		return u, nil
	}
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	data, err := s.codec.decode(s.pipe, raw, (*bp)[:0])
	if err != nil {
		return nil, nil
	}
	*bp = data
	u := liveUser(string(data), now)
	if u != nil {
		s.cache.put(raw, u)
	}
	return u, nil
}

// newCookieSessions is the cookie backend for cookies with opts, sealed
// with cfg's SessionKeys. Bearer sessions use one too, under bearerName.
func newCookieSessions(cfg Config, opts cookieOptions) (*cookieSessions, error) {
	codec, err := newCookieCodec(cfg.MaxSessionAge, cfg.SessionKeys)
	if err != nil {
		return nil, err
	}
	s := &cookieSessions{opts: opts, pipe: namePipe(opts.name), codec: codec, cache: newSessionCache(cfg.SessionCache)}
	s.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }
	return s, nil
}

// seal returns u's session as one sealed value, as the cookie holds it.
func (s *cookieSessions) seal(_ context.Context, u *User) (string, error) {
	return s.codec.encode(s.opts.name, encodeUser(u))
}

func (s *cookieSessions) save(w http.ResponseWriter, r *http.Request, u *User, now time.Time) error {
	value, err := s.seal(r.Context(), u)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.opts.cookie(value, maxAgeOf(u, now)))
	return nil
}

func (s *cookieSessions) clear(w http.ResponseWriter, _ *http.Request) error {
	http.SetCookie(w, s.opts.cookie("", -1))
	return nil
}

// storeSessions keeps sessions in a gorilla sessions.Store.
type storeSessions struct {
	opts  cookieOptions
	store sessions.Store
}

func (s *storeSessions) options(maxAge int) *sessions.Options {
	c := s.opts.cookie("", maxAge)
	return &sessions.Options{Path: c.Path, MaxAge: c.MaxAge, Secure: c.Secure, HttpOnly: c.HttpOnly, SameSite: c.SameSite, Partitioned: c.Partitioned}
}

func (s *storeSessions) load(r *http.Request, _ string, now time.Time) (*User, error) {
	sess, err := s.store.Get(r, s.opts.name)
	if err != nil || sess.IsNew {
		return nil, nil
	}
	data, _ := sess.Values[valuesKey].(string)
	return liveUser(data, now), nil
}

// liveUser decodes a session's data, or returns nil when it is invalid or
// has expired by now.
func liveUser(data string, now time.Time) *User {
	u := new(User)
	if decodeUser(data, u) != nil || !now.Before(u.Expires) {
		return nil
	}
	return u
}

// save deletes the request's old session, if it had one, before writing a
// new one under a new ID, so a session ID planted before sign-in never
// becomes a signed-in one (session fixation).
func (s *storeSessions) save(w http.ResponseWriter, r *http.Request, u *User, now time.Time) error {
	if err := s.clear(w, r); err != nil {
		return err
	}
	fresh := sessions.NewSession(s.store, s.opts.name)
	fresh.IsNew = true
	fresh.Options = s.options(maxAgeOf(u, now))
	fresh.Values[valuesKey] = string(encodeUser(u))
	return s.store.Save(r, w, fresh)
}

func (s *storeSessions) clear(w http.ResponseWriter, r *http.Request) error {
	old, err := s.store.Get(r, s.opts.name)
	if err != nil || old.IsNew {
		return nil // nothing readable to end
	}
	old.Options = s.options(-1)
	old.Values = map[any]any{}
	return s.store.Save(r, w, old)
}

// lazySession is the context Middleware gives a request with a session
// cookie: its parent, plus the cookie's raw value, decoded on the first
// UserFrom and never again. Being the context itself, rather than a value
// in one, saves an allocation on every signed-in request.
type lazySession struct {
	context.Context
	backend sessionBackend
	now     func() time.Time
	r       *http.Request
	raw     string

	done atomic.Bool
	mu   sync.Mutex
	u    *User // nil: no valid session
	err  error // the session store could not tell (ErrStoreUnavailable)
}

// Value returns l for userKey and defers every other key to the parent.
func (l *lazySession) Value(key any) any {
	if key == any(userKey) {
		return l
	}
	return l.Context.Value(key)
}

func (l *lazySession) user() *User {
	if !l.done.Load() {
		l.mu.Lock()
		if !l.done.Load() {
			l.u, l.err = l.backend.load(l.r, l.raw, l.now())
			l.done.Store(true)
		}
		l.mu.Unlock()
	}
	return l.u
}

// cookieValue finds the value of the cookie called name in r's Cookie
// headers without allocating, or returns "".
func cookieValue(r *http.Request, name string) string {
	for _, line := range r.Header["Cookie"] {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimLeft(part, " \t")
			if len(part) > len(name) && part[len(name)] == '=' && part[:len(name)] == name {
				v := strings.TrimRight(part[len(name)+1:], " \t")
				if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
					v = v[1 : len(v)-1]
				}
				if v != "" {
					return v
				}
			}
		}
	}
	return ""
}
