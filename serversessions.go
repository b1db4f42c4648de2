package okauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// idLen is the length of a session ID (NewSessionID).
const idLen = 43

// idSessions keeps sessions in a SessionStore. The cookie (or bearer
// value) holds only the session's random ID, sealed like a cookie session
// under the cookie's name, so an ID read from the store cannot be turned
// into a cookie without the keys. The store holds the encoded user sealed
// under another name, so the OK token in it is encrypted at rest.
//
// Every request asks the store, so a session ended anywhere is ended
// here; what is cached only saves cryptography: which ID a cookie value
// verified to, and the user decoded from the very bytes the store last
// returned for an ID.
type idSessions struct {
	opts     cookieOptions
	pipe     []byte // namePipe(opts.name): the sealed ID
	dataName string // what the stored data is sealed for
	dataPipe []byte
	codec    *cookieCodec
	store    SessionStore
	appID    string              // binds the store's uids to the app
	ids      *recent[string]     // verified cookie value → session ID
	users    *recent[storedUser] // session ID → the data last loaded, decoded
	down     *failureLog         // the store failing, written once a minute
}

// storedUser is the user decoded from data, as a store returned it.
type storedUser struct {
	data string
	u    *User
}

func newIDSessions(cfg Config, opts cookieOptions) (*idSessions, error) {
	codec, err := newCookieCodec(cfg.SessionLifetime, cfg.SessionKeys)
	if err != nil {
		return nil, err
	}
	dataName := opts.name + " data" // a space: no cookie has this name
	return &idSessions{opts: opts, pipe: namePipe(opts.name), dataName: dataName, dataPipe: namePipe(dataName),
		codec: codec, store: cfg.SessionStore, appID: cfg.AppID,
		ids: newRecent[string](cfg.SessionCache), users: newRecent[storedUser](cfg.SessionCache),
		down: &failureLog{logger: cfg.Logger, burst: 1, interval: failLogInterval}}, nil
}

// id returns the session ID sealed in raw, or "" when raw is not one.
func (s *idSessions) id(raw string) string {
	if id, ok := s.ids.get(raw); ok {
		return id
	}
	b, err := s.codec.decode(s.pipe, raw, nil)
	if err != nil || len(b) != idLen {
		return ""
	}
	id := string(b)
	s.ids.put(raw, id)
	return id
}

func (s *idSessions) load(r *http.Request, raw string, now time.Time) (*User, error) {
	id := s.id(raw)
	if id == "" {
		return nil, nil
	}
	data, err := s.store.Load(r.Context(), id)
	switch {
	case errors.Is(err, ErrNoSession):
		return nil, nil
	case err != nil:
		err = unavailable(err)
		if s.down.allow() {
			s.down.logger.LogAttrs(r.Context(), slog.LevelError, "okauth: session store failed; requests with a session are not signed in until it answers",
				slog.String("error", err.Error()))
		}
		return nil, err
	}
	if c, ok := s.users.get(id); ok && c.data == string(data) {
		if !now.Before(c.u.Expires) {
			return nil, nil
		}
		return c.u, nil
	}
	sealed := string(data) // once, for decoding and for the cache
	plain, err := s.codec.decode(s.dataPipe, sealed, nil)
	if err != nil {
		return nil, nil
	}
	u := liveUser(string(plain), now)
	if u != nil {
		s.users.put(id, storedUser{data: sealed, u: u})
	}
	return u, nil
}

// seal stores u's session under a new ID and returns the ID, sealed.
func (s *idSessions) seal(ctx context.Context, u *User) (string, error) {
	uid := storeUID(s.appID, u.UID)
	id := NewSessionID(s.store, uid)
	data, err := s.codec.encode(s.dataName, encodeUser(u))
	if err != nil {
		return "", err
	}
	if err := s.store.Save(ctx, id, uid, []byte(data), u.Expires); err != nil {
		return "", unavailable(err)
	}
	return s.codec.encode(s.opts.name, []byte(id))
}

// save stores the new session first, so that on failure the request's
// session, if any, is left as it was; then it ends that old one, so that
// a session ID planted before sign-in never becomes a signed-in one.
func (s *idSessions) save(w http.ResponseWriter, r *http.Request, u *User, now time.Time) error {
	value, err := s.seal(r.Context(), u)
	if err != nil {
		return err
	}
	if old := s.id(cookieValue(r, s.opts.name)); old != "" {
		if err := s.store.Delete(r.Context(), old); err != nil {
			s.down.logger.LogAttrs(r.Context(), slog.LevelWarn, "okauth: could not end the session replaced by a sign-in", slog.String("error", err.Error()))
		}
	}
	http.SetCookie(w, s.opts.cookie(value, maxAgeOf(u, now)))
	return nil
}

// clear ends the request's session in the store, then in the browser.
// When the store fails the cookie is left as it was, so that the browser
// still holds what it needs to sign out once the store answers; the error
// says the session lives on.
func (s *idSessions) clear(w http.ResponseWriter, r *http.Request) error {
	if err := s.end(r.Context(), cookieValue(r, s.opts.name)); err != nil {
		return err
	}
	http.SetCookie(w, s.opts.cookie("", -1))
	return nil
}

// end ends the session sealed in raw in the store, which every instance
// asks; a value that seals no ID is no session to end.
func (s *idSessions) end(ctx context.Context, raw string) error {
	if id := s.id(raw); id != "" {
		if err := s.store.Delete(ctx, id); err != nil {
			return unavailable(err)
		}
	}
	return nil
}

// storeUID is the uid a SessionStore is given for the OK user uid of the
// app appID: bound to the app, so that apps sharing a store never end
// each other's sessions.
func storeUID(appID, uid string) string { return appID + ":" + uid }

// unavailable wraps err in ErrStoreUnavailable unless it is already.
func unavailable(err error) error {
	if errors.Is(err, ErrStoreUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrStoreUnavailable, err)
}
