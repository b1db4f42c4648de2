package okgin_test

import (
	"log"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okgin"
)

// Sign in with OK.ru on a Gin engine: okauth's routes, the user on every
// request, and a group only signed-in users reach.
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
	r := gin.Default()
	okgin.Mount(r, auth)
	r.Use(okgin.Middleware(auth))
	r.GET("/", func(c *gin.Context) {
		if user, ok := okgin.User(c); ok {
			c.String(http.StatusOK, "Hello, %s", user.Name)
			return
		}
		c.Redirect(http.StatusSeeOther, auth.LoginURL("/"))
	})
	account := r.Group("/account", okgin.RequireLogin(auth))
	account.GET("/friends", func(c *gin.Context) {
		var uids []string
		// okauth's calls read the user from c.Request's context.
		if err := auth.Call(c.Request.Context(), "friends.get", nil, &uids); err != nil {
			c.AbortWithStatus(okauth.StatusOf(err))
			return
		}
		c.JSON(http.StatusOK, uids)
	})
	log.Fatal(r.Run(":8080"))
}

// auth is the app's okauth, from okauth.New.
var auth *okauth.Auth

// Mount okauth's routes on a group, for middleware of its own; its path
// leads to Config.Prefix ("/auth/ok").
func ExampleMount() {
	r := gin.New()
	okgin.Mount(r.Group("/auth", gin.Logger()), auth)
}

// RequireLogin guards one route or a whole group. Browsers are sent to
// sign in; API clients get 401 JSON.
func ExampleRequireLogin() {
	r := gin.New()
	r.GET("/settings", okgin.RequireLogin(auth), func(c *gin.Context) {
		user, _ := okgin.User(c)
		c.String(http.StatusOK, "settings of %s", user.UID)
	})
	api := r.Group("/api", okgin.RequireLogin(auth))
	api.GET("/me", func(c *gin.Context) {
		c.JSON(http.StatusOK, c.MustGet(okgin.UserKey).(okauth.User))
	})
}

// User reads the user in any handler after Middleware or RequireLogin.
func ExampleUser() {
	r := gin.New()
	r.Use(okgin.Middleware(auth))
	r.GET("/hello", func(c *gin.Context) {
		user, ok := okgin.User(c)
		if !ok {
			c.String(http.StatusOK, "Hello, stranger")
			return
		}
		c.String(http.StatusOK, "Hello, %s (OK.ru id %s)", user.Name, user.UID)
	})
}

// Frameable lets a game's page show inside ok.ru's iframe, with its
// *gin.Context; here for signed-in players only (the App link signs them
// in inside the frame).
func ExampleFrameable() {
	r := gin.New()
	r.Use(okgin.Middleware(auth))
	r.GET("/game", okgin.Frameable(auth), okgin.RequireLogin(auth), func(c *gin.Context) {
		user, _ := okgin.User(c)
		c.String(http.StatusOK, "Level 1, %s", user.Name)
	})
}
