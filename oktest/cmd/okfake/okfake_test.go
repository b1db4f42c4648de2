package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// okfake is the command running in a process of its own, and what it
// printed before "listening".
type okfake struct {
	url  string
	vars map[string]string
}

// startOkfake builds the command into a temporary directory, runs it on
// a free loopback port and waits, at most a minute, for its "listening"
// line. The process is killed when the test ends.
func startOkfake(t *testing.T) okfake {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the okfake command (several seconds)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	bin := filepath.Join(t.TempDir(), "okfake")
	build := exec.CommandContext(ctx, goTool(t), "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	ready := make(chan okfake, 1)
	go func() {
		f := okfake{vars: map[string]string{}}
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if u, ok := strings.CutPrefix(line, "okfake: listening on "); ok {
				f.url = u
				ready <- f
				break
			}
			if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
				f.vars[k] = v
			}
		}
		close(ready)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case f, ok := <-ready:
		require.True(t, ok, "okfake exited before listening")
		return f
	case <-time.After(time.Minute):
		t.Fatal("okfake printed no listening line within a minute")
	}
	return okfake{}
}

// goTool is the go command that runs this test.
func goTool(t *testing.T) string {
	if p, err := exec.LookPath(filepath.Join(os.Getenv("GOROOT"), "bin", "go")); err == nil && os.Getenv("GOROOT") != "" {
		return p
	}
	p, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to build okfake")
	return p
}

// post sends form to the fake's route and returns the answer's body.
func (f okfake) post(t *testing.T, route string, form url.Values) string {
	t.Helper()
	return f.postRaw(t, route, form.Encode())
}

// postRaw sends body to the fake's route as a form, as curl -d does, and
// returns the answer's body.
func (f okfake) postRaw(t *testing.T, route, form string) string {
	t.Helper()
	resp, err := http.Post(f.url+route, "application/x-www-form-urlencoded", strings.NewReader(form))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", route, body)
	return string(body)
}

// app is an app whose okauth.Auth talks to the fake in the other process.
func (f okfake) app(t *testing.T) http.Handler {
	t.Helper()
	keys, err := okauth.DeriveKeys("okfake test keys, thirty-two bytes or more")
	require.NoError(t, err)
	auth, err := okauth.New(okauth.Config{
		AppID: f.vars["OK_APP_ID"], AppKey: f.vars["OK_APP_KEY"], AppSecret: f.vars["OK_APP_SECRET"],
		Endpoint:    oktest.EndpointAt(f.url),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys,
		AppLink: &okauth.AppLink{LandingPath: "/game"},
		Logger:  slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	me := auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		_, _ = w.Write([]byte(u.UID + " " + u.Name + " " + u.Email))
	}))
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/me", me)
	mux.Handle("/game", auth.Frameable(me))
	return auth.Middleware(mux)
}

// TestOkfakeSignsInAPhone: a second process serves the fake; a token
// minted there, as OK's SDK holds it, signs a phone in through the app's
// token route, and so does a code; the app's calls reach the fake.
func TestOkfakeSignsInAPhone(t *testing.T) {
	f := startOkfake(t)
	assert.Equal(t, oktest.EndpointAt(f.url).AuthURL, f.vars["OK_AUTH_URL"])
	assert.Equal(t, oktest.EndpointAt(f.url).APIURL, f.vars["OK_API_URL"])
	assert.Equal(t, oktest.EndpointAt(f.url).TokenURL, f.vars["OK_TOKEN_URL"])
	app := f.app(t)

	var sdk map[string]string
	require.NoError(t, json.Unmarshal([]byte(f.postRaw(t, tokenRoute,
		"uid=42&name=Анна&email=anna@example.ru&scope=VALUABLE_ACCESS;GET_EMAIL")), &sdk), "a form as curl -d sends it")
	assert.Equal(t, "42", sdk["logged_user_id"])
	assert.Equal(t, "VALUABLE_ACCESS;GET_EMAIL", sdk["permissions_granted"])
	assert.Equal(t, "1800", sdk["expires_in"])
	assert.Equal(t, "42 Анна anna@example.ru", signInPhone(t, app, map[string]string{
		"access_token": sdk["access_token"], "session_secret_key": sdk["session_secret_key"]}))

	redirect := "okauth://ok" + f.vars["OK_APP_ID"]
	var code map[string]string
	require.NoError(t, json.Unmarshal([]byte(f.post(t, codeRoute, url.Values{"uid": {"7"}, "redirect_uri": {redirect}})), &code))
	assert.Equal(t, "7 User 7 ", signInPhone(t, app, map[string]string{"code": code["code"], "redirect_uri": redirect}))

	bad := map[string]string{"access_token": sdk["access_token"] + "x", "session_secret_key": sdk["session_secret_key"]}
	rec := nativeSignIn(app, bad)
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "a token the fake never issued: %s", rec.Body)
}

// TestOkfakeLaunchesTheAppLink: a launch URL minted by the other process
// opens the app inside ok.ru's iframe, signed in.
func TestOkfakeLaunchesTheAppLink(t *testing.T) {
	f := startOkfake(t)
	app := f.app(t)
	launch := strings.TrimSpace(f.post(t, launchRoute, url.Values{"app": {"https://app.example/auth/ok/app"}}))
	req := httptest.NewRequest(http.MethodGet, launch, nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	req.Header.Set("Sec-Fetch-Dest", "iframe")
	req.Header.Set("Referer", "https://ok.ru/")
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	game := httptest.NewRequest(http.MethodGet, "https://app.example/game", nil)
	game.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range rec.Result().Cookies() {
		game.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	app.ServeHTTP(rec, game)
	assert.Equal(t, oktest.DefaultUser.UID+" "+oktest.DefaultUser.Name+" ", rec.Body.String())

	resp, err := http.PostForm(f.url+launchRoute, url.Values{"app": {"/auth/ok/app"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "an App link that is not an absolute URL")
	resp, err = http.Get(f.url + tokenRoute)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, "a mint route takes a POST")
}

// nativeSignIn posts body to the app's token route as a phone does.
func nativeSignIn(app http.Handler, body map[string]string) *httptest.ResponseRecorder {
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, "/auth/ok/token", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	return rec
}

// signInPhone signs a phone in with body and returns what /me shows with
// the bearer session it got.
func signInPhone(t *testing.T, app http.Handler, body map[string]string) string {
	t.Helper()
	rec := nativeSignIn(app, body)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var got struct{ Session string }
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	req := httptest.NewRequest(http.MethodGet, "/me", nil)
	req.Header.Set("Authorization", "Bearer "+got.Session)
	rec = httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	return rec.Body.String()
}
