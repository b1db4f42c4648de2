package oktest

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"time"
)

// Lifetimes of the code flow's grants, as OK gives them.
const (
	// CodeLifetime is how long a code from the dialog can be exchanged.
	CodeLifetime = 2 * time.Minute
	// RefreshLifetime is how long a refresh token works.
	RefreshLifetime = 30 * 24 * time.Hour
)

// pendingCode is a code the dialog issued, waiting to be exchanged once.
type pendingCode struct {
	user        User
	permissions []string
	redirectURI string
	expires     time.Time
}

// refreshGrant is what a refresh token stands for.
type refreshGrant struct {
	user        User
	permissions []string
	expires     time.Time
}

func (s *Server) codeLocked(u User, permissions []string, redirectURI string) string {
	code := randomHex(20)
	s.codes[code] = &pendingCode{user: u, permissions: permissions, redirectURI: redirectURI,
		expires: time.Now().Add(CodeLifetime)}
	return code
}

// IssueCode issues a code for u as the dialog of the code flow would for
// redirectURI, for tests that drive the callback themselves.
func (s *Server) IssueCode(u User, redirectURI string, permissions ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codeLocked(u, permissions, redirectURI)
}

// ExpireCodes makes every code issued so far expired, as if two minutes
// had passed.
func (s *Server) ExpireCodes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.codes {
		c.expires = time.Now().Add(-time.Second)
	}
}

// ExpireRefreshTokens makes every refresh token issued so far expired.
func (s *Server) ExpireRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.refresh {
		g.expires = time.Now().Add(-time.Second)
	}
}

// token is the fake token endpoint, /oauth/token.do: it exchanges codes
// (each once, within CodeLifetime, for the redirect_uri it was issued for)
// and refresh tokens, checking client_id and client_secret, and answers
// errors as {"error", "error_description"} with HTTP 400 (401 for a wrong
// client).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.tokenCalls.Add(1)
	s.mu.Lock()
	fault := s.fault
	s.mu.Unlock()
	if fault != FaultNoUID && s.faulted(w, r, fault) {
		return
	}
	if r.Method != http.MethodPost {
		tokenError(w, http.StatusMethodNotAllowed, "invalid_request", "POST required")
		return
	}
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != s.AppID || subtle.ConstantTimeCompare([]byte(f.Get("client_secret")), []byte(s.AppSecret)) != 1 {
		tokenError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong client_secret")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Get("grant_type") {
	case "authorization_code":
		c, ok := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code")) // used, even by a failed attempt
		switch {
		case !ok || f.Get("code") == "":
			tokenError(w, http.StatusBadRequest, "invalid_grant", "unknown or used code")
		case time.Now().After(c.expires):
			tokenError(w, http.StatusBadRequest, "invalid_grant", "code expired")
		case f.Get("redirect_uri") != c.redirectURI:
			tokenError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the dialog's")
		default:
			t := s.issueLocked(c.user, c.permissions)
			t.SessionSecret = ""
			t.RefreshToken = randomHex(32)
			s.refresh[t.RefreshToken] = &refreshGrant{user: c.user, permissions: c.permissions,
				expires: time.Now().Add(RefreshLifetime)}
			writeJSON(w, map[string]any{"access_token": t.AccessToken, "token_type": "session",
				"refresh_token": t.RefreshToken, "expires_in": int(s.TokenLifetime.Seconds())})
		}
	case "refresh_token":
		g, ok := s.refresh[f.Get("refresh_token")]
		if !ok || time.Now().After(g.expires) {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "unknown or expired refresh_token")
			return
		}
		t := s.issueLocked(g.user, g.permissions)
		t.SessionSecret = ""
		// OK's expires_in may be a number or a string; the fake sends a
		// string here, so clients must take both.
		writeJSON(w, map[string]any{"access_token": t.AccessToken, "token_type": "session",
			"expires_in": itoa(int(s.TokenLifetime.Seconds()))})
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}
