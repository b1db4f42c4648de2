package okauth_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// callAsApp makes users.getCurrentUser with tok as app (key and secret)
// would, straight at the fake OK, and returns the uid or OK's error code.
func callAsApp(t *testing.T, ok *oktest.Server, key, secret string, tok oktest.Token) (uid string, code int) {
	t.Helper()
	q := url.Values{"application_key": {key}, "method": {"users.getCurrentUser"}, "format": {"json"}}
	q.Set("sig", okauth.Sign(q, okauth.ServerSecret(tok.AccessToken, secret)))
	q.Set("access_token", tok.AccessToken)
	resp, err := http.PostForm(ok.URL+"/fb.do", q)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var ans struct {
		UID  string `json:"uid"`
		Code int    `json:"error_code"`
	}
	require.NoError(t, json.Unmarshal(b, &ans), string(b))
	return ans.UID, ans.Code
}

// TestTokenOfAnotherApp: OK binds a token to the app it was issued to. A
// token OK gave another app (one an attacker runs, say) is valid at OK,
// yet presented to this app it signs nobody in: not at the token route,
// with or without its session secret, nor relayed to the token flow's
// callback in place of the dialog's token.
func TestTokenOfAnotherApp(t *testing.T) {
	e := nativeEnv(t, nil)
	other := e.OK.NewApp()
	tok := e.OK.IssueTokenFor(other, oktest.DefaultUser)

	uid, code := callAsApp(t, e.OK, other.Key, other.Secret, tok)
	require.Equal(t, oktest.DefaultUser.UID, uid, "the token works for the app it was issued to (error %d)", code)
	_, code = callAsApp(t, e.OK, e.OK.AppKey, e.OK.AppSecret, tok)
	require.Equal(t, okauth.CodeSessionKey, code, "and not for this app")

	t.Run("token route", func(t *testing.T) {
		for _, body := range []string{
			jsonBody("access_token", tok.AccessToken),
			jsonBody("access_token", tok.AccessToken, "session_secret_key", tok.SessionSecret),
		} {
			resp, ans, raw := postToken(t, e, "application/json", "", body)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, raw)
			assert.Equal(t, "token_expired", ans.Error)
			assert.Empty(t, ans.Session, "no bearer session")
		}
	})
	t.Run("token flow callback", func(t *testing.T) {
		c := e.Browser(t)
		frag := e.StartLogin(t, c, "")
		require.NotEmpty(t, frag.Get("access_token"))
		frag.Set("access_token", tok.AccessToken)
		frag.Set("session_secret_key", tok.SessionSecret)
		resp := e.Relay(t, c, frag)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Contains(t, body(t, resp), msgTokenRefused)
		assert.Nil(t, sessionCookie(resp), "no session written")
	})
}
