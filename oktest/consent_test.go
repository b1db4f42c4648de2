package oktest_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestConsentPage: the dialog's Allow / Deny page speaks the browser's
// language, fits a phone, and its two buttons resubmit the dialog with the
// decision.
func TestConsentPage(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	srv.Consent = true
	q := url.Values{"client_id": {srv.AppID}, "response_type": {"token"}, "scope": {"GET_EMAIL"},
		"redirect_uri": {"https://app.example/auth/ok/callback"}, "layout": {"w"}, "state": {"s1"}}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct{ header, lang, allow, deny string }{
		{"ru-RU,ru;q=0.9,en;q=0.5", "ru", "Разрешить", "Отказать"},
		{"en-GB", "en", "Allow", "Deny"},
		{"", "en", "Allow", "Deny"},
	} {
		t.Run(tc.lang+" "+tc.header, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/oauth/authorize?"+q.Encode(), nil)
			req.Header.Set("Accept-Language", tc.header)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			s := string(page)
			assert.Contains(t, s, `<html lang="`+tc.lang+`">`)
			assert.Contains(t, s, `<meta name="viewport" content="width=device-width, initial-scale=1">`)
			assert.Contains(t, s, `<button id="allow" type="submit" name="decision" value="allow">`+tc.allow+`</button>`)
			assert.Contains(t, s, `<button id="deny" type="submit" name="decision" value="deny">`+tc.deny+`</button>`)
			assert.Contains(t, s, `<img src="`+srv.URL+oktest.AvatarPath+`"`, "the default user's picture, from the fake")
			assert.Contains(t, s, `<input type="hidden" name="state" value="s1">`)
		})
	}
	// What the Deny button submits: the dialog's query and decision=deny.
	q.Set("decision", "deny")
	resp, err := noRedirect.Get(srv.URL + "/oauth/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "https://app.example/auth/ok/callback#error=access_denied&state=s1", resp.Header.Get("Location"))
}

// TestDefaultUserPicture: the default user's pic_3 is a URL on the fake,
// and the fake serves an image there.
func TestDefaultUserPicture(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	tok := srv.IssueToken(oktest.DefaultUser)
	var out map[string]string
	err := (&okauth.Client{AppKey: srv.AppKey, APIURL: srv.Endpoint().APIURL}).Call(context.Background(),
		okauth.User{AccessToken: okauth.Secret(tok.AccessToken), SessionSecret: okauth.Secret(tok.SessionSecret)},
		"users.getCurrentUser", url.Values{"fields": {"uid,pic_3"}}, &out)
	require.NoError(t, err)
	assert.Equal(t, srv.URL+oktest.AvatarPath, out["pic_3"])

	resp, err := http.Get(out["pic_3"])
	require.NoError(t, err)
	defer resp.Body.Close()
	svg, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "image/svg+xml", resp.Header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(string(svg), "<svg "), string(svg))
}
