package okauth_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/gorilla/sessions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// TestGorillaStore runs the flow with a server-side gorilla store: the
// session lives in a file, sign-in issues a new session ID, and logout
// deletes the file.
func TestGorillaStore(t *testing.T) {
	dir := t.TempDir()
	store := sessions.NewFilesystemStore(dir, testKeys...)
	e := newEnv(t, func(c *okauth.Config) { c.GorillaStore = store })
	c := e.Browser(t)

	e.SignIn(t, c, "/")
	resp := get(t, c, e.App.URL+"/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body(t, resp), "uid=574385021466")
	files, _ := filepath.Glob(filepath.Join(dir, "session_*"))
	require.Len(t, files, 1)
	first := files[0]

	// Signing in again replaces the session: new ID, old file gone.
	e.SignIn(t, c, "/")
	files, _ = filepath.Glob(filepath.Join(dir, "session_*"))
	require.Len(t, files, 1)
	assert.NotEqual(t, first, files[0], "a new session ID on sign-in")
	_, err := os.Stat(first)
	assert.True(t, os.IsNotExist(err))

	// A failed sign-in leaves the session alone.
	e.OK.SetAuthError("access_denied")
	resp = e.Relay(t, c, e.StartLogin(t, c, "/"))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp = get(t, c, e.App.URL+"/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	req, _ := http.NewRequest(http.MethodPost, e.App.URL+"/auth/ok/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err = c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	files, _ = filepath.Glob(filepath.Join(dir, "session_*"))
	assert.Empty(t, files, "logout deletes the stored session")
	resp = get(t, c, e.App.URL+"/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
}

// TestGorillaStoreSaveFails: a store that cannot write (its folder gone)
// fails the sign-in with the failure page in the visitor's language, a
// 500, and no session cookie, rather than a bare English line.
func TestGorillaStoreSaveFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sessions")
	require.NoError(t, os.Mkdir(dir, 0o700))
	store := sessions.NewFilesystemStore(dir, testKeys...)
	e := newEnv(t, func(c *okauth.Config) {
		c.GorillaStore = store
		c.Language = okauth.LangRussian
	})
	require.NoError(t, os.Remove(dir))
	c := e.Browser(t)

	resp := e.Relay(t, c, e.StartLogin(t, c, "/"))
	page := body(t, resp)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, page, "Что-то пошло не так")
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	assert.Empty(t, e.jarSession(c), "no session cookie")
}
