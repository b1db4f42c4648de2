package oktest

import (
	"strings"

	"github.com/okauth/okauth"
)

// appCall answers a call without a session, signed with the app secret
// alone, as OK does: users.getInfo works; a method that needs a user
// (users.getCurrentUser, friends.get, any added with HandleMethod) is
// refused with 453 (SESSION_REQUIRED).
func (s *Server) appCall(params map[string]string, appSecret string, forced int) (any, error) {
	values := make(map[string][]string, len(params))
	for k, v := range params {
		values[k] = []string{v}
	}
	if params["sig"] != okauth.Sign(values, appSecret) {
		return nil, apiErr(104)
	}
	if forced != 0 {
		return nil, apiErr(forced)
	}
	method := params["method"]
	s.mu.Lock()
	_, custom := s.methods[method]
	s.mu.Unlock()
	switch {
	case method == "users.getInfo":
		return s.usersInfo(params["uids"], params["fields"], params["emptyPictures"] == "true")
	case custom, method == "users.getCurrentUser", method == "friends.get":
		return nil, apiErr(453)
	}
	return nil, apiErr(3)
}

// usersInfo answers users.getInfo: the users the fake knows (the dialog's
// user and every token's) among uids, with the fields asked for; never
// email, which needs the user's permission. A user without a picture gets
// StubPicture unless emptyPictures.
func (s *Server) usersInfo(uids, fields string, emptyPictures bool) (any, error) {
	if uids == "" || fields == "" {
		return nil, apiErr(100)
	}
	s.mu.Lock()
	known := map[string]User{DefaultUser.UID: DefaultUser, s.user.UID: s.user}
	for _, t := range s.tokens {
		known[t.User.UID] = t.User
	}
	s.mu.Unlock()
	out := []map[string]any{}
	for _, uid := range strings.Split(uids, ",") {
		u, ok := known[strings.TrimSpace(uid)]
		if !ok {
			continue
		}
		if u.Picture == "" && !emptyPictures {
			u.Picture = StubPicture
		}
		info := currentUser(&Token{User: u}, fields, false)
		delete(info, "email")
		out = append(out, info)
	}
	return out, nil
}
