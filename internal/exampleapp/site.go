package exampleapp

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/okauth/okauth"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// Site is the example's own pages, the same in the net/http, Gin and Echo
// examples: "/" is public (what the site is and the sign-in button, or the
// signed-in user's card and Sign out), "/account" is for signed-in users
// only (mount it behind RequireLogin), and "/site.css" styles both.
type Site struct {
	Auth   *okauth.Auth
	Logger *slog.Logger
}

// Line is one more line of the user's card on "/", after the uid and
// email: where an app shows what it knows of the user, such as a balance.
type Line struct {
	ID, Label, Value string
}

// Home is "/": public. Signed out, it says what the site is and shows
// okauth's sign-in button, which returns to /account; signed in, the
// user's card and Sign out.
func (s Site) Home(w http.ResponseWriter, r *http.Request) {
	user, signedIn := okauth.UserFrom(r.Context())
	data := s.page(r, "home")
	if signedIn {
		data.User = &user
		data.Lines = s.cardLines(r, user)
	}
	s.render(w, r, "home.html", data)
}

// cardLines are the extra lines of user's card on "/": the coins the user
// bought at the example's Callback link, when it has a shop (an app
// secret to check OK's payments with).
func (s Site) cardLines(r *http.Request, user okauth.User) []Line {
	coins := BalanceOf(r.Context(), user.UID)
	if coins == nil {
		return nil
	}
	return []Line{{ID: "balance", Label: wordsFor(s.Auth.Language(r)).Coins, Value: strconv.Itoa(*coins)}}
}

// Account is "/account": mount it behind RequireLogin. It calls OK's
// friends.get as the user; when OK says the user's token expired (102), it
// ends the session and starts a new sign-in.
func (s Site) Account(w http.ResponseWriter, r *http.Request) {
	user, _ := okauth.UserFrom(r.Context())
	var friends []string
	err := s.Auth.Call(r.Context(), "friends.get", nil, &friends)
	if errors.Is(err, okauth.ErrTokenExpired) {
		// OK no longer accepts the token: through OK's dialog for a new
		// one (it closes by itself for an app already allowed); the
		// session stays.
		http.Redirect(w, r, s.Auth.LoginURL("/account"), http.StatusSeeOther)
		return
	}
	data := s.page(r, "account")
	data.User, data.Friends, data.FriendsErr = &user, len(friends), err
	s.render(w, r, "account.html", data)
}

// Style is "/site.css".
func (Site) Style(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write([]byte(siteCSS))
}

// pageData is what the templates show.
type pageData struct {
	T          words
	Title      string
	ButtonCSS  string
	Button     template.HTML
	Logout     string
	User       *okauth.User
	Lines      []Line
	Friends    int
	FriendsErr error
	SDK        string  // OK's JS SDK, on the page inside ok.ru
	Product    Product // what that page sells
	// Framed is a page inside ok.ru's frame: it links to no page of the
	// site, which refuse to be framed and would show a blocked frame.
	Framed bool
}

// page is the data every page has, in the language okauth chose for r.
func (s Site) page(r *http.Request, name string) pageData {
	t := wordsFor(s.Auth.Language(r))
	title := "" // the home page's title is the site's name alone
	switch name {
	case "account":
		title = t.Account
	case "game":
		title = t.Game
	}
	return pageData{T: t, Title: title, ButtonCSS: s.Auth.ButtonCSSURL(),
		Button: s.Auth.Button(r, "/account"), Logout: s.Auth.LogoutURL()}
}

// render writes a page: every page of the example goes through it, so
// headers every page needs are set here, once.
func (s Site) render(w http.ResponseWriter, r *http.Request, name string, data pageData) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.Logger.ErrorContext(r.Context(), "example: page failed", "page", name, "error", err)
		http.Error(w, "500 page failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages differ by who is signed in
	h.Set("Content-Language", data.T.Lang)
	h.Add("Vary", "Accept-Language, Cookie")
	_, _ = buf.WriteTo(w)
}

// siteCSS styles the example's pages; it is a file, not inline, so the
// pages work under a Content-Security-Policy of style-src 'self'.
const siteCSS = `body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f6f6;color:#222;margin:0;padding:0 1em}
header{max-width:32em;margin:1.5em auto 0;display:flex;gap:1.2em;align-items:baseline}
header a{color:#a34400}header .site{font-weight:700;color:#222;text-decoration:none;margin-right:auto}
main{max-width:32em;margin:1em auto 10vh;background:#fff;padding:2em;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4em;margin:0}main>h1{margin-bottom:.6em}
a{color:#a34400}a:focus-visible,button:focus-visible{outline:3px solid #111;outline-offset:3px}
.who{display:flex;gap:1em;align-items:center;margin-bottom:1em}.who img{width:64px;height:64px;border-radius:50%}
dt{color:#6b6b6b;font-size:.85em}dd{margin:0 0 .5em}
.note{color:#6b6b6b;font-size:.85em}
button{background:#fff;color:#111;border:2px solid #ee8208;padding:.5em 1.2em;border-radius:8px;font:inherit;font-weight:600;cursor:pointer;min-height:44px}
`
