package okauth

import (
	"net/http"
	"time"

	"github.com/gorilla/sessions"
)

// valuesKey is where a sessions.Store session keeps the encoded user.
const valuesKey = "okauth.user"

// gorillaSessions keeps sessions in a gorilla sessions.Store (Config.GorillaStore).
type gorillaSessions struct {
	opts  cookieOptions
	store sessions.Store
}

func (s *gorillaSessions) options(maxAge int) *sessions.Options {
	c := s.opts.cookie("", maxAge)
	return &sessions.Options{Path: c.Path, MaxAge: c.MaxAge, Secure: c.Secure, HttpOnly: c.HttpOnly, SameSite: c.SameSite, Partitioned: c.Partitioned}
}

func (s *gorillaSessions) load(r *http.Request, _ string, now time.Time) (*User, error) {
	sess, err := s.store.Get(r, s.opts.name)
	if err != nil || sess.IsNew {
		return nil, nil
	}
	data, _ := sess.Values[valuesKey].(string)
	return liveUser(data, now), nil
}

// save deletes the request's old session, if it had one, before writing a
// new one under a new ID, so a session ID planted before sign-in never
// becomes a signed-in one (session fixation).
func (s *gorillaSessions) save(w http.ResponseWriter, r *http.Request, u *User, now time.Time) error {
	if err := s.clear(w, r); err != nil {
		return err
	}
	fresh := sessions.NewSession(s.store, s.opts.name)
	fresh.IsNew = true
	fresh.Options = s.options(maxAgeOf(u, now))
	fresh.Values[valuesKey] = string(encodeUser(u))
	return s.store.Save(r, w, fresh)
}

func (s *gorillaSessions) clear(w http.ResponseWriter, r *http.Request) error {
	old, err := s.store.Get(r, s.opts.name)
	if err != nil || old.IsNew {
		return nil // nothing readable to end
	}
	old.Options = s.options(-1)
	old.Values = map[any]any{}
	return s.store.Save(r, w, old)
}
