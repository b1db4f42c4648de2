// Command example is the okauth example app on Gin.
//
//	go run ./gin/example
//
// It reads the same environment as the net/http example (OK_APP_ID,
// OK_APP_KEY, OK_APP_SECRET, OK_REDIRECT_URL, OK_AUTH_URL, OK_API_URL,
// ADDR, SESSION_KEY): with no OK_APP_ID it signs in against an embedded
// fake OK.ru, so it works with no OK account. Only routes is about Gin.
package main

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/okauth/okauth"
	okgin "github.com/okauth/okauth/gin"
	"github.com/okauth/okauth/internal/exampleapp"
)

func main() { exampleapp.Main(routes) }

// routes is the app: okauth's routes, and "/" for signed-in users only.
func routes(auth *okauth.Auth) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	r.SetHTMLTemplate(exampleapp.HomePage)
	okgin.Mount(r, auth)
	r.Use(okgin.Middleware(auth))
	r.GET("/", okgin.RequireLogin(auth), func(c *gin.Context) {
		user, _ := okgin.User(c)
		var friends []string
		err := auth.Call(c.Request.Context(), "friends.get", nil, &friends)
		if apiErr := (*okauth.APIError)(nil); errors.As(err, &apiErr) && apiErr.Code == okauth.CodeSessionExpired {
			_ = auth.Logout(c.Writer, c.Request) // OK no longer accepts the token
			c.Redirect(http.StatusSeeOther, auth.LoginURL("/"))
			return
		}
		c.HTML(http.StatusOK, "home", gin.H{"User": user, "Friends": len(friends), "FriendsErr": err, "Logout": auth.LogoutURL()})
	})
	return r
}
