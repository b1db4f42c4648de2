package oktest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestAPIChecksLikeOK: the fake refuses a wrong app key (101), a bad
// signature (104) and an expired token (102), and accepts both signing
// rules.
func TestAPIChecksLikeOK(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	tok := srv.IssueToken(oktest.DefaultUser, okauth.ScopeGetEmail)
	user := okauth.User{AccessToken: okauth.Secret(tok.AccessToken), SessionSecret: okauth.Secret(tok.SessionSecret)}
	call := func(c *okauth.Client, u okauth.User) (map[string]string, error) {
		var out map[string]string
		err := c.Call(context.Background(), u, "users.getCurrentUser", url.Values{"fields": {"uid,name,email"}}, &out)
		return out, err
	}
	client := &okauth.Client{AppKey: srv.AppKey, APIURL: srv.Endpoint().APIURL}

	out, err := call(client, user)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"uid": "574385021466", "name": "Иван Петров", "email": "ivan.petrov@example.ru"}, out)

	withSecret := &okauth.Client{AppKey: srv.AppKey, AppSecret: srv.AppSecret, APIURL: srv.Endpoint().APIURL}
	_, err = call(withSecret, okauth.User{AccessToken: user.AccessToken})
	require.NoError(t, err, "the server rule md5(token+app secret) signs too")

	codeOf := func(err error) int {
		var ae *okauth.APIError
		require.True(t, errors.As(err, &ae), "%v", err)
		return ae.Code
	}
	_, err = call(&okauth.Client{AppKey: "OTHERAPP", APIURL: srv.Endpoint().APIURL}, user)
	assert.Equal(t, 101, codeOf(err))
	bad := user
	bad.SessionSecret = "wrong"
	_, err = call(client, bad)
	assert.Equal(t, 104, codeOf(err))
	srv.ExpireTokens()
	_, err = call(client, user)
	assert.Equal(t, 102, codeOf(err))
}

// TestDialog: tokens and errors come back after '#', with the state.
func TestDialog(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	dialog := func(clientID string) url.Values {
		q := url.Values{"client_id": {clientID}, "scope": {"GET_EMAIL"}, "response_type": {"token"},
			"redirect_uri": {"https://app.example/auth/ok/callback"}, "layout": {"w"}, "state": {"S1"}}
		resp, err := c.Get(srv.Endpoint().AuthURL + "?" + q.Encode())
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusFound, resp.StatusCode)
		loc := resp.Header.Get("Location")
		require.True(t, strings.HasPrefix(loc, "https://app.example/auth/ok/callback#"), loc)
		frag, err := url.ParseQuery(strings.SplitN(loc, "#", 2)[1])
		require.NoError(t, err)
		return frag
	}
	frag := dialog(srv.AppID)
	assert.Equal(t, "S1", frag.Get("state"))
	assert.NotEmpty(t, frag.Get("access_token"))
	assert.NotEmpty(t, frag.Get("session_secret_key"))
	assert.Equal(t, "GET_EMAIL", frag.Get("permissions_granted"))
	assert.Equal(t, "1800", frag.Get("expires_in"))

	assert.Equal(t, "invalid_client", dialog("999").Get("error"))
	srv.SetAuthError("access_denied")
	frag = dialog(srv.AppID)
	assert.Equal(t, "access_denied", frag.Get("error"))
	assert.Equal(t, "S1", frag.Get("state"))
	assert.Empty(t, frag.Get("access_token"))
}

// TestSignIn: a test gets a signed-in session for any user without a
// browser, and the app sees that user.
func TestSignIn(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	keys, err := okauth.DeriveKeys("oktest sign-in secret of 32+ bytes!!")
	require.NoError(t, err)
	auth, err := okauth.New(okauth.Config{AppID: srv.AppID, AppKey: srv.AppKey, Endpoint: srv.Endpoint(),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/me", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		_, _ = w.Write([]byte(u.UID + " " + u.Email))
	})))

	cookies, err := srv.SignIn(mux, "/auth/ok/login", oktest.User{UID: "42", Name: "Test User", Email: "t@example.ru"}, okauth.ScopeGetEmail)
	require.NoError(t, err)
	rec := getWith(mux, "/me", cookies)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "42 t@example.ru", rec.Body.String())

	srv.SetAuthError("access_denied") // the dialog's answer does not matter here…
	srv.SetAPIError(okauth.CodeSessionExpired)
	_, err = srv.SignIn(mux, "/auth/ok/login", oktest.DefaultUser)
	assert.ErrorContains(t, err, "answered 401", "…but OK refusing the token does")
	_, err = srv.SignIn(mux, "/nowhere", oktest.DefaultUser)
	assert.ErrorContains(t, err, "not a redirect to the dialog")
}

// TestSignInGrantsConfigScopes: SignIn grants the scopes the app's login
// route asks for, as OK's dialog does, so the user has the email a
// browser's sign-in brings, in both flows, plus what the test adds.
func TestSignInGrantsConfigScopes(t *testing.T) {
	for _, flow := range []okauth.Flow{okauth.FlowToken, okauth.FlowCode} {
		t.Run(string(flow), func(t *testing.T) {
			srv := oktest.NewServer()
			defer srv.Close()
			keys, err := okauth.DeriveKeys("oktest sign-in secret of 32+ bytes!!")
			require.NoError(t, err)
			cfg := okauth.Config{AppID: srv.AppID, AppKey: srv.AppKey, Endpoint: srv.Endpoint(),
				RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys,
				Scopes: []string{okauth.ScopeValuableAccess, okauth.ScopeGetEmail}, Flow: flow}
			if flow == okauth.FlowCode {
				cfg.AppSecret = srv.AppSecret
			}
			auth, err := okauth.New(cfg)
			require.NoError(t, err)
			mux := http.NewServeMux()
			mux.Handle("/auth/ok/", auth)
			mux.Handle("/me", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				u, _ := okauth.UserFrom(r.Context())
				_, _ = w.Write([]byte(u.UID + " " + u.Email))
			})))

			cookies, err := srv.SignIn(mux, "/auth/ok/login", oktest.DefaultUser)
			require.NoError(t, err)
			assert.Equal(t, oktest.DefaultUser.UID+" "+oktest.DefaultUser.Email, getWith(mux, "/me", cookies).Body.String(),
				"GET_EMAIL from Config.Scopes")

			req, err := srv.CallbackRequest(mux, "/auth/ok/login", oktest.DefaultUser, okauth.ScopePhotoContent, okauth.ScopeGetEmail)
			require.NoError(t, err)
			if flow == okauth.FlowToken {
				require.NoError(t, req.ParseForm())
				assert.Equal(t, "VALUABLE_ACCESS;GET_EMAIL;PHOTO_CONTENT", req.PostForm.Get("permissions_granted"),
					"the login route's scopes, then the test's, each once")
			}
		})
	}
}

// getWith is what app answers a GET of path with cookies.
func getWith(app http.Handler, path string, cookies []*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	return rec
}
