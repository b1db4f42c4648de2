package oktest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// Test a protected handler as a signed-in user, with no browser and no
// OK account.
func ExampleServer_SignIn() {
	fake := oktest.NewServer()
	defer fake.Close()
	keys, _ := okauth.DeriveKeys("a test secret of at least 32 bytes!")
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, Endpoint: fake.Endpoint(),
		RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: keys,
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/account", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := okauth.UserFrom(r.Context())
		fmt.Fprintf(w, "hello %s (%s)", user.Name, user.UID)
	})))

	cookies, err := fake.SignIn(mux, "/auth/ok/login", oktest.User{UID: "42", Name: "Test User"})
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/account", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 200 hello Test User (42)
}

// A token OK issued to another app is OK's, but not for this app: the
// fake answers 103 when this app's key presents it, as OK does, so a
// test can show an app refuses it.
func ExampleServer_NewApp() {
	fake := oktest.NewServer()
	defer fake.Close()
	other := fake.NewApp()
	tok := fake.IssueTokenFor(other, oktest.DefaultUser)

	ask := func(appKey, appSecret string) string {
		q := url.Values{"application_key": {appKey}, "method": {"users.getCurrentUser"}, "format": {"json"}}
		q.Set("sig", okauth.Sign(q, okauth.ServerSecret(tok.AccessToken, appSecret)))
		q.Set("access_token", tok.AccessToken)
		resp, err := http.PostForm(fake.Endpoint().APIURL, q)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var ans struct {
			UID  string `json:"uid"`
			Code int    `json:"error_code"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&ans)
		return fmt.Sprintf("uid %q, error %d", ans.UID, ans.Code)
	}
	fmt.Println("the other app:", ask(other.Key, other.Secret))
	fmt.Println("this app:", ask(fake.AppKey, fake.AppSecret))
	// Output:
	// the other app: uid "574385021466", error 0
	// this app: uid "", error 103
}

// A fake OK served by another process, such as the okfake command, at
// its address.
func ExampleEndpointAt() {
	e := oktest.EndpointAt("http://127.0.0.1:8099")
	fmt.Println(e.AuthURL)
	fmt.Println(e.APIURL)
	fmt.Println(e.TokenURL)
	// Output:
	// http://127.0.0.1:8099/oauth/authorize
	// http://127.0.0.1:8099/fb.do
	// http://127.0.0.1:8099/oauth/token.do
}
