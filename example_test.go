package okauth_test

import (
	"errors"
	"fmt"
	"html/template"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// A whole app: mount the routes, guard a page, wrap everything in the
// middleware.
func Example() {
	keys, err := okauth.DeriveKeys(os.Getenv("SESSION_KEY")) // 32+ characters
	if err != nil {
		log.Fatal(err)
	}
	auth, err := okauth.New(okauth.Config{
		AppID:       "512000000001",
		AppKey:      "CBAEXAMPLEKEY",
		RedirectURL: "https://example.com/auth/ok/callback",
		Scopes:      []string{okauth.ScopeGetEmail},
		SessionKeys: keys,
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/account", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := okauth.UserFrom(r.Context())
		fmt.Fprintf(w, "Hello, %s (OK id %s)", user.Name, user.UID)
	})))
	log.Fatal(http.ListenAndServe(":8080", auth.Middleware(mux)))
}

// UserFrom reads the signed-in user in any handler behind the middleware.
func ExampleUserFrom() {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, ok := okauth.UserFrom(r.Context()); ok {
			fmt.Println("signed in:", user.Name, user.UID)
			return
		}
		fmt.Println("anonymous")
	})
	// In tests, WithUser stands in for a sign-in.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	handler.ServeHTTP(httptest.NewRecorder(), r)
	ctx := okauth.WithUser(r.Context(), okauth.User{UID: "574385021466", Name: "Иван Петров"})
	handler.ServeHTTP(httptest.NewRecorder(), r.WithContext(ctx))
	// Output:
	// anonymous
	// signed in: Иван Петров 574385021466
}

// Call a REST method as the signed-in user. When OK's token has expired
// (and, in the code flow, could not be refreshed), send the browser through
// OK's dialog for a new one: the session stays.
func ExampleAuth_Call() {
	var auth *okauth.Auth // from okauth.New
	friends := func(w http.ResponseWriter, r *http.Request) {
		var uids []string
		err := auth.Call(r.Context(), "friends.get", url.Values{"sort_type": {"PRESENT"}}, &uids)
		if errors.Is(err, okauth.ErrTokenExpired) {
			http.Redirect(w, r, auth.LoginURL(r.URL.Path), http.StatusSeeOther)
			return
		}
		if err != nil {
			http.Error(w, "OK.ru is unavailable", okauth.StatusOf(err))
			return
		}
		fmt.Fprintf(w, "%d friends", len(uids))
	}
	_ = friends
}

// RequireToken guards pages that call OK's API: a user whose token has
// expired passes through OK's dialog and comes back with a new one.
func ExampleAuth_RequireToken() {
	var auth *okauth.Auth // from okauth.New
	photos := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var out any
		if err := auth.Call(r.Context(), "photos.getPhotos", nil, &out); err != nil {
			http.Error(w, "OK.ru is unavailable", okauth.StatusOf(err))
			return
		}
		fmt.Fprint(w, out)
	})
	http.Handle("/photos", auth.RequireToken(photos))
}

// OnSignIn links OK's user to the app's own account, or refuses them; the
// account ID rides in the session.
func ExampleConfig_onSignIn() {
	banned := map[string]bool{"1": true}
	cfg := okauth.Config{
		// AppID, AppKey, RedirectURL, SessionKeys…
		OnSignIn: func(r *http.Request, u *okauth.User) error {
			if banned[u.UID] {
				return errors.New("banned") // no session; logged once
			}
			u.AccountID = "acct-" + u.UID // the app's own ID, read later from User
			return nil
		},
	}
	_ = cfg
}

// The code flow against oktest: sign in, then ask OK (not the browser)
// whether a permission was granted.
func ExampleAuth_HasPermission() {
	fake := oktest.NewServer()
	defer fake.Close()
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, AppSecret: fake.AppSecret,
		Flow:        okauth.FlowCode,
		RedirectURL: "https://app.example/auth/ok/callback",
		Scopes:      []string{okauth.ScopeGetEmail},
		SessionKeys: testKeys,
		Endpoint:    fake.Endpoint(),
		Logger:      slog.New(slog.DiscardHandler),
	})
	if err != nil {
		log.Fatal(err)
	}
	cookies, err := fake.SignIn(auth, "/auth/ok/login", oktest.DefaultUser, okauth.ScopeGetEmail)
	if err != nil {
		log.Fatal(err)
	}
	page := auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, perm := range []string{okauth.ScopeGetEmail, okauth.ScopeValuableAccess} {
			ok, err := auth.HasPermission(r.Context(), perm)
			fmt.Println(perm, ok, err)
		}
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	page.ServeHTTP(httptest.NewRecorder(), r)
	// Output:
	// GET_EMAIL true <nil>
	// VALUABLE_ACCESS false <nil>
}

// SafeNext tells same-site paths from open redirects.
func ExampleSafeNext() {
	for _, next := range []string{"/account?tab=2", "//evil.example", "https://evil.example", `/\evil.example`} {
		_, ok := okauth.SafeNext(next)
		fmt.Println(next, ok)
	}
	// Output:
	// /account?tab=2 true
	// //evil.example false
	// https://evil.example false
	// /\evil.example false
}

// Sign computes OK's request signature (test vector from OK's rule).
func ExampleSign() {
	fmt.Println(okauth.Sign(url.Values{"application_key": {"2"}, "method": {"3"}}, "1"))
	// Output: 42501554288d3bb6a1ba9ee035743315
}

// A custom failure page finds the error on the request context.
func ExampleErrorFrom() {
	failure := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err, _ := okauth.ErrorFrom(r.Context())
		http.Error(w, "Sign-in failed, please try again.", okauth.StatusOf(err))
	})
	_ = okauth.Config{FailureHandler: failure}
}

// The sign-in button in a page's template, in the visitor's language.
func ExampleAuth_Button() {
	keys, _ := okauth.DeriveKeys("an example secret of at least 32 bytes")
	auth, err := okauth.New(okauth.Config{AppID: "512000000001", AppKey: "CBAEXAMPLEKEY",
		RedirectURL: "https://example.com/auth/ok/callback", SessionKeys: keys})
	if err != nil {
		log.Fatal(err)
	}
	page := template.Must(template.New("home").Parse(
		`<link rel="stylesheet" href="{{.CSS}}">` + "\n" + `<p>{{.Button}}</p>`))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Language", "ru-RU,ru;q=0.9,en;q=0.8")
	var out strings.Builder
	_ = page.Execute(&out, map[string]any{"CSS": auth.ButtonCSSURL(), "Button": auth.Button(r, "/account")})
	fmt.Println(strings.Contains(out.String(), `href="/auth/ok/login?next=%2Faccount" lang="ru"`))
	fmt.Println(strings.Contains(out.String(), "<span>Войти через OK.ru</span>"))
	// Output:
	// true
	// true
}

// okauth's own words for an error, in the request's language (here
// Russian, then English; the space in «10 минут» is a non-breaking one),
// with Config.Messages applied: what a custom failure handler shows.
func ExampleAuth_Message() {
	keys, _ := okauth.DeriveKeys("an example secret of at least 32 bytes")
	auth, err := okauth.New(okauth.Config{AppID: "512000000001", AppKey: "CBAEXAMPLEKEY",
		RedirectURL: "https://example.com/auth/ok/callback", SessionKeys: keys})
	if err != nil {
		log.Fatal(err)
	}
	failed := fmt.Errorf("callback: %w", okauth.ErrStateExpired)
	for _, lang := range []string{"ru", "en"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", lang)
		msg := auth.Message(r, failed)
		fmt.Printf("%s: %s\n", msg.Title, msg.Detail)
	}
	// Output:
	// Вход занял слишком много времени: Вход не был завершён за 10 минут. Начните заново.
	// Sign-in took too long: The sign-in was not finished within 10 minutes. Please start again.
}
