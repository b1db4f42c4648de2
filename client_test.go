package okauth_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestCallApp: a call without a user is signed with the app secret alone,
// carries no token, and the fake OK answers it as OK does: users.getInfo
// works, a session method is refused with 453, a wrong secret with 104.
func TestCallApp(t *testing.T) {
	fake := oktest.NewUnstartedServer()
	var mu sync.Mutex
	var sent []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		mu.Lock()
		sent = append(sent, r.Form)
		mu.Unlock()
		fake.Handler().ServeHTTP(w, r)
	}))
	defer srv.Close()
	fake.URL = srv.URL
	c := &okauth.Client{AppKey: fake.AppKey, AppSecret: fake.AppSecret, APIURL: fake.Endpoint().APIURL}

	var users []struct{ UID, Name string }
	err := c.CallApp(t.Context(), "users.getInfo", url.Values{"uids": {oktest.DefaultUser.UID + ",999"}, "fields": {"uid,name"},
		"access_token": {"smuggled"}}, &users)
	require.NoError(t, err)
	require.Len(t, users, 1)
	assert.Equal(t, oktest.DefaultUser.Name, users[0].Name)

	require.Len(t, sent, 1)
	form := sent[0]
	assert.NotContains(t, form, "access_token", "no user, no token")
	assert.NotContains(t, form, "session_key")
	assert.Equal(t, fake.AppKey, form.Get("application_key"))
	assert.Equal(t, "json", form.Get("format"))
	sig := form.Get("sig")
	form.Del("sig")
	assert.Equal(t, okauth.Sign(form, fake.AppSecret), sig, "signed with the app secret alone")

	var apiErr *okauth.APIError
	err = c.CallApp(t.Context(), "users.getCurrentUser", nil, nil)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 453, apiErr.Code, "a session method without a session")

	wrong := *c
	wrong.AppSecret = "NOTTHESECRET"
	err = wrong.CallApp(t.Context(), "users.getInfo", url.Values{"uids": {"1"}, "fields": {"uid"}}, nil)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, okauth.CodeSignature, apiErr.Code)

	none := *c
	none.AppSecret = ""
	calls := len(sent)
	err = none.CallApp(t.Context(), "users.getInfo", nil, nil)
	require.ErrorIs(t, err, okauth.ErrConfig)
	assert.Contains(t, err.Error(), "AppSecret")
	assert.Len(t, sent, calls, "nothing sent without the secret")
}
