package oktest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// tokenPost posts form to the fake's token endpoint and returns the status
// and the JSON answer.
func tokenPost(t *testing.T, srv *oktest.Server, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(srv.Endpoint().TokenURL, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// TestTokenEndpointLikeOK: a code works once, within two minutes, only
// with the app's secret and the dialog's redirect_uri; a refresh token
// gets new access tokens that sign calls by the server rule; errors are
// {"error", "error_description"}.
func TestTokenEndpointLikeOK(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	const redirect = "https://app.example/auth/ok/callback"
	exchange := func(code string, edit func(url.Values)) (int, map[string]any) {
		f := url.Values{"code": {code}, "client_id": {srv.AppID}, "client_secret": {srv.AppSecret},
			"redirect_uri": {redirect}, "grant_type": {"authorization_code"}}
		if edit != nil {
			edit(f)
		}
		return tokenPost(t, srv, f)
	}
	refused := func(t *testing.T, status int, out map[string]any, wantStatus int, code string) {
		t.Helper()
		assert.Equal(t, wantStatus, status)
		assert.Equal(t, code, out["error"])
		assert.NotEmpty(t, out["error_description"])
		assert.NotContains(t, out, "access_token")
	}

	for name, edit := range map[string]func(url.Values){
		"wrong secret":       func(f url.Values) { f.Set("client_secret", "x") },
		"no secret":          func(f url.Values) { f.Del("client_secret") },
		"wrong client":       func(f url.Values) { f.Set("client_id", "1") },
		"other redirect_uri": func(f url.Values) { f.Set("redirect_uri", "https://evil.example/auth/ok/callback") },
		"unknown grant":      func(f url.Values) { f.Set("grant_type", "password") },
	} {
		t.Run(name, func(t *testing.T) {
			status, out := exchange(srv.IssueCode(oktest.DefaultUser, redirect), edit)
			assert.NotEqual(t, http.StatusOK, status)
			assert.NotEmpty(t, out["error"])
			assert.NotContains(t, out, "access_token")
		})
	}
	t.Run("expired code", func(t *testing.T) {
		code := srv.IssueCode(oktest.DefaultUser, redirect)
		srv.ExpireCodes()
		status, out := exchange(code, nil)
		refused(t, status, out, http.StatusBadRequest, "invalid_grant")
	})
	t.Run("code once, then refresh", func(t *testing.T) {
		code := srv.IssueCode(oktest.DefaultUser, redirect, okauth.ScopeGetEmail)
		status, out := exchange(code, nil)
		require.Equal(t, http.StatusOK, status, out)
		assert.Equal(t, "session", out["token_type"])
		assert.EqualValues(t, 1800, out["expires_in"])
		refresh, _ := out["refresh_token"].(string)
		require.NotEmpty(t, refresh)

		status, out = exchange(code, nil)
		refused(t, status, out, http.StatusBadRequest, "invalid_grant")

		status, out = tokenPost(t, srv, url.Values{"refresh_token": {refresh}, "client_id": {srv.AppID},
			"client_secret": {srv.AppSecret}, "grant_type": {"refresh_token"}})
		require.Equal(t, http.StatusOK, status, out)
		assert.NotContains(t, out, "refresh_token", "a refresh gives no new refresh token")
		access, _ := out["access_token"].(string)
		require.NotEmpty(t, access)

		// The new token is the same user's, signed by the server rule only.
		c := &okauth.Client{AppKey: srv.AppKey, AppSecret: srv.AppSecret, APIURL: srv.Endpoint().APIURL}
		var who map[string]string
		require.NoError(t, c.Call(context.Background(), okauth.User{AccessToken: okauth.Secret(access)}, "users.getCurrentUser", nil, &who))
		assert.Equal(t, oktest.DefaultUser.UID, who["uid"])
		noSecret := &okauth.Client{AppKey: srv.AppKey, APIURL: srv.Endpoint().APIURL}
		err := noSecret.Call(context.Background(), okauth.User{AccessToken: okauth.Secret(access)}, "users.getCurrentUser", nil, nil)
		assert.ErrorContains(t, err, "104", "an empty session secret does not sign")

		srv.ExpireRefreshTokens()
		status, out = tokenPost(t, srv, url.Values{"refresh_token": {refresh}, "client_id": {srv.AppID},
			"client_secret": {srv.AppSecret}, "grant_type": {"refresh_token"}})
		refused(t, status, out, http.StatusBadRequest, "invalid_grant")
	})
}

// TestCodeDialog: response_type=code redirects with the code and state in
// the query; errors still go after "#".
func TestCodeDialog(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	dialog := func() *url.URL {
		q := url.Values{"client_id": {srv.AppID}, "response_type": {"code"}, "state": {"S"},
			"redirect_uri": {"https://app.example/auth/ok/callback"}, "scope": {"GET_EMAIL"}}
		resp, err := noFollow.Get(srv.Endpoint().AuthURL + "?" + q.Encode())
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusFound, resp.StatusCode)
		u, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		return u
	}
	back := dialog()
	assert.Equal(t, "S", back.Query().Get("state"))
	assert.NotEmpty(t, back.Query().Get("code"))
	assert.Empty(t, back.Fragment)

	srv.SetAuthError("access_denied")
	back = dialog()
	assert.Empty(t, back.RawQuery)
	assert.True(t, strings.Contains(back.Fragment, "error=access_denied"), back.Fragment)
}
