package oktest

import "strings"

// App is another app registered on the same fake OK, as a second app on
// OK is: its own ID, application_key and secret, and tokens that work
// only for it.
type App struct {
	ID, Key, Secret string
}

// NewApp registers another app on the fake, with keys of its own, and
// returns it. Tokens issued to it ([Server.IssueTokenFor]) are refused
// (error 103, PARAM_SESSION_KEY) in REST calls made with the Server's own
// AppKey, as OK refuses a token issued to another app.
func (s *Server) NewApp() App {
	a := App{ID: randomDigits(10), Key: "CBA" + strings.ToUpper(randomHex(6)), Secret: strings.ToUpper(randomHex(13))}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[a.Key] = a
	return a
}

// IssueTokenFor issues a token for u to app, as OK's dialog or SDK would
// when u signs in to that app.
func (s *Server) IssueTokenFor(app App, u User, permissions ...string) Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.issueForLocked(app.Key, u, permissions)
}

// appSecret is the secret of the app whose application_key is key, and
// whether the fake knows that app.
func (s *Server) appSecret(key string) (string, bool) {
	if key == s.AppKey {
		return s.AppSecret, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[key]
	return a.Secret, ok
}
