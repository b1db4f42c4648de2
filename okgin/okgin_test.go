package okgin_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/okgin"
	"github.com/okauth/okauth/oktest"
)

func init() { gin.SetMode(gin.TestMode) }

// show is a page that prints the user as okgin.User, the UserKey value
// and c.Request's context each see it, and calls OK as the user with
// c.Request's context, which needs the user there.
func show(auth *okauth.Auth, reached *atomic.Int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		reached.Add(1)
		u, _ := okgin.User(c)
		keyed, _ := c.Get(okgin.UserKey)
		keyedUser, _ := keyed.(okauth.User)
		onRequest, _ := okauth.UserFrom(c.Request.Context())
		var friends []string
		err := auth.Call(c.Request.Context(), "friends.get", nil, &friends)
		c.String(http.StatusOK, flowtest.ShowUser(u, keyedUser, onRequest, err))
	}
}

// TestFlowInGroups mounts okauth's routes on a group and guards a group
// with RequireLogin alone, with no Middleware anywhere: RequireLogin must
// hand the user on through c.Request, and Middleware on one route must too.
func TestFlowInGroups(t *testing.T) {
	var reached atomic.Int64
	env := flowtest.Start(t, nil, func(auth *okauth.Auth) http.Handler {
		r := gin.New()
		okgin.Mount(r.Group("/auth"), auth)
		r.GET("/whoami", okgin.Middleware(auth), gin.WrapH(flowtest.WhoAmI))
		account := r.Group("/account", okgin.RequireLogin(auth))
		account.GET("/me", show(auth, &reached))
		return r
	})
	b := env.Browser(t)
	b.AsksForSignIn("/account/me")
	assert.Zero(t, reached.Load(), "RequireLogin did not abort the chain")
	assert.Equal(t, "anonymous", b.Page("/whoami").Text)

	b.SignIn("/account/me")
	page := b.Page("/account/me")
	require.Equal(t, http.StatusOK, page.StatusCode)
	flowtest.SignedInPage(t, page.Text)
	assert.Equal(t, "request_uid="+oktest.DefaultUser.UID, b.Page("/whoami").Text, "Middleware lost the user: c.Request not written back")

	b.Logout()
	b.AsksForSignIn("/account/me")
	assert.Equal(t, "anonymous", b.Page("/whoami").Text)
	assert.EqualValues(t, 1, reached.Load())
}

// TestFlowOnEngine runs the flow with Middleware on the whole engine and
// okauth's routes mounted on the engine, or on a group at the prefix.
func TestFlowOnEngine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mount func(*gin.Engine) gin.IRouter
	}{
		{"engine", func(r *gin.Engine) gin.IRouter { return r }},
		{"group at prefix", func(r *gin.Engine) gin.IRouter { return r.Group("/auth/ok/") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var reached atomic.Int64
			env := flowtest.Start(t, nil, func(auth *okauth.Auth) http.Handler {
				r := gin.New()
				r.Use(okgin.Middleware(auth))
				okgin.Mount(tc.mount(r), auth)
				r.GET("/me", okgin.RequireLogin(auth), show(auth, &reached))
				return r
			})
			env.Walk(t, "/me")
			assert.EqualValues(t, 1, reached.Load())
		})
	}
}

// TestFlowCustomPrefix mounts under a prefix other than the default.
func TestFlowCustomPrefix(t *testing.T) {
	env := flowtest.Start(t, func(c *okauth.Config) { c.Prefix = "/sso/ok" }, func(auth *okauth.Auth) http.Handler {
		r := gin.New()
		okgin.Mount(r.Group("/sso"), auth)
		r.GET("/me", okgin.RequireLogin(auth), show(auth, new(atomic.Int64)))
		return r
	})
	env.Walk(t, "/me")
}

// TestMountRegistersEachMethod: Mount registers every route okauth
// serves for exactly the methods it serves, so a wrong method gets Gin's
// own answer: 405 with the route's methods when the engine asks for it.
func TestMountRegistersEachMethod(t *testing.T) {
	auth := flowtest.NewFramingAuth(t) // with AppLink, so every route
	want := []string{}
	for _, route := range auth.Routes() {
		for _, method := range route.Methods {
			want = append(want, method+" "+auth.Prefix()+route.Path)
		}
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	okgin.Mount(r.Group("/auth"), auth)
	got := []string{}
	for _, route := range r.Routes() {
		got = append(got, route.Method+" "+route.Path)
	}
	assert.ElementsMatch(t, want, got)
	assert.Contains(t, got, "HEAD /auth/ok/button.css")
	assert.Contains(t, got, "POST /auth/ok/app")

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/auth/ok/token", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Equal(t, "POST, DELETE", w.Header().Get("Allow"))
}

func TestMountPanicsOffPrefix(t *testing.T) {
	auth := flowtest.NewAuth(t)
	for _, base := range []string{"/other", "/au", "/auth/ok/login"} {
		t.Run(base, func(t *testing.T) {
			r := gin.New()
			assert.PanicsWithValue(t, fmt.Sprintf("okgin: cannot mount okauth's routes (under %q) on a group with base path %q; mount them on the engine or a group whose path leads to %[1]q", "/auth/ok", base),
				func() { okgin.Mount(r.Group(base), auth) })
		})
	}
}

func TestUser(t *testing.T) {
	want := okauth.User{UID: "42", Name: "Test User"}
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	_, ok := okgin.User(c)
	assert.False(t, ok, "no request")

	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	_, ok = okgin.User(c)
	assert.False(t, ok, "nobody signed in")

	c.Request = c.Request.WithContext(okauth.WithUser(c.Request.Context(), want))
	got, ok := okgin.User(c)
	assert.True(t, ok)
	assert.Equal(t, want, got, "user from the request's context")

	keyed := okauth.User{UID: "7"}
	c.Set(okgin.UserKey, keyed)
	got, _ = okgin.User(c)
	assert.Equal(t, keyed, got, "user under UserKey")
}
