package okecho_test

import (
	"log"
	"net/http"
	"os"

	"github.com/labstack/echo/v4"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okecho"
)

// Sign in with OK.ru on Echo: okauth's routes, the user on every request,
// and a group only signed-in users reach.
func Example() {
	keys, err := okauth.DeriveKeys(os.Getenv("SESSION_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	auth, err := okauth.New(okauth.Config{
		AppID:       "512000000001",
		AppKey:      "CBAEXAMPLEKEY",
		RedirectURL: "https://example.com/auth/ok/callback",
		SessionKeys: keys,
	})
	if err != nil {
		log.Fatal(err)
	}
	e := echo.New()
	okecho.Mount(e, auth)
	e.Use(okecho.Middleware(auth))
	e.GET("/", func(c echo.Context) error {
		if user, ok := okecho.User(c); ok {
			return c.String(http.StatusOK, "Hello, "+user.Name)
		}
		return c.Redirect(http.StatusSeeOther, auth.LoginURL("/"))
	})
	account := e.Group("/account", okecho.RequireLogin(auth))
	account.GET("/friends", func(c echo.Context) error {
		var uids []string
		// okauth's calls read the user from the request's context.
		if err := auth.Call(c.Request().Context(), "friends.get", nil, &uids); err != nil {
			return echo.NewHTTPError(okauth.StatusOf(err))
		}
		return c.JSON(http.StatusOK, uids)
	})
	log.Fatal(e.Start(":8080"))
}

// auth is the app's okauth, from okauth.New.
var auth *okauth.Auth

// Mount okauth's routes on a group with an empty prefix to give them
// middleware of their own.
func ExampleMount() {
	e := echo.New()
	okecho.Mount(e.Group("", func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("X-Robots-Tag", "noindex")
			return next(c)
		}
	}), auth)
}

// RequireLogin guards one route or a whole group. Browsers are sent to
// sign in; API clients get 401 JSON.
func ExampleRequireLogin() {
	e := echo.New()
	e.GET("/settings", func(c echo.Context) error {
		user, _ := okecho.User(c)
		return c.String(http.StatusOK, "settings of "+user.UID)
	}, okecho.RequireLogin(auth))
	api := e.Group("/api", okecho.RequireLogin(auth))
	api.GET("/me", func(c echo.Context) error {
		return c.JSON(http.StatusOK, c.Get(okecho.UserKey).(okauth.User))
	})
}

// User reads the user in any handler after Middleware or RequireLogin.
func ExampleUser() {
	e := echo.New()
	e.Use(okecho.Middleware(auth))
	e.GET("/hello", func(c echo.Context) error {
		user, ok := okecho.User(c)
		if !ok {
			return c.String(http.StatusOK, "Hello, stranger")
		}
		return c.String(http.StatusOK, "Hello, "+user.Name+" (OK.ru id "+user.UID+")")
	})
}

// Frameable lets a game's page show inside ok.ru's iframe, with its
// echo.Context; here for signed-in players only (the App link signs them
// in inside the frame).
func ExampleFrameable() {
	e := echo.New()
	e.Use(okecho.Middleware(auth))
	e.GET("/game", func(c echo.Context) error {
		user, _ := okecho.User(c)
		return c.String(http.StatusOK, "Level 1, "+user.Name)
	}, okecho.Frameable(auth), okecho.RequireLogin(auth))
}
