package exampleapp

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestConfig: SESSION_KEY is checked, its absence is logged, and plain
// http is allowed on loopback, or elsewhere only with OK_INSECURE_DEV=1,
// which warns.
func TestConfig(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))

	_, err := Config(env(map[string]string{"SESSION_KEY": "short"}), "http://localhost:8080", logger)
	assert.ErrorContains(t, err, "SESSION_KEY")

	_, err = Config(env(map[string]string{"OK_REDIRECT_URL": "http://example.com/auth/ok/callback"}), "http://localhost:8080", logger)
	assert.ErrorContains(t, err, "OK_INSECURE_DEV=1", "never insecure cookies off loopback without the switch")

	logs.Reset()
	cfg, err := Config(env(nil), "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.True(t, cfg.InsecureCookies)
	assert.Equal(t, "http://localhost:8080/auth/ok/callback", cfg.RedirectURL)
	assert.Contains(t, logs.String(), "sessions end when the example restarts")
	assert.NotContains(t, logs.String(), "OK_INSECURE_DEV")

	logs.Reset()
	cfg, err = Config(env(map[string]string{"SESSION_KEY": "a fixed secret of thirty-two bytes+"}), "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.NotContains(t, logs.String(), "sessions end")
	again, _ := Config(env(map[string]string{"SESSION_KEY": "a fixed secret of thirty-two bytes+"}), "http://localhost:8080", logger)
	assert.Equal(t, cfg.SessionKeys, again.SessionKeys, "a fixed SESSION_KEY keeps sessions across restarts")

	cfg, err = Config(env(map[string]string{"OK_FLOW": "code", "OK_TOKEN_URL": "https://ok.example/token.do"}), "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.Equal(t, okauth.FlowCode, cfg.Flow)
	assert.Equal(t, "https://ok.example/token.do", cfg.Endpoint.TokenURL)
}

// TestServerTimeouts: every phase of a request has a deadline (a slow-body attack: 50
// connections sending a callback body a byte every 15 s stayed open for
// minutes when only the header had one).
func TestServerTimeouts(t *testing.T) {
	srv := server(http.NotFoundHandler())
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": srv.ReadHeaderTimeout,
		"ReadTimeout": srv.ReadTimeout, "WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout} {
		assert.Positive(t, d, name)
		assert.LessOrEqual(t, d, 2*time.Minute, name)
	}
	assert.Greater(t, srv.WriteTimeout, 10*time.Second, "room for the callback's call to OK (okauth's Timeout)")
}

// TestAllInterfaces: ADDR=0.0.0.0:8080, as in a container, fails with a
// message naming the switch, and works with OK_INSECURE_DEV=1, warning;
// the app is then reached as localhost.
func TestAllInterfaces(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	_, err := Config(env(map[string]string{"ADDR": "0.0.0.0:8080"}), "http://localhost:8080", logger)
	require.ErrorContains(t, err, "OK_INSECURE_DEV=1")

	cfg, err := Config(env(map[string]string{"ADDR": "0.0.0.0:8080", "OK_INSECURE_DEV": "1"}), "http://localhost:8080", logger)
	require.NoError(t, err)
	assert.True(t, cfg.InsecureCookies)
	assert.Contains(t, logs.String(), "level=WARN msg=\"OK_INSECURE_DEV=1")
	cfg.AppID, cfg.AppKey = "1", "K"
	_, err = okauth.New(cfg)
	assert.NoError(t, err)
}

// TestSitePages: "/" signed out says what the site is and shows the
// button; signed in it shows the card and Sign out; both languages; no
// inline style or script, so the pages work under a strict CSP.
func TestSitePages(t *testing.T) {
	fake := oktest.NewServer()
	defer fake.Close()
	cfg, err := Config(env(map[string]string{"SESSION_KEY": "a fixed secret of thirty-two bytes+"}), "http://localhost:8080", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	cfg.AppID, cfg.AppKey, cfg.Endpoint = fake.AppID, fake.AppKey, fake.Endpoint()
	auth, err := okauth.New(cfg)
	require.NoError(t, err)
	site := Site{Auth: auth, Logger: slog.New(slog.DiscardHandler)}
	mux := http.NewServeMux()
	mux.Handle("/auth/ok/", auth)
	mux.HandleFunc("GET /{$}", site.Home)
	app := auth.Middleware(mux)
	cookies, err := fake.SignIn(app, "/auth/ok/login", oktest.DefaultUser)
	require.NoError(t, err)

	inlineStyle := regexp.MustCompile(`<style|<script|style="`)
	for _, tc := range []struct {
		lang, header, welcome, signIn, hello, signOut string
	}{
		{"ru", "ru-RU,ru;q=0.9", "Демо okauth", "Войти через OK.ru", "Здравствуйте,", "Выйти"},
		{"en", "en-US", "okauth demo", "Sign in with OK.ru", "Hello,", "Sign out"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Accept-Language", tc.header)
			rec := httptest.NewRecorder()
			app.ServeHTTP(rec, req)
			page := rec.Body.String()
			assert.Contains(t, page, `<html lang="`+tc.lang+`">`)
			assert.Contains(t, page, `<h1 id="welcome">`+tc.welcome+`</h1>`)
			assert.Contains(t, page, `<title>`+tc.welcome+`</title>`, "the site's name once")
			assert.Contains(t, page, `<a class="okauth-button" href="/auth/ok/login?next=%2Faccount" lang="`+tc.lang+`">`)
			assert.Contains(t, page, "<span>"+tc.signIn+"</span>")
			assert.NotContains(t, page, `id="logout"`)
			assert.NotRegexp(t, inlineStyle, page)

			for _, c := range cookies {
				req.AddCookie(c)
			}
			rec = httptest.NewRecorder()
			app.ServeHTTP(rec, req)
			page = rec.Body.String()
			assert.Contains(t, page, tc.hello+` <span id="name">`+oktest.DefaultUser.Name+`</span>`)
			assert.Contains(t, page, `<button id="logout" type="submit">`+tc.signOut+`</button>`)
			assert.NotContains(t, page, `okauth-button"`)
			assert.NotRegexp(t, inlineStyle, page)
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		})
	}
}

// TestWhen: dates read as each language's reader writes them, Russian
// ones in Moscow time.
func TestWhen(t *testing.T) {
	at := time.Date(2026, time.December, 6, 10, 29, 0, 0, time.UTC)
	assert.Equal(t, "6\u00a0декабря 2026, 13:29 (МСК)", wordsFor("ru").When(at))
	assert.Equal(t, "6 December 2026, 10:29 UTC", wordsFor("en").When(at))
	assert.Equal(t, "1\u00a0января 2027, 02:30 (МСК)", wordsFor("ru").When(time.Date(2026, time.December, 31, 23, 30, 0, 0, time.UTC)), "the day and year are Moscow's")
}

// TestWordsForVisitors: the example's pages speak to visitors, never in
// the developer's words (API names, product codes).
func TestWordsForVisitors(t *testing.T) {
	for _, w := range []words{english, russian} {
		v := reflect.ValueOf(w)
		for i := range v.NumField() {
			text := v.Field(i).String()
			for _, dev := range []string{"RequireLogin", "friends.get", "coins100", "okauth."} {
				assert.NotContains(t, text, dev, "%s.%s", w.Lang, v.Type().Field(i).Name)
			}
		}
	}
}
