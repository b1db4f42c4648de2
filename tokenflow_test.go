package okauth_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestCallbackFailures: every bad callback gets its status and message, no
// session cookie, and the session the browser already had stays as it was.
func TestCallbackFailures(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(e *testEnv)
		form    func(frag url.Values) string
		status  int
		message string
	}{
		{name: "user refused", setup: func(e *testEnv) { e.OK.SetAuthError("access_denied") },
			status: http.StatusForbidden, message: "You did not allow this site"},
		{name: "state missing", form: func(f url.Values) string { f.Del("state"); return f.Encode() },
			status: http.StatusBadRequest, message: "was not started in this browser"},
		{name: "state wrong", form: func(f url.Values) string { f.Set("state", "AAAA"+f.Get("state")[4:]); return f.Encode() },
			status: http.StatusBadRequest, message: "was not started in this browser"},
		{name: "token missing", form: func(f url.Values) string { f.Del("access_token"); return f.Encode() },
			status: http.StatusBadRequest, message: "answer was incomplete"},
		{name: "token expired at OK", setup: func(e *testEnv) { e.OK.SetAPIError(okauth.CodeSessionExpired) },
			status: http.StatusUnauthorized, message: "did not accept the sign-in token"},
		{name: "OK down", setup: func(e *testEnv) { e.OK.SetFault(oktest.FaultHTTP503) },
			status: http.StatusBadGateway, message: "OK.ru could not be reached"},
		{name: "OK answers HTML", setup: func(e *testEnv) { e.OK.SetFault(oktest.FaultHTML) },
			status: http.StatusBadGateway, message: "OK.ru could not be reached"},
		{name: "repeated field", form: func(f url.Values) string { return f.Encode() + "&state=" + f.Get("state") },
			status: http.StatusBadRequest, message: "could not be read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.Browser(t)
			e.SignIn(t, c, "/")
			before := e.jarSession(c)
			require.NotEmpty(t, before)

			if tc.setup != nil {
				tc.setup(e)
			}
			frag := e.StartLogin(t, c, "/")
			form := frag.Encode()
			if tc.form != nil {
				form = tc.form(frag)
			}
			resp := e.PostForm(t, c, "/auth/ok/callback", form)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Contains(t, body(t, resp), tc.message)
			assert.Nil(t, sessionCookie(resp), "no session cookie on failure")
			assert.Equal(t, before, e.jarSession(c), "the old session is untouched")
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			if tok := frag.Get("access_token"); tok != "" {
				assert.NotContains(t, e.Logs.String(), tok)
			}
		})
	}
}
