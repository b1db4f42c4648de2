package e2e

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// attacker is who signs in on evil.example.test's side: a real account of
// the attacker's own, whose session they try to plant in the victim's
// browser.
var attacker = oktest.User{UID: "999000111222", Name: "Злоумышленник Злой", FirstName: "Злоумышленник", LastName: "Злой"}

// A planted session: evil.example.test, a sibling of app.example.test, sets
// a session cookie of the attacker's for the whole example.test, with a
// longer path so that it comes first. With the default __Host-okauth name
// the browser refuses such a cookie, and the victim still sees their own
// account. The control, with the session cookie renamed to a plain
// "okauth", shows the plant working: the victim is shown the attacker's
// account.
func TestPlantedSessionFromSibling(t *testing.T) {
	for _, tc := range []struct {
		name        string
		sessionName string // "" for the default
		wantUID     string
	}{
		{"default __Host- name", "", oktest.DefaultUser.UID},
		{"control: plain name", "okauth", attacker.UID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			app, auth := startTLSApp(t, fake, tc.sessionName)
			planted, err := fake.SignIn(auth, "/auth/ok/login", attacker)
			require.NoError(t, err)
			var session *http.Cookie
			for _, c := range planted {
				if c.Path == "/" && c.Value != "" {
					session = c
				}
			}
			require.NotNil(t, session, "the attacker's own session")

			tab, _ := newBrowser(t, chromedp.Flag("ignore-certificate-errors", true))
			do(t, tab, chromedp.Navigate(app+"/me"))
			require.Equal(t, oktest.DefaultUser.UID, text(t, tab, "#uid"), "the victim signed in")

			do(t, tab, chromedp.Navigate(plantingPage(t, session)))
			require.Equal(t, "planted", text(t, tab, "#done"))
			do(t, tab, chromedp.Navigate(app+"/me"))
			assert.Equal(t, tc.wantUID, text(t, tab, "#uid"), "the account the victim is shown")
		})
	}
}

// startTLSApp serves an app at https://app.example.test:PORT signing in
// with fake (its dialog at ok.test, another site), with the session cookie
// called sessionName ("" for the default). /me shows the signed-in uid.
// It returns the app's URL and its okauth handler.
func startTLSApp(t *testing.T, fake *oktest.Server, sessionName string) (string, http.Handler) {
	srv, base, keys := appServer(t)
	ep := fake.Endpoint()
	dialog, err := url.Parse(ep.AuthURL)
	require.NoError(t, err)
	dialog.Host = net.JoinHostPort(fakeHost, dialog.Port())
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, RedirectURL: base + "/auth/ok/callback",
		SessionKeys: keys, SessionName: sessionName,
		Endpoint: okauth.Endpoint{AuthURL: dialog.String(), APIURL: ep.APIURL},
		Logger:   slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.Handle("/me", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := okauth.UserFrom(r.Context())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!doctype html><title>Me</title><p id="uid">`+u.UID+`</p>`)
	})))
	srv.Config.Handler = auth.Middleware(mux)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return base, auth
}

// appServer is an unstarted https server for app.example.test, its base
// URL and session keys.
func appServer(t *testing.T) (*httptest.Server, string, [][]byte) {
	srv := httptest.NewUnstartedServer(nil)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)
	keys, err := okauth.DeriveKeys(sessionKey)
	require.NoError(t, err)
	return srv, "https://app.example.test:" + port, keys
}

// plantingPage serves, at https://evil.example.test:PORT, a page that sets
// session as a cookie for all of example.test, in every form a browser
// might take: with the __Host- name and without, at / and at /me, which
// comes first in the Cookie header.
func plantingPage(t *testing.T, session *http.Cookie) string {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, name := range []string{session.Name, "okauth", "__Host-okauth"} {
			for _, path := range []string{"/", "/me"} {
				w.Header().Add("Set-Cookie", (&http.Cookie{Name: name, Value: session.Value, Domain: "example.test",
					Path: path, Secure: true, SameSite: http.SameSiteLaxMode}).String())
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!doctype html><title>Evil</title><p id="done">planted</p>`)
	}))
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)
	return "https://evil.example.test:" + port + "/"
}
