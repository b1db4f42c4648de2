package oktest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

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
