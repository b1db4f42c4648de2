package okauth

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// cookieSessions is the default backend: the whole session in one cookie.
type cookieSessions struct {
	opts  cookieOptions
	pipe  []byte // namePipe(opts.name)
	codec *cookieCodec
	cache *recent[*User] // nil when disabled (newSessionCache)
	bufs  sync.Pool      // *[]byte for decrypted payloads
}

func (s *cookieSessions) load(r *http.Request, raw string, now time.Time) (*User, error) {
	return s.loadInto(r, raw, now, nil)
}

// loadInto is load, decoding into box when there is no cache to share the
// user with (a cached user must be its own allocation).
func (s *cookieSessions) loadInto(_ *http.Request, raw string, now time.Time, box *userBox) (*User, error) {
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
	if box == nil || s.cache != nil {
		box = new(userBox)
	}
	if decodeUserInto(bp, box) != nil || !now.Before(box.u.Expires) {
		return nil, nil
	}
	s.cache.put(raw, &box.u)
	return &box.u, nil
}

// newCookieSessions is the cookie backend for cookies with opts, sealed
// with cfg's SessionKeys. Bearer sessions use one too, under bearerName.
func newCookieSessions(cfg Config, opts cookieOptions) (*cookieSessions, error) {
	codec, err := newCookieCodec(cfg.SessionLifetime, cfg.SessionKeys)
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

// end cannot end a session that lives in its value: a copy works until
// it expires. A cookie's is ended by clearing the cookie; a bearer
// value's only by the app forgetting it.
func (s *cookieSessions) end(context.Context, string) error {
	return ErrNotRevocable
}
