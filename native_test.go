package okauth_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nativeEnv is an app with AppSecret set, as the token route needs.
func nativeEnv(t *testing.T, edit func(*okauth.Config)) *testEnv {
	return newEnv(t, func(c *okauth.Config) {
		c.AppSecret = fakeSecret
		if edit != nil {
			edit(c)
		}
	})
}

// nativeAnswer is the token route's JSON, success or error.
type nativeAnswer struct {
	User struct {
		UID, Name, Email string
	} `json:"user"`
	Session   string `json:"session"`
	TokenType string `json:"token_type"`
	ExpiresIn int    `json:"expires_in"`
	Error     string `json:"error"`
	Message   string `json:"message"`
}

// postToken posts body to the token route with contentType (and origin,
// if not empty) and returns the answer, its decoded JSON and its raw body.
func postToken(t *testing.T, e *testEnv, contentType, origin, body string) (*http.Response, nativeAnswer, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.App.URL+"/auth/ok/token", strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
	}
	resp, err := e.App.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var ans nativeAnswer
	require.NoError(t, json.Unmarshal(raw, &ans), "every answer is JSON: %s", raw)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Empty(t, resp.Header.Values("Set-Cookie"), "the token route sets no cookie")
	return resp, ans, string(raw)
}

// bearerGet loads path on the app with the bearer session value.
func bearerGet(t *testing.T, e *testEnv, path, value string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.App.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+value)
	resp, err := e.App.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func jsonBody(kv ...string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestNativeSignIn walks the whole way in over real HTTPS: a token OK's
// SDK got (oktest issued it) or a code for an SDK redirect URI → the
// token route verifies it with OK → a bearer session that Middleware
// honours, so UserFrom has the uid.
func TestNativeSignIn(t *testing.T) {
	e := nativeEnv(t, nil)
	tok := e.OK.IssueToken(oktest.DefaultUser)
	code := e.OK.IssueCode(oktest.DefaultUser, "okauth://ok"+e.OK.AppID)
	iosCode := e.OK.IssueCode(oktest.DefaultUser, "ok"+e.OK.AppID+"://authorize")
	for name, body := range map[string]string{
		"token":             jsonBody("access_token", tok.AccessToken, "session_secret_key", tok.SessionSecret),
		"token, no secret":  jsonBody("access_token", tok.AccessToken),
		"code, android":     jsonBody("code", code, "redirect_uri", "okauth://ok"+e.OK.AppID),
		"code, ios":         jsonBody("code", iosCode, "redirect_uri", "ok"+e.OK.AppID+"://authorize"),
		"charset parameter": jsonBody("access_token", tok.AccessToken),
	} {
		t.Run(name, func(t *testing.T) {
			ct := "application/json"
			if name == "charset parameter" {
				ct = "application/json; charset=utf-8"
			}
			resp, ans, raw := postToken(t, e, ct, "", body)
			require.Equal(t, http.StatusOK, resp.StatusCode, raw)
			assert.Equal(t, oktest.DefaultUser.UID, ans.User.UID)
			assert.Equal(t, "Bearer", ans.TokenType)
			assert.Positive(t, ans.ExpiresIn)
			assert.NotContains(t, raw, tok.AccessToken)
			assert.NotContains(t, raw, tok.SessionSecret)
			assert.NotContains(t, raw, "access_token")
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))

			status, page := bearerGet(t, e, "/home", ans.Session)
			require.Equal(t, http.StatusOK, status, page)
			assert.Contains(t, page, "uid="+oktest.DefaultUser.UID)
			// The session carries the token: calls to OK work as the user.
			status, page = bearerGet(t, e, "/friends", ans.Session)
			assert.Equal(t, http.StatusOK, status, page)
		})
	}
	assert.NotContains(t, e.Logs.String(), tok.AccessToken)
	assert.NotContains(t, e.Logs.String(), tok.SessionSecret)
	assert.NotContains(t, e.Logs.String(), fakeSecret)
}

// TestNativeBearerIsNotACookie: the bearer value is sealed for bearer use
// only. Planted as the session cookie (say, by a sibling subdomain) it
// signs no one in, even once the bearer value has been used and cached;
// a cookie's value is no bearer session either; and a tampered bearer
// value is anonymous, answered 401 as JSON.
func TestNativeBearerIsNotACookie(t *testing.T) {
	e := nativeEnv(t, nil)
	tok := e.OK.IssueToken(oktest.DefaultUser)
	_, ans, raw := postToken(t, e, "application/json", "", jsonBody("access_token", tok.AccessToken))
	require.NotEmpty(t, ans.Session, raw)
	status, _ := bearerGet(t, e, "/home", ans.Session) // warms the cache
	require.Equal(t, http.StatusOK, status)

	req, _ := http.NewRequest(http.MethodGet, e.App.URL+"/public", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-okauth", Value: ans.Session})
	req.AddCookie(&http.Cookie{Name: "okauth", Value: ans.Session})
	resp, err := e.App.Client().Do(req)
	require.NoError(t, err)
	assert.Equal(t, "public, anonymous", body(t, resp))

	browser := e.Browser(t)
	e.SignIn(t, browser, "/")
	status, page := bearerGet(t, e, "/home", e.jarSession(browser))
	assert.Equal(t, http.StatusUnauthorized, status, page)

	status, page = bearerGet(t, e, "/home", ans.Session[:len(ans.Session)-4]+"AAAA")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, page, `"error"`)
}

// TestNativeRefusals has a row for every check of the token route: each
// answers JSON with the status StatusOf gives, sets no cookie, repeats
// nothing the client sent, and logs no secret.
func TestNativeRefusals(t *testing.T) {
	const echo = "ECHO-ME-NOT"
	for _, tc := range []struct {
		name        string
		edit        func(*okauth.Config)
		setup       func(e *testEnv) // before the request
		contentType string
		origin      string
		body        func(tok oktest.Token, e *testEnv) string
		status      int
		code        string
	}{
		{name: "form-encoded", contentType: "application/x-www-form-urlencoded",
			body: func(tok oktest.Token, _ *testEnv) string { return "access_token=" + tok.AccessToken }, status: 400, code: "invalid_request"},
		{name: "form-encoded JSON", contentType: "application/x-www-form-urlencoded",
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 400, code: "invalid_request"},
		{name: "form from another site", contentType: "application/x-www-form-urlencoded", origin: "https://evil.example",
			body: func(tok oktest.Token, _ *testEnv) string { return "access_token=" + tok.AccessToken }, status: 403, code: "cross_origin"},
		{name: "text/plain JSON", contentType: "text/plain",
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 400, code: "invalid_request"},
		{name: "text/plain JSON from another site", contentType: "text/plain", origin: "https://evil.example",
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 403, code: "cross_origin"},
		{name: "JSON from another site", contentType: "application/json", origin: "https://evil.example",
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 403, code: "cross_origin"},
		{name: "multipart", contentType: "multipart/form-data; boundary=x",
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 400, code: "invalid_request"},
		{name: "no content type",
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 400, code: "invalid_request"},
		{name: "oversize", contentType: "application/json",
			body: func(tok oktest.Token, _ *testEnv) string {
				return jsonBody("access_token", tok.AccessToken, "redirect_uri", strings.Repeat("x", 9<<10))
			}, status: 413, code: "too_large"},
		{name: "bad JSON", contentType: "application/json",
			body: func(oktest.Token, *testEnv) string { return `{"access_token": "` + echo }, status: 400, code: "invalid_request"},
		{name: "two objects", contentType: "application/json",
			body: func(tok oktest.Token, _ *testEnv) string {
				return jsonBody("access_token", tok.AccessToken) + jsonBody("access_token", tok.AccessToken)
			}, status: 400, code: "invalid_request"},
		{name: "unknown field", contentType: "application/json",
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken, echo, "1") }, status: 400, code: "invalid_request"},
		{name: "neither token nor code", contentType: "application/json",
			body: func(oktest.Token, *testEnv) string { return `{}` }, status: 400, code: "invalid_request"},
		{name: "both token and code", contentType: "application/json",
			body: func(tok oktest.Token, e *testEnv) string {
				return jsonBody("access_token", tok.AccessToken, "code", e.OK.IssueCode(oktest.DefaultUser, "okauth://ok"+e.OK.AppID),
					"redirect_uri", "okauth://ok"+e.OK.AppID)
			}, status: 400, code: "invalid_request"},
		{name: "control character", contentType: "application/json",
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken+"\n") }, status: 400, code: "invalid_request"},
		{name: "code for a web redirect URI", contentType: "application/json",
			body: func(_ oktest.Token, e *testEnv) string {
				return jsonBody("code", e.OK.IssueCode(oktest.DefaultUser, "https://evil.example/cb"), "redirect_uri", "https://evil.example/cb")
			}, status: 400, code: "invalid_request"},
		{name: "code OK did not issue for that URI", contentType: "application/json",
			body: func(_ oktest.Token, e *testEnv) string {
				return jsonBody("code", e.OK.IssueCode(oktest.DefaultUser, "okauth://ok"+e.OK.AppID), "redirect_uri", "ok"+e.OK.AppID+"://authorize")
			}, status: 400, code: "code_refused"},
		{name: "token OK does not know", contentType: "application/json",
			body: func(oktest.Token, *testEnv) string { return jsonBody("access_token", "-s-"+echo) }, status: 401, code: "token_expired"},
		{name: "token expired (102)", contentType: "application/json", setup: func(e *testEnv) { e.OK.SetAPIError(102) },
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 401, code: "token_expired"},
		{name: "bad signature (104)", contentType: "application/json", setup: func(e *testEnv) { e.OK.SetAPIError(104) },
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 502, code: "token_refused"},
		{name: "token for another app (101)", contentType: "application/json", setup: func(e *testEnv) { e.OK.SetAPIError(101) },
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 502, code: "token_refused"},
		{name: "OK unreachable", contentType: "application/json", setup: func(e *testEnv) { e.OK.Close() },
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 502, code: "ok_unavailable"},
		{name: "OnSignIn refuses", contentType: "application/json",
			edit: func(c *okauth.Config) {
				c.OnSignIn = func(*http.Request, *okauth.User) error { return errors.New("banned by the app") }
			},
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 403, code: "sign_in_refused"},
		{name: "no AppSecret", contentType: "application/json",
			edit: func(c *okauth.Config) { c.AppSecret = "" },
			body: func(tok oktest.Token, _ *testEnv) string { return jsonBody("access_token", tok.AccessToken) }, status: 501, code: "not_configured"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := nativeEnv(t, tc.edit)
			tok := e.OK.IssueToken(oktest.DefaultUser)
			b := tc.body(tok, e)
			if tc.setup != nil {
				tc.setup(e)
			}
			resp, ans, raw := postToken(t, e, tc.contentType, tc.origin, b)
			assert.Equal(t, tc.status, resp.StatusCode, raw)
			assert.Equal(t, tc.code, ans.Error, raw)
			assert.NotEmpty(t, ans.Message)
			assert.Empty(t, ans.Session)
			assert.NotContains(t, raw, echo)
			assert.NotContains(t, raw, tok.AccessToken)
			logs := e.Logs.String()
			for _, secret := range []string{tok.AccessToken, tok.SessionSecret, fakeSecret, echo} {
				assert.NotContains(t, logs, secret)
			}
		})
	}
}

// TestNativeMethod: the token route takes POST (sign in) and DELETE
// (sign out) only, and says so in JSON.
func TestNativeMethod(t *testing.T) {
	e := nativeEnv(t, nil)
	resp := get(t, e.App.Client(), e.App.URL+"/auth/ok/token")
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "POST, DELETE", resp.Header.Get("Allow"))
	assert.JSONEq(t, `{"error":"method_not_allowed","message":"This address does not take this request method."}`, body(t, resp))

	// The message is in the request's language, as every JSON error's.
	req, err := http.NewRequest(http.MethodPut, e.App.URL+"/auth/ok/token", nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9")
	resp, err = e.App.Client().Do(req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.JSONEq(t, `{"error":"method_not_allowed","message":"Этот адрес не принимает запросы с таким методом."}`, body(t, resp))
}
