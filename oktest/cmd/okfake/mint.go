package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/okauth/okauth/oktest"
)

// The okfake command's own routes, beside OK's.
const (
	tokenRoute  = "/okfake/token"
	codeRoute   = "/okfake/code"
	launchRoute = "/okfake/launch"
	userRoute   = "/okfake/user"
)

// newMux serves the fake's OK routes and the routes that mint. A page on
// another site open in the developer's browser could post a form to the
// mint routes (and choose whom the dialog signs in): they refuse a
// browser's cross-origin request, and take a script's, which sends no
// Sec-Fetch-Site or Origin.
func newMux(fake *oktest.Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", fake.Handler())
	mint := http.NewServeMux()
	mux.Handle("/okfake/", http.NewCrossOriginProtection().Handler(mint))
	mint.HandleFunc("/okfake/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "okfake: its routes take a POST: "+tokenRoute+", "+codeRoute+", "+launchRoute+", "+userRoute, http.StatusMethodNotAllowed)
	})
	mint.HandleFunc("POST "+tokenRoute, func(w http.ResponseWriter, r *http.Request) {
		u, scopes, ok := userFrom(w, r)
		if !ok {
			return
		}
		tok := fake.IssueToken(u, scopes...)
		writeJSON(w, map[string]string{
			"access_token":        tok.AccessToken,
			"session_secret_key":  tok.SessionSecret,
			"expires_in":          strconv.Itoa(int(fake.TokenLifetime.Seconds())),
			"permissions_granted": strings.Join(tok.Permissions, ";"),
			"logged_user_id":      u.UID,
		})
	})
	mint.HandleFunc("POST "+codeRoute, func(w http.ResponseWriter, r *http.Request) {
		u, scopes, ok := userFrom(w, r)
		if !ok {
			return
		}
		redirect := r.Form.Get("redirect_uri")
		if redirect == "" {
			http.Error(w, "okfake: redirect_uri is required, such as okauth://ok"+fake.AppID, http.StatusBadRequest)
			return
		}
		writeJSON(w, map[string]string{"code": fake.IssueCode(u, redirect, scopes...)})
	})
	mint.HandleFunc("POST "+launchRoute, func(w http.ResponseWriter, r *http.Request) {
		u, _, ok := userFrom(w, r)
		if !ok {
			return
		}
		app, err := url.Parse(r.Form.Get("app"))
		if err != nil || !app.IsAbs() || app.Host == "" {
			http.Error(w, "okfake: app must be the App link's absolute URL, such as https://app.example/auth/ok/app", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(fake.LaunchURL(app.String(), u) + "\n"))
	})
	mint.HandleFunc("POST "+userRoute, func(w http.ResponseWriter, r *http.Request) {
		u, _, ok := userFrom(w, r)
		if !ok {
			return
		}
		fake.SetUser(u)
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// userFrom reads the user and scopes a mint route was asked for:
// oktest.DefaultUser with the fields the request sets.
func userFrom(w http.ResponseWriter, r *http.Request) (oktest.User, []string, bool) {
	form, err := readForm(w, r)
	if err != nil {
		http.Error(w, "okfake: unreadable form: "+err.Error(), http.StatusBadRequest)
		return oktest.User{}, nil, false
	}
	r.Form = form
	u := oktest.DefaultUser
	if uid := r.Form.Get("uid"); uid != "" {
		if strings.Trim(uid, "0123456789") != "" || len(uid) > 20 {
			http.Error(w, "okfake: uid must be digits, as OK's are", http.StatusBadRequest)
			return oktest.User{}, nil, false
		}
		// Another user: none of the default user's profile.
		u = oktest.User{UID: uid, Name: "User " + uid}
	}
	for field, dst := range map[string]*string{"name": &u.Name, "first_name": &u.FirstName, "last_name": &u.LastName, "email": &u.Email} {
		if v, ok := r.Form[field]; ok {
			*dst = v[0]
		}
	}
	var scopes []string
	for _, s := range strings.Split(r.Form.Get("scope"), ";") {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	return u, scopes, true
}

// readForm is the request's query and form body, where a raw ";" (as in
// scope=VALUABLE_ACCESS;GET_EMAIL, typed into curl) is part of a value,
// not the separator Go refuses.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<10))
	if err != nil {
		return nil, err
	}
	form := url.Values{}
	for _, raw := range []string{r.URL.RawQuery, string(body)} {
		v, err := url.ParseQuery(strings.ReplaceAll(raw, ";", "%3B"))
		if err != nil {
			return nil, err
		}
		for k, vs := range v {
			form[k] = append(form[k], vs...)
		}
	}
	return form, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}
