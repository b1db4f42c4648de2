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
		AppLink:  &okauth.AppLink{LandingPath: "/game"},
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

	// What OK does: load the App link, with its signed launch, in an
	// iframe on its page. The answer opens /game from the app's own page.
	launch := httptest.NewRequest(http.MethodGet, fake.LaunchURL("https://example.com/auth/ok/app", oktest.DefaultUser), nil)
	launch.Header.Set("Sec-Fetch-Site", "cross-site")
	launch.Header.Set("Sec-Fetch-Mode", "navigate")
	launch.Header.Set("Sec-Fetch-Dest", "iframe")
	launch.Header.Set("Referer", "https://ok.ru/")
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, launch)
	fmt.Println(rec.Code)

	// The app's own page in that iframe loads /game.
	game := httptest.NewRequest(http.MethodGet, "https://example.com/game", nil)
	game.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range rec.Result().Cookies() {
		game.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	app.ServeHTTP(rec, game)
	fmt.Println(rec.Body.String(), "|", rec.Header().Get("Content-Security-Policy"))
	// Output:
	// 200
	// hello Иван Петров | frame-ancestors https://ok.ru https://*.ok.ru
}
