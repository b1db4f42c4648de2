package okecho_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"

	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/okecho"
)

// TestFrameable: a page behind Frameable, and the error page of a handler
// behind it, are sent with the headers okauth's Frameable sends for the
// same page, however the handler writes, and the handler has its
// echo.Context, with the route's parameters and what earlier middleware
// put on it.
func TestFrameable(t *testing.T) {
	auth := flowtest.NewFramingAuth(t)
	want := flowtest.FramedPolicy(t, auth)
	for name, tc := range map[string]struct {
		write func(c echo.Context) error
		code  int
	}{
		"String": {func(c echo.Context) error { return c.String(http.StatusOK, "level "+c.Param("level")) }, http.StatusOK},
		"NoContent": {func(c echo.Context) error {
			c.Response().Header().Set("Content-Security-Policy", flowtest.OwnPolicy)
			return c.NoContent(http.StatusNoContent)
		}, http.StatusNoContent},
		"Flush": {func(c echo.Context) error {
			c.Response().Flush()
			_, err := c.Response().Write([]byte("level " + c.Param("level")))
			return err
		}, http.StatusOK},
		"error": {func(c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "level "+c.Param("level"))
		}, http.StatusForbidden},
	} {
		t.Run(name, func(t *testing.T) {
			e := echo.New()
			e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
				return func(c echo.Context) error {
					c.Response().Header().Set("Content-Security-Policy", flowtest.OwnPolicy)
					c.Response().Header().Set("X-Frame-Options", "DENY")
					c.Set("player", "Игорь")
					return next(c)
				}
			})
			e.GET("/game/:level", func(c echo.Context) error {
				player, _ := c.Get("player").(string)
				c.Response().Header().Set("Player", player)
				return tc.write(c)
			}, okecho.Frameable(auth))
			e.GET("/other", func(c echo.Context) error { return c.String(http.StatusOK, "other") })

			resp := serve(e, "/game/3")
			assert.Equal(t, tc.code, resp.Code)
			assert.Equal(t, want, resp.Result().Header.Values("Content-Security-Policy"))
			assert.Empty(t, resp.Result().Header.Values("X-Frame-Options"))
			assert.Equal(t, "Игорь", resp.Result().Header.Get("Player"), "earlier middleware's value on c")
			if tc.code != http.StatusNoContent {
				assert.Contains(t, resp.Body.String(), "level 3", "the route's parameter on c")
			}

			other := serve(e, "/other")
			assert.Equal(t, flowtest.OwnPolicy, other.Result().Header.Get("Content-Security-Policy"), "a page without Frameable")
			assert.Equal(t, "DENY", other.Result().Header.Get("X-Frame-Options"))
		})
	}
}

// serve is h's answer to GET path.
func serve(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}
