package oktest

import (
	"net/http"
	"net/url"
	"strings"
)

// authorize is the fake OAuth dialog: it checks the request and redirects
// to redirect_uri with the token after "#" (response_type=token) or a code
// in the query (response_type=code); errors always go after "#".
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !redirect.IsAbs() || redirect.Host == "" {
		http.Error(w, "oktest: redirect_uri missing or not absolute", http.StatusBadRequest)
		return
	}
	state := q.Get("state")
	s.mu.Lock()
	authError := s.authError
	s.mu.Unlock()
	switch {
	case q.Get("client_id") != s.AppID:
		authError = "invalid_client"
	case q.Get("response_type") != "token" && q.Get("response_type") != "code":
		authError = "invalid_request"
	case !validLayout(q.Get("layout")):
		authError = "invalid_request"
	case authError == "" && s.Consent && q.Get("decision") == "":
		s.mu.Lock()
		user := s.user
		s.mu.Unlock()
		consentPage(w, r, q, user)
		return
	case q.Get("decision") == "deny":
		authError = "access_denied"
	}
	frag := url.Values{}
	if authError == "" && q.Get("response_type") == "code" {
		s.mu.Lock()
		code := s.codeLocked(s.user, splitScopes(q.Get("scope")), q.Get("redirect_uri"))
		s.mu.Unlock()
		back := redirect.Query()
		back.Set("code", code)
		if state != "" {
			back.Set("state", state)
		}
		redirect.RawQuery, redirect.Fragment = back.Encode(), ""
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, redirect.String(), http.StatusFound)
		return
	}
	if authError != "" {
		frag.Set("error", authError)
	} else {
		s.mu.Lock()
		tok := s.issueLocked(s.user, splitScopes(q.Get("scope")))
		s.mu.Unlock()
		frag.Set("access_token", tok.AccessToken)
		frag.Set("session_secret_key", tok.SessionSecret)
		frag.Set("permissions_granted", strings.Join(tok.Permissions, ";"))
		frag.Set("expires_in", itoa(int(s.TokenLifetime.Seconds())))
	}
	if state != "" {
		frag.Set("state", state)
	}
	redirect.Fragment = ""
	w.Header().Set("Cache-Control", "no-store") // the Location holds a token
	http.Redirect(w, r, redirect.String()+"#"+frag.Encode(), http.StatusFound)
}

func validLayout(l string) bool { return l == "" || l == "w" || l == "m" || l == "a" }

func splitScopes(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
