package okauth_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/oktest"
)

// TestAuthCallApp: Auth.CallApp uses the config's AppSecret and logs a
// failure without the secret.
func TestAuthCallApp(t *testing.T) {
	fake := oktest.NewServer()
	defer fake.Close()
	logs := &flowtest.LogBuffer{}
	cfg := okauth.Config{AppID: fake.AppID, AppKey: fake.AppKey, AppSecret: fake.AppSecret, Endpoint: fake.Endpoint(),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: testKeys, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	auth, err := okauth.New(cfg)
	require.NoError(t, err)
	var users []map[string]string
	require.NoError(t, auth.CallApp(t.Context(), "users.getInfo", url.Values{"uids": {oktest.DefaultUser.UID}, "fields": {"uid,first_name"}}, &users))
	assert.Equal(t, []map[string]string{{"uid": oktest.DefaultUser.UID, "first_name": oktest.DefaultUser.FirstName}}, users)

	require.Error(t, auth.CallApp(t.Context(), "friends.get", nil, nil))
	assert.Contains(t, logs.String(), "ok_error_code=453")
	assert.NotContains(t, logs.String(), fake.AppSecret)

	cfg.AppSecret = ""
	auth, err = okauth.New(cfg)
	require.NoError(t, err)
	err = auth.CallApp(t.Context(), "users.getInfo", nil, nil)
	require.ErrorIs(t, err, okauth.ErrConfig)
	assert.Contains(t, err.Error(), "AppSecret")
}

// TestHasPermission: the verified check asks OK (one call), and OK's
// answer counts, not what the browser claimed in permissions_granted.
func TestHasPermission(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)
	f := e.StartLogin(t, c, "/")
	f.Set("permissions_granted", "GET_EMAIL;VALUABLE_ACCESS") // the browser claims more
	resp := e.Relay(t, c, f)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	calls := e.OK.APICalls()
	_, page := status(t, e, c, "/perm?p="+okauth.ScopeValuableAccess)
	assert.Equal(t, "claimed=true verified=false", page, "claimed by the browser, refused by OK")
	assert.Equal(t, calls+1, e.OK.APICalls(), "one call")
	_, page = status(t, e, c, "/perm?p="+okauth.ScopeGetEmail)
	assert.Equal(t, "claimed=true verified=true", page)
}
