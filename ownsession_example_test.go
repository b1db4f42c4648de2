package okauth_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/gorilla/sessions"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// A site with its own sessions takes the user OK verified and writes its
// own session, here a gorilla cookie session holding the site's account
// ID; okauth writes none. Accounts are found by OK's uid, never by e-mail.
// The fake OK signs a user in, as OK's dialog would.
func ExampleConfig_writeSession() {
	fake := oktest.NewServer()
	defer fake.Close()
	site := sessions.NewCookieStore(mustKeys("the site's own session passphrase, 32+ bytes")...)
	accountByOKUID := map[string]string{"574385021466": "acct-7"} // the site's users table

	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, Endpoint: fake.Endpoint(),
		RedirectURL: "https://example.com/auth/ok/callback",
		SessionKeys: mustKeys("a passphrase of at least thirty-two bytes"),
		WriteSession: func(w http.ResponseWriter, r *http.Request, u *okauth.User) error {
			s := sessions.NewSession(site, "site-session") // a fresh session: a sign-in never carries an old one over
			s.Options = &sessions.Options{Path: "/", MaxAge: 7 * 24 * 3600, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}
			s.Values["account"] = accountByOKUID[u.UID]
			return s.Save(r, w) // an error here writes nothing and shows the failure page
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	req, err := fake.CallbackRequest(auth, "/auth/ok/login?next=/account", oktest.DefaultUser)
	if err != nil {
		log.Fatal(err)
	}
	rec := httptest.NewRecorder()
	auth.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Location"))
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge >= 0 {
			fmt.Println("cookie:", c.Name)
		}
	}
	// Output:
	// 303 /account
	// cookie: site-session
}
