package okgin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"

	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/okgin"
)

// TestFrameable: a page behind Frameable is sent with the headers
// okauth's Frameable sends for the same page, however the handler
// writes, and the handler has its *gin.Context, with the route's
// parameters and what earlier middleware put on it.
func TestFrameable(t *testing.T) {
	auth := flowtest.NewFramingAuth(t)
	want := flowtest.FramedPolicy(t, auth)
	ownPolicy := flowtest.OwnPolicy

	for name, write := range map[string]func(c *gin.Context){
		"String": func(c *gin.Context) { c.String(http.StatusOK, "level "+c.Param("level")) },
		"headers set after Status": func(c *gin.Context) {
			c.Status(http.StatusOK)
			c.Header("Content-Security-Policy", ownPolicy)
			c.Writer.WriteHeaderNow()
			_, _ = c.Writer.WriteString("level " + c.Param("level"))
		},
		"WriteString": func(c *gin.Context) { _, _ = c.Writer.WriteString("level " + c.Param("level")) },
		"Flush": func(c *gin.Context) {
			c.Writer.Flush()
			_, _ = c.Writer.Write([]byte("level " + c.Param("level")))
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := gin.New()
			r.Use(func(c *gin.Context) {
				c.Header("Content-Security-Policy", ownPolicy)
				c.Header("X-Frame-Options", "DENY")
				c.Set("player", "Игорь")
				c.Next()
			})
			r.GET("/game/:level", okgin.Frameable(auth), func(c *gin.Context) {
				c.Header("Player", c.GetString("player"))
				write(c)
			})
			r.GET("/other", func(c *gin.Context) { c.String(http.StatusOK, "other") })

			resp := serve(r, "/game/3")
			assert.Equal(t, http.StatusOK, resp.Code)
			assert.Equal(t, want, resp.Result().Header.Values("Content-Security-Policy"))
			assert.Empty(t, resp.Result().Header.Values("X-Frame-Options"))
			assert.Equal(t, "Игорь", resp.Result().Header.Get("Player"), "earlier middleware's value on c")
			assert.Equal(t, "level 3", resp.Body.String(), "the route's parameter on c")

			other := serve(r, "/other")
			assert.Equal(t, ownPolicy, other.Result().Header.Get("Content-Security-Policy"), "a page without Frameable")
			assert.Equal(t, "DENY", other.Result().Header.Get("X-Frame-Options"))
		})
	}
}

// serve is r's answer to GET path.
func serve(r http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}
