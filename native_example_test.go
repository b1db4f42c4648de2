package okauth_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// A phone app signed the user in with OK's Android or iOS SDK. It posts
// OK's token to the backend's token route as JSON, gets a session, and
// sends it as "Authorization: Bearer …" on its API calls, which
// Middleware honours as it does the cookie. With a SessionStore it signs
// out of this device with DELETE on the token route, and the session is
// refused from then on. (Here oktest stands in for OK and for the phone.)
func Example_nativeApp() {
	ok := oktest.NewServer()
	defer ok.Close()
	auth, err := okauth.New(okauth.Config{
		AppID: ok.AppID, AppKey: ok.AppKey,
		AppSecret:    ok.AppSecret, // the token route needs it to ask OK about a phone's token
		RedirectURL:  "https://example.com/auth/ok/callback",
		SessionKeys:  testKeys,
		SessionStore: okauth.NewMemorySessions(), // so that a phone's sign-out ends its session; okredis for several instances
		Endpoint:     ok.Endpoint(),
		Logger:       slog.New(slog.DiscardHandler),
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth) // POST and DELETE /auth/ok/token
	mux.Handle("/api/me", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := okauth.UserFrom(r.Context())
		fmt.Fprintf(w, "uid %s", user.UID)
	})))
	backend := httptest.NewServer(auth.Middleware(mux))
	defer backend.Close()

	// The phone: OK's SDK gave it a token.
	tok := ok.IssueToken(oktest.DefaultUser)
	body, _ := json.Marshal(map[string]string{"access_token": tok.AccessToken, "session_secret_key": tok.SessionSecret})
	resp, err := http.Post(backend.URL+"/auth/ok/token", "application/json", strings.NewReader(string(body)))
	if err != nil {
		log.Fatal(err)
	}
	var signedIn struct {
		User    struct{ UID string }
		Session string
	}
	_ = json.NewDecoder(resp.Body).Decode(&signedIn)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "signed in as", signedIn.User.UID)

	call := func(method, path string) {
		req, _ := http.NewRequest(method, backend.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+signedIn.Session)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%d %s %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), page)))
	}
	call(http.MethodGet, "/api/me")
	call(http.MethodDelete, "/auth/ok/token") // the phone signs out of this device
	call(http.MethodGet, "/api/me")
	// Output:
	// 200 signed in as 574385021466
	// 200  uid 574385021466
	// 204
	// 401 Bearer error="invalid_token" {"error":"invalid_token","message":"Please sign in with OK.ru first."}
}
