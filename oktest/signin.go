package oktest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
)

// CallbackRequest starts a sign-in at app's login route, loginPath (such
// as "/auth/ok/login?next=/home"), as a browser would, lets this fake
// approve it for u, and returns the request to the
// callback that finishes it, carrying the state cookie: the relay page's
// POST in the token flow, OK's redirect (GET with a code) in the code
// flow. Serving the request to app signs u in. app is the okauth handler
// or an app that mounts it; nothing goes over the network but the
// callback's calls to this fake.
//
// The fake grants what OK's dialog would: the scope the login route asked
// for (the app's Config.Scopes, such as GET_EMAIL, so u's Email reaches
// the app as a browser's sign-in would bring it), plus permissions, for
// those a user grants later.
func (s *Server) CallbackRequest(app http.Handler, loginPath string, u User, permissions ...string) (*http.Request, error) {
	login := httptest.NewRecorder()
	app.ServeHTTP(login, httptest.NewRequest(http.MethodGet, loginPath, nil))
	dialog, err := url.Parse(login.Header().Get("Location"))
	if err != nil || login.Code != http.StatusFound {
		return nil, fmt.Errorf("oktest: login route %s answered %d, not a redirect to the dialog", loginPath, login.Code)
	}
	callback, err := url.Parse(dialog.Query().Get("redirect_uri"))
	if err != nil || callback.Path == "" {
		return nil, fmt.Errorf("oktest: the dialog URL has no redirect_uri")
	}
	permissions = grant(splitScopes(dialog.Query().Get("scope")), permissions)
	if dialog.Query().Get("response_type") == "code" {
		q := callback.Query()
		q.Set("code", s.IssueCode(u, dialog.Query().Get("redirect_uri"), permissions...))
		q.Set("state", dialog.Query().Get("state"))
		callback.RawQuery = q.Encode()
		req := httptest.NewRequest(http.MethodGet, callback.RequestURI(), nil)
		for _, c := range login.Result().Cookies() {
			req.AddCookie(c)
		}
		return req, nil
	}
	tok := s.IssueToken(u, permissions...)
	form := url.Values{
		"access_token":        {tok.AccessToken},
		"session_secret_key":  {tok.SessionSecret},
		"state":               {dialog.Query().Get("state")},
		"expires_in":          {itoa(int(s.TokenLifetime.Seconds()))},
		"permissions_granted": {strings.Join(tok.Permissions, ";")},
	}
	req := httptest.NewRequest(http.MethodPost, callback.RequestURI(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range login.Result().Cookies() {
		req.AddCookie(c)
	}
	return req, nil
}

// SignIn signs u in to app without a browser (see [Server.CallbackRequest])
// and returns the cookies app set for the session, to add to the requests
// of a test that needs a signed-in user.
func (s *Server) SignIn(app http.Handler, loginPath string, u User, permissions ...string) ([]*http.Cookie, error) {
	req, err := s.CallbackRequest(app, loginPath, u, permissions...)
	if err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		return nil, fmt.Errorf("oktest: the callback answered %d, not a redirect after sign-in", rec.Code)
	}
	var session []*http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge >= 0 && c.Value != "" {
			session = append(session, c)
		}
	}
	if len(session) == 0 {
		return nil, fmt.Errorf("oktest: the callback set no session cookie")
	}
	return session, nil
}

// grant is the scopes asked for, then the extra ones not among them.
func grant(asked, extra []string) []string {
	out := slices.Clone(asked)
	for _, p := range extra {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
