package e2e

import (
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// A site with its own sessions, in Chromium: Config.WriteSession sets the
// site's cookie and okauth sets none; the page the sign-in was for shows
// the site's session. When the hook then fails, the browser gets the
// failure page and keeps the session it had, with no okauth cookie.
func TestOwnSessionInBrowser(t *testing.T) {
	fake := newFake(t)
	var fail atomic.Bool
	app := startOwnSessionApp(t, fake, &fail)
	tab, _ := newBrowser(t, chromedp.Flag("ignore-certificate-errors", true))

	do(t, tab, chromedp.Navigate(app+"/me"))
	require.Equal(t, "site session 1 for "+oktest.DefaultUser.UID, text(t, tab, "#who"))
	assert.Equal(t, app+"/me", run(t, tab, chromedp.Location()), "back on the page the sign-in was for")
	jar := cookies(t, tab, app+"/")
	require.Contains(t, jar, "site")
	assert.True(t, jar["site"].HTTPOnly)
	assert.NotContains(t, jar, "__Host-okauth", "okauth wrote no session")

	had := jar["site"].Value
	fail.Store(true)
	do(t, tab, chromedp.Navigate(app+"/auth/ok/login?next=%2Fme"))
	assert.Equal(t, "Sign-in not completed", text(t, tab, "h1"))
	assert.Equal(t, "Error 500", text(t, tab, ".code"))
	jar = cookies(t, tab, app+"/")
	require.Contains(t, jar, "site")
	assert.Equal(t, had, jar["site"].Value, "the failed hook's cookie did not reach the browser")
	assert.NotContains(t, jar, "__Host-okauth")
	do(t, tab, chromedp.Navigate(app+"/me"))
	assert.Equal(t, "site session 1 for "+oktest.DefaultUser.UID, text(t, tab, "#who"), "the session the browser had is left alone")
}

// startOwnSessionApp serves at https://app.example.test:PORT a site whose
// WriteSession sets its own "site" cookie, numbering the sessions it
// started, and fails while fail is set (after setting a cookie, which must
// not reach the browser). /me shows the site's session, or sends the
// browser to sign in.
func startOwnSessionApp(t *testing.T, fake *oktest.Server, fail *atomic.Bool) string {
	srv, base, keys := appServer(t)
	var started atomic.Int32
	auth, err := okauth.New(okauth.Config{
		AppID: fake.AppID, AppKey: fake.AppKey, RedirectURL: base + "/auth/ok/callback",
		SessionKeys: keys, Endpoint: dialogAtFakeHost(t, fake),
		Logger: slog.New(slog.DiscardHandler),
		WriteSession: func(w http.ResponseWriter, _ *http.Request, u *okauth.User) error {
			n := started.Add(1)
			http.SetCookie(w, &http.Cookie{Name: "site", Value: fmt.Sprintf("%d-%s", n, u.UID),
				Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
			if fail.Load() {
				return errors.New("the site's database is down")
			}
			return nil
		},
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie("site")
		if err != nil {
			http.Redirect(w, r, auth.LoginURL("/me"), http.StatusSeeOther)
			return
		}
		n, uid, _ := strings.Cut(ck.Value, "-")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!doctype html><title>Me</title><p id="who">site session `+html.EscapeString(n)+` for `+html.EscapeString(uid)+`</p>`)
	})
	srv.Config.Handler = mux
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return base
}
