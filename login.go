package okauth

import (
	"net/http"
	"strings"
)

// login remembers a new state and redirects to OK's dialog. A next that
// is not safe, or too long to remember, means Config.LandingPath.
func (a *Auth) login(w http.ResponseWriter, r *http.Request) {
	next, _ := SafeNext(r.URL.Query().Get("next"))
	state, err := a.states.begin(w, r, next)
	if err != nil {
		a.cfg.Logger.ErrorContext(r.Context(), "okauth: cannot start sign-in", "error", err)
		http.Error(w, "500 cannot start sign-in", http.StatusInternalServerError)
		return
	}
	u := *a.authorize
	q := u.Query()
	q.Set("client_id", a.cfg.AppID)
	q.Set("scope", strings.Join(a.cfg.Scopes, ";"))
	q.Set("response_type", string(a.cfg.Flow))
	q.Set("redirect_uri", a.cfg.RedirectURL)
	q.Set("layout", a.cfg.Layout)
	q.Set("state", state)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// LoginURL is the path that starts a sign-in returning to next (a
// same-site path; anything else falls back to Config.LandingPath).
func (a *Auth) LoginURL(next string) string {
	return loginPath(a.cfg.Prefix, nextOr(next, ""))
}
