package okauth_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// An app that opens inside ok.ru: OK loads its App link in an iframe, and
// the user lands on /game, signed in, in a partitioned cookie.
func ExampleAuth_Frameable() {
	fake := oktest.NewServer() // in production: okauth.DefaultEndpoint
	defer fake.Close()
	keys, _ := okauth.DeriveKeys("a passphrase of at least thirty-two bytes")
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, AppSecret: fake.AppSecret,
		RedirectURL: "https://example.com/auth/ok/callback", SessionKeys: keys,
		Endpoint: fake.Endpoint(),
		AppLink:  true, AppLandingPath: "/game",
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth) // the App link is /auth/ok/app
	mux.Handle("/game", auth.Frameable(auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		io.WriteString(w, "hello "+u.Name)
	}))))
	app := auth.Middleware(mux)

	// What OK does: load the App link with its signed launch.
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, fake.LaunchURL("https://example.com/auth/ok/app", oktest.DefaultUser), nil))
	fmt.Println(rec.Code, rec.Header().Get("Location"))

	game := httptest.NewRequest(http.MethodGet, "https://example.com/game", nil)
	for _, c := range rec.Result().Cookies() {
		game.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	app.ServeHTTP(rec, game)
	fmt.Println(rec.Body.String(), "|", rec.Header().Get("Content-Security-Policy"))
	// Output:
	// 303 /game
	// hello Иван Петров | frame-ancestors https://ok.ru https://*.ok.ru
}
