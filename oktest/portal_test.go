package oktest_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// callbackLink is an app's Callback link that records what OK delivered
// and answers code (0: true).
type callbackLink struct {
	mu   sync.Mutex
	got  []url.Values
	code int
}

func (c *callbackLink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.got = append(c.got, r.URL.Query())
	code := c.code
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/xml")
	if code != 0 {
		w.Header().Set("Invocation-error", "1001")
		_, _ = io.WriteString(w, `<ns2:error_response xmlns:ns2="http://api.forticom.com/1.0/"><error_code>1001</error_code><error_msg>CALLBACK_INVALID_PAYMENT</error_msg></ns2:error_response>`)
		return
	}
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><callbacks_payment_response xmlns="http://api.forticom.com/1.0/">true</callbacks_payment_response>`)
}

func (c *callbackLink) delivered() []url.Values {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]url.Values(nil), c.got...)
}

var iframeSrc = regexp.MustCompile(`<iframe id="app"[^>]* src="([^"]+)"`)

// portalLaunch opens the fake's page of the app and returns the launch
// its iframe opens.
func portalLaunch(t *testing.T, srv *oktest.Server) url.Values {
	t.Helper()
	resp, err := http.Get(srv.PortalURL())
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, _ := io.ReadAll(resp.Body)
	m := iframeSrc.FindSubmatch(body)
	require.NotNil(t, m, "the page frames the App link")
	src, err := url.Parse(html.UnescapeString(string(m[1])))
	require.NoError(t, err)
	assert.Equal(t, "https://app.example/auth/ok/app", src.Scheme+"://"+src.Host+src.Path)
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-src https://app.example;")
	return src.Query()
}

// The page frames the App link launched as OK launches it, for the
// dialog's user, a new launch each time; no app set, no page.
func TestPortalPage(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	resp, err := http.Get(srv.PortalURL())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "no app set")

	player := oktest.User{UID: "575000333444", Name: "Игорь Кузнецов"}
	srv.SetUser(player)
	srv.SetPortal(oktest.Portal{AppLink: "https://app.example/auth/ok/app"})
	q := portalLaunch(t, srv)
	assert.Equal(t, player.UID, q.Get("logged_user_id"))
	assert.Equal(t, srv.URL+"/", q.Get("api_server"), "OK's SDK loads from the fake")
	sig := q.Get("sig")
	q.Del("sig")
	assert.Equal(t, okauth.Sign(q, srv.AppSecret), sig, "signed as OK signs a launch")
	assert.Equal(t, oktest.AuthSig(player.UID, q.Get("session_key"), srv.AppSecret), q.Get("auth_sig"))
	assert.NotEqual(t, q.Get("apiconnection"), portalLaunch(t, srv).Get("apiconnection"), "each load is a new launch")

	for _, p := range []string{oktest.FAPIPath, "/js/portal.js"} {
		resp, err := http.Get(srv.URL + p)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, p)
		assert.Equal(t, "text/javascript; charset=utf-8", resp.Header.Get("Content-Type"), p)
	}
}

// The dialog's Pay delivers the purchase showPayment asked for, by the
// launch's user, to the Callback link, and says whether the app took it;
// a purchase of no launch, with no price, or posted from another site
// delivers nothing.
func TestPortalPay(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	srv.PaymentTries = 1
	cb := &callbackLink{}
	app := httptest.NewServer(cb)
	defer app.Close()
	player := oktest.User{UID: "575000333444", Name: "Игорь Кузнецов"}
	srv.SetUser(player)
	srv.SetPortal(oktest.Portal{AppLink: "https://app.example/auth/ok/app", CallbackLink: app.URL + "/ok/payment"})
	conn := portalLaunch(t, srv).Get("apiconnection")
	pay := func(form url.Values, site string) (int, string) {
		req, err := http.NewRequest(http.MethodPost, srv.PortalURL()+"/pay", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", site)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var a struct{ Result string }
		_ = json.NewDecoder(resp.Body).Decode(&a)
		return resp.StatusCode, a.Result
	}
	purchase := url.Values{"apiconnection": {conn}, "code": {"coins100"}, "price": {"10"}, "attributes": {`{"level":"3; x"}`}}

	for name, tc := range map[string]struct {
		form   url.Values
		site   string
		status int
	}{
		"no such launch":    {url.Values{"apiconnection": {"1_2"}, "code": {"coins100"}, "price": {"10"}}, "same-origin", http.StatusBadRequest},
		"no price":          {url.Values{"apiconnection": {conn}, "code": {"coins100"}, "price": {"0"}}, "same-origin", http.StatusBadRequest},
		"no code":           {url.Values{"apiconnection": {conn}, "price": {"10"}}, "same-origin", http.StatusBadRequest},
		"from another site": {purchase, "cross-site", http.StatusForbidden},
	} {
		status, _ := pay(tc.form, tc.site)
		assert.Equal(t, tc.status, status, name)
	}
	assert.Empty(t, cb.delivered(), "nothing delivered")

	status, result := pay(purchase, "same-origin")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ok", result)
	got := cb.delivered()
	require.Len(t, got, 1)
	assert.Equal(t, player.UID, got[0].Get("uid"), "the launch's user")
	assert.Equal(t, "coins100", got[0].Get("product_code"))
	assert.Equal(t, "10", got[0].Get("amount"))
	assert.Equal(t, `{"level":"3; x"}`, got[0].Get("extra_attributes"))
	assert.Empty(t, got[0].Get("currency"), "paid in OKs")

	cb.mu.Lock()
	cb.code = 1001
	cb.mu.Unlock()
	_, result = pay(purchase, "same-origin")
	assert.Equal(t, "error", result, "the app refused the payment")
}

// Launches made in the same millisecond still have their own
// apiconnection, so the fake's app page tells their purchases apart.
func TestLaunchConnectionsDiffer(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	seen := map[string]bool{}
	for range 200 {
		c := srv.LaunchParams(oktest.User{UID: "1"}).Get("apiconnection")
		require.False(t, seen[c], "apiconnection %s given twice", c)
		seen[c] = true
	}
}
