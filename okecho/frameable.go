package okecho

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/okauth/okauth"
)

// Frameable lets the pages of the handlers after it be shown in an iframe
// by AppLink.FrameAncestors (by default, and without Config.AppLink, OK's
// pages), as [okauth.Auth.Frameable] does: just before the answer's
// headers are written, every Content-Security-Policy gets that
// frame-ancestors directive in place of its own and X-Frame-Options is
// dropped. The handlers keep their echo.Context, and an error they return
// is answered by the app's HTTPErrorHandler in a page that may be framed
// too, so it shows inside ok.ru:
//
//	e.GET("/game", func(c echo.Context) error { … }, okecho.Frameable(auth))
//
// Use it only on the pages an app shows inside ok.ru (such as
// AppLink.LandingPath); every other page should keep frame-ancestors
// 'none'.
func Frameable(auth *okauth.Auth) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res := c.Response()
			auth.Frameable(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				res.Writer = w
			})).ServeHTTP(res.Writer, c.Request())
			return next(c)
		}
	}
}
