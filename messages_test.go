package okauth_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/acceptlang"
)

func TestPreferredLanguage(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"", ""},
		{"ru", "ru"},
		{"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"},
		{"en-GB,en;q=0.9,ru;q=0.8", "en"},
		{"de-DE,de;q=0.9", ""},
		{"de, ru;q=0.5", "ru"},
		{"fr;q=0.9, en;q=0.1, ru;q=0.05", "en"},
		{"en;q=0.5, ru;q=0.6", "ru"}, // q-values, not order
		{"ru;q=0, en", "en"},         // q=0 refuses
		{"ru;q=0", ""},
		{"RU-ru", "ru"},
		{"*", "en"},
		{"uk, *;q=0.5", "en"},
		{"ru;q=abc, en", "en"}, // a bad q drops its range
		{"ru;q=2, en", "en"},
		{"en, ru", "en"},                       // equal q: the first wins
		{strings.Repeat("de,", 32) + "ru", ""}, // only 32 ranges are read
	} {
		t.Run(tc.header, func(t *testing.T) {
			assert.Equal(t, tc.want, acceptlang.Prefer(tc.header, "en", "ru"))
		})
	}
}

// TestEveryErrorHasAMessage reads every sentinel error the package
// declares from its sources and requires a message for it in every
// built-in language, so a new error cannot ship without its words.
func TestEveryErrorHasAMessage(t *testing.T) {
	sentinels := declaredErrors(t)
	require.NotEmpty(t, sentinels)
	for _, lang := range []string{okauth.LangRussian, okauth.LangEnglish} {
		m := okauth.DefaultMessages(lang)
		listed := map[string]bool{}
		for _, e := range m.Errors {
			listed[e.Err.Error()] = true
		}
		for name, msg := range sentinels {
			if name == "ErrConfig" || name == "ErrNoSession" { // New's, and a store's answer: never on a page
				continue
			}
			assert.True(t, listed[msg], "%s: no message for %s in Messages.Errors", lang, name)
		}
	}
}

// declaredErrors are the package's Err… = errors.New("…") declarations, by
// name, with their messages.
func declaredErrors(t *testing.T) map[string]string {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok || len(spec.Names) != 1 || len(spec.Values) != 1 || !strings.HasPrefix(spec.Names[0].Name, "Err") {
				return true
			}
			call, ok := spec.Values[0].(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok {
				s, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				out[spec.Names[0].Name] = s
			}
			return true
		})
	}
	return out
}

// TestLanguagesAgree: Russian and English explain the same errors in the
// same order and the same statuses, with no empty text.
func TestLanguagesAgree(t *testing.T) {
	ru, en := okauth.DefaultMessages("ru"), okauth.DefaultMessages("en")
	require.Len(t, ru.Errors, len(en.Errors))
	for i := range en.Errors {
		assert.Equal(t, en.Errors[i].Err, ru.Errors[i].Err, "entry %d", i)
	}
	assert.ElementsMatch(t, keys(en.ByStatus), keys(ru.ByStatus))
	for _, m := range []*okauth.Messages{ru, en} {
		for _, s := range append([]string{m.Lang, m.SignIn, m.RelayTitle, m.RelayWorking, m.RelayEmpty, m.NoScript, m.TryAgain, m.Home, m.Status}, texts(m)...) {
			assert.NotEmpty(t, strings.TrimSpace(s), m.Lang)
		}
	}
}

// TestRussianTypography: «ёлочки», never straight quotes; a dash is an em
// dash after a non-breaking space; an ellipsis is one character; and
// words that need ё have it.
func TestRussianTypography(t *testing.T) {
	m := okauth.DefaultMessages("ru")
	all := append([]string{m.SignIn, m.RelayTitle, m.RelayWorking, m.RelayEmpty, m.NoScript, m.TryAgain, m.Home, m.Status}, texts(m)...)
	for _, s := range all {
		assert.NotContains(t, s, `"`, "straight quotes in %q", s)
		assert.NotContains(t, s, "...", "three dots in %q", s)
		assert.NotContains(t, s, " -", "a hyphen as a dash in %q", s)
		assert.NotContains(t, s, " —", "an ordinary space before a dash in %q", s)
		words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
		for _, word := range []string{"еще", "отменен", "завершен", "пришел", "отклонен", "сохранен", "нашел", "вошел"} {
			assert.NotContains(t, words, word, "ё missing in %q", s)
		}
	}
	assert.Equal(t, "Войти через OK.ru", m.SignIn)
}

func keys(m map[int]okauth.ErrorText) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	return out
}

func texts(m *okauth.Messages) []string {
	var out []string
	for _, e := range m.Errors {
		out = append(out, e.Title, e.Detail)
	}
	for _, e := range m.ByStatus {
		out = append(out, e.Title, e.Detail)
	}
	return out
}

// busyError stands for an error this package does not know, such as one a
// later version or another layer adds.
type busyError struct{}

func (busyError) Error() string { return "busy" }

func TestMessageFor(t *testing.T) {
	wrapped := fmt.Errorf("while signing in: %w", okauth.ErrStateExpired)
	for _, tc := range []struct {
		name  string
		err   error
		lang  string
		title string
	}{
		{"sentinel", okauth.ErrStateExpired, "en", "Sign-in took too long"},
		{"wrapped", wrapped, "ru", "Вход занял слишком много времени"},
		{"access denied", &okauth.OAuthError{Code: "access_denied"}, "ru", "Вход отменён"},
		{"app rejected", &okauth.OAuthError{Code: "invalid_client"}, "en", "OK.ru refused this site"},
		{"other OAuth error", &okauth.OAuthError{Code: "invalid_grant"}, "en", "OK.ru could not sign you in"},
		{"OK failed", &okauth.APIError{Code: 9999}, "en", "OK.ru could not be reached"},
		{"token refused", &okauth.APIError{Code: 102}, "ru", "OK.ru отклонил вход"},
		{"unknown, 4xx", busyError{}, "en", "Bad sign-in request"},
		{"unknown language", okauth.ErrStateReused, "de", "Sign-in already used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.title, okauth.MessageFor(tc.err, tc.lang).Title)
		})
	}
}

// TestMessagesFallBackByStatus: an error no entry matches gets the text
// for its status, or its status class; a 5xx never gets a 4xx text.
func TestMessagesFallBackByStatus(t *testing.T) {
	m := okauth.DefaultMessages("en")
	m.Errors = nil
	assert.Equal(t, "Request refused", m.For(okauth.ErrCrossOrigin).Title, "403")
	assert.Equal(t, "OK.ru could not be reached", m.For(okauth.ErrUnreachable).Title, "502")
	assert.Equal(t, "Bad sign-in request", m.For(okauth.ErrStateMissing).Title, "400")
	delete(m.ByStatus, 502)
	assert.Equal(t, "Something went wrong", m.For(okauth.ErrUnreachable).Title, "5xx class")
	m.ByStatus = map[int]okauth.ErrorText{400: {Title: "only 400"}}
	assert.NotEqual(t, "only 400", m.For(okauth.ErrUnreachable).Title, "a 5xx must not read as the visitor's fault")
}

func TestDefaultMessagesIsACopy(t *testing.T) {
	m := okauth.DefaultMessages("en")
	m.Errors[0].Title = "changed"
	m.ByStatus[400] = okauth.ErrorText{Title: "changed"}
	assert.Equal(t, "Sign-in cancelled", okauth.MessageFor(okauth.ErrDeniedByUser, "en").Title)
	assert.Equal(t, "Bad sign-in request", okauth.MessageFor(errors.New("x"), "en").Title)
}

// TestConfigLanguages: Config.Messages adds a language Accept-Language can
// choose and replaces words; Config.Language fixes the language; an
// unknown one is refused, naming the field.
func TestConfigLanguages(t *testing.T) {
	uk := okauth.DefaultMessages("en")
	uk.SignIn = "Увійти через OK.ru"
	uk.Errors = append([]okauth.ErrorText{{Err: okauth.ErrDeniedByUser, Title: "Вхід скасовано"}}, uk.Errors...)
	myRu := okauth.DefaultMessages("ru")
	myRu.Errors = append([]okauth.ErrorText{{Err: okauth.ErrStateExpired, Title: "Слишком долго"}}, myRu.Errors...)
	cfg := func(lang string) okauth.Config {
		return okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://example.com/auth/ok/callback", SessionKeys: testKeys,
			Language: lang, Messages: map[string]*okauth.Messages{"uk": uk, "ru": myRu}}
	}
	auth, err := okauth.New(cfg(""))
	require.NoError(t, err)
	req := func(al string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", al)
		return r
	}
	assert.Equal(t, "uk", auth.Language(req("uk-UA,uk;q=0.9,ru;q=0.8")))
	assert.Equal(t, "Вхід скасовано", auth.Message(req("uk"), &okauth.OAuthError{Code: "access_denied"}).Title)
	assert.Equal(t, "Слишком долго", auth.Message(req("ru"), okauth.ErrStateExpired).Title, "Messages replaces a built-in language")
	assert.Equal(t, "Sign-in took too long", auth.Message(req("fr"), okauth.ErrStateExpired).Title)
	assert.Equal(t, "en", auth.Language(req("")))

	fixed, err := okauth.New(cfg("ru"))
	require.NoError(t, err)
	assert.Equal(t, "ru", fixed.Language(req("en")), "Config.Language wins over Accept-Language")

	_, err = okauth.New(cfg("fr"))
	require.ErrorIs(t, err, okauth.ErrConfig)
	assert.ErrorContains(t, err, `Language is "fr"`)
}

// TestPagesInTheVisitorsLanguage: the relay and error pages follow
// Accept-Language, with <html lang>, and the error page's links keep the
// failed sign-in's next and lead home to LandingPath.
func TestPagesInTheVisitorsLanguage(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) { c.LandingPath = "/start" })
	for _, tc := range []struct{ header, lang, relay, title, retry, home string }{
		{"ru-RU,ru;q=0.9", "ru", "Выполняем вход через OK.ru…", "Вход отменён", "Попробовать ещё раз", "На главную"},
		{"en-US,en;q=0.9", "en", "Signing you in with OK.ru…", "Sign-in cancelled", "Try again", "Home"},
		{"", "en", "Signing you in with OK.ru…", "Sign-in cancelled", "Try again", "Home"},
	} {
		t.Run(tc.lang+" "+tc.header, func(t *testing.T) {
			c := e.Browser(t)
			relay := pageIn(t, c, http.MethodGet, e.App.URL+"/auth/ok/callback", tc.header, nil)
			page := body(t, relay)
			assert.Contains(t, page, `<html lang="`+tc.lang+`">`)
			assert.Contains(t, page, tc.relay)

			e.OK.SetAuthError("access_denied")
			defer e.OK.SetAuthError("")
			frag := e.StartLogin(t, c, "/account?tab=1")
			resp := pageIn(t, c, http.MethodPost, e.App.URL+"/auth/ok/callback", tc.header, strings.NewReader(frag.Encode()))
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
			page = body(t, resp)
			assert.Contains(t, page, `<html lang="`+tc.lang+`">`)
			assert.Contains(t, page, "<h1>"+tc.title+"</h1>")
			assert.Contains(t, page, `id="okauth-retry" href="/auth/ok/login?next=%2Faccount%3Ftab%3D1">`+tc.retry+`</a>`, "Try again keeps next")
			assert.Contains(t, page, `id="okauth-home" href="/start">`+tc.home+`</a>`, "Home is LandingPath")
		})
	}
}

// pageIn is a browser request in the language of an Accept-Language
// header; with a body, it is the relay page's form POST.
func pageIn(t *testing.T, c *http.Client, method, target, acceptLanguage string, form *strings.Reader) *http.Response {
	t.Helper()
	var b io.Reader
	if form != nil {
		b = form
	}
	req, err := http.NewRequest(method, target, b)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "text/html")
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}
