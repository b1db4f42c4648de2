package okpay_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okpay"
)

// TestSuccess: a signed callback reaches Credit as a typed Payment, and
// the answer is OK's success XML byte for byte.
func TestSuccess(t *testing.T) {
	e := newEnv(t, nil)
	p := coins("7001")
	p.Time = time.Now().Add(-time.Hour).Truncate(time.Second).UTC()
	p.Extra = url.Values{"trial_days": {"7"}, "some_future_param": {"x"}}
	q := e.ok.PaymentParams(p)
	require.Equal(t, p.Time.Add(3*time.Hour).Format("2006-01-02 15:04:05"), q.Get("transaction_time"), "OK writes Moscow time")
	require.Empty(t, q.Get("currency"), "paid in OKs: no currency")

	w := e.get(q, "127.0.0.1:40000")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "application/xml", w.Header().Get("Content-Type"))
	assert.Equal(t, successXML, w.Body.String())
	assert.Empty(t, w.Header().Values("Invocation-error"))

	require.Equal(t, 1, e.shop.Calls())
	got := e.shop.calls[0]
	assert.Equal(t, "574385021466", got.UID)
	assert.Equal(t, "7001", got.TransactionID)
	assert.Equal(t, "coins100", got.ProductCode)
	assert.Equal(t, 10, got.Amount)
	assert.Empty(t, got.Currency)
	assert.Equal(t, "OKS", got.PaymentSystem)
	assert.Equal(t, 7, got.TrialDays)
	assert.JSONEq(t, `{"level":3}`, string(got.ExtraAttributes))
	assert.True(t, got.Time.Equal(p.Time), "transaction_time %v is read as Moscow time", got.Time)
	_, offset := got.Time.Zone()
	assert.Equal(t, 3*60*60, offset)
	assert.Equal(t, "x", got.Params.Get("some_future_param"), "unknown parameters are kept")
	assert.Empty(t, got.Params.Get("sig"))
	assert.Equal(t, 100, e.shop.Balance("574385021466"))
	assert.Contains(t, e.logs.String(), "payment credited")
}

// TestCurrency: a payment in roubles carries its currency, and the shop,
// which sells for OKs only, refuses it.
func TestCurrency(t *testing.T) {
	e := newEnv(t, nil)
	p := coins("7002")
	p.Currency = "RUB"
	w := e.get(e.ok.PaymentParams(p), "127.0.0.1:40000")
	assert.Equal(t, errorXML(1001, "CALLBACK_INVALID_PAYMENT : Payment is invalid and can not be processed"), w.Body.String())
	require.Equal(t, 1, e.shop.Calls())
	assert.Equal(t, "RUB", e.shop.calls[0].Currency)
}

// TestRefused: every check of the signature, the caller and each field
// has a row. A refused callback gets OK's error XML with its code in the
// Invocation-error header, and never reaches the app.
func TestRefused(t *testing.T) {
	signed := func(e *env, edit func(q url.Values)) url.Values {
		q := e.ok.PaymentParams(coins("8001"))
		if edit != nil {
			edit(q)
		}
		return q
	}
	resigned := func(e *env, edit func(q url.Values)) url.Values {
		q := signed(e, edit)
		q.Del("sig")
		q.Set("sig", okauth.Sign(q, e.ok.AppSecret))
		return q
	}
	const from = "127.0.0.1:40000"
	tests := []struct {
		name   string
		edit   func(*okpay.Config)
		query  func(e *env) string // the raw query
		addr   string              // RemoteAddr; default from
		header http.Header
		method string
		status int
		code   int
	}{
		// The caller.
		{name: "from outside OK's networks (default Networks)", edit: func(c *okpay.Config) { c.Networks = nil },
			query: func(e *env) string { return signed(e, nil).Encode() }, status: 403, code: 10},
		{name: "from outside the configured networks", addr: "192.0.2.1:1234",
			query: func(e *env) string { return signed(e, nil).Encode() }, status: 403, code: 10},
		{name: "proxy header missing", edit: func(c *okpay.Config) { c.ClientIPHeader = "X-Real-IP" },
			query: func(e *env) string { return signed(e, nil).Encode() }, status: 403, code: 10},
		{name: "X-Forwarded-For: the client's own entry does not count", edit: func(c *okpay.Config) { c.ClientIPHeader = "X-Forwarded-For" },
			header: http.Header{"X-Forwarded-For": {"127.0.0.1, 203.0.113.7"}},
			query:  func(e *env) string { return signed(e, nil).Encode() }, status: 403, code: 10},
		{name: "proxy header not an address", edit: func(c *okpay.Config) { c.ClientIPHeader = "X-Real-IP" },
			header: http.Header{"X-Real-Ip": {"localhost"}},
			query:  func(e *env) string { return signed(e, nil).Encode() }, status: 403, code: 10},
		{name: "POST", method: http.MethodPost,
			query: func(e *env) string { return signed(e, nil).Encode() }, status: 405, code: 3},

		// The signature.
		{name: "sig missing", query: func(e *env) string { return signed(e, func(q url.Values) { q.Del("sig") }).Encode() }, status: 200, code: 104},
		{name: "sig empty", query: func(e *env) string { return signed(e, func(q url.Values) { q.Set("sig", "") }).Encode() }, status: 200, code: 104},
		{name: "sig of other parameters", query: func(e *env) string {
			return signed(e, func(q url.Values) { q.Set("sig", okauth.Sign(url.Values{"a": {"b"}}, e.ok.AppSecret)) }).Encode()
		}, status: 200, code: 104},
		{name: "signed with another secret", query: func(e *env) string {
			return signed(e, func(q url.Values) { q.Del("sig"); q.Set("sig", okauth.Sign(q, "WRONGSECRET")) }).Encode()
		}, status: 200, code: 104},
		{name: "amount raised after signing", query: func(e *env) string { return signed(e, func(q url.Values) { q.Set("amount", "1") }).Encode() }, status: 200, code: 104},
		{name: "uid changed after signing", query: func(e *env) string { return signed(e, func(q url.Values) { q.Set("uid", "1") }).Encode() }, status: 200, code: 104},
		{name: "currency added after signing", query: func(e *env) string { return signed(e, func(q url.Values) { q.Set("currency", "RUB") }).Encode() }, status: 200, code: 104},
		{name: "a parameter dropped after signing", query: func(e *env) string { return signed(e, func(q url.Values) { q.Del("extra_attributes") }).Encode() }, status: 200, code: 104},
		{name: "an unsigned access_token added", query: func(e *env) string { return signed(e, func(q url.Values) { q.Set("access_token", "x") }).Encode() }, status: 200, code: 104},
		{name: "a parameter repeated", query: func(e *env) string { return signed(e, nil).Encode() + "&amount=10" }, status: 200, code: 104},
		{name: "query not well-formed", query: func(e *env) string { return signed(e, nil).Encode() + "&x=%zz" }, status: 200, code: 104},
		{name: "no parameters", query: func(*env) string { return "" }, status: 200, code: 104},

		// Signed, but not for this app or method.
		{name: "application_key of another app", query: func(e *env) string {
			return resigned(e, func(q url.Values) { q.Set("application_key", "CBAOTHERAPP") }).Encode()
		}, status: 200, code: 101},
		{name: "application_key missing", query: func(e *env) string {
			return resigned(e, func(q url.Values) { q.Del("application_key") }).Encode()
		}, status: 200, code: 101},
		{name: "method not callbacks.payment", query: func(e *env) string {
			return resigned(e, func(q url.Values) { q.Set("method", "users.getInfo") }).Encode()
		}, status: 200, code: 3},

		// Signed, but a field is missing or malformed: OK cancels (1001).
		{name: "uid missing", query: fieldRow(resigned, "uid", ""), status: 200, code: 1001},
		{name: "uid not digits", query: fieldRow(resigned, "uid", "12a"), status: 200, code: 1001},
		{name: "transaction_id with a control character", query: fieldRow(resigned, "transaction_id", "1\n2"), status: 200, code: 104},
		{name: "transaction_time missing", query: fieldRow(resigned, "transaction_time", ""), status: 200, code: 1001},
		{name: "transaction_time in another format", query: fieldRow(resigned, "transaction_time", "2026-03-08T12:30:15Z"), status: 200, code: 1001},
		{name: "transaction_time older than Retention", query: fieldRow(resigned, "transaction_time", moscowTime(time.Now().Add(-8*24*time.Hour))), status: 200, code: 1001},
		{name: "product_code with =", query: fieldRow(resigned, "product_code", "abc=1"), status: 200, code: 1001},
		{name: "product_code too long", query: fieldRow(resigned, "product_code", strings.Repeat("x", 257)), status: 200, code: 1001},
		{name: "amount missing", query: fieldRow(resigned, "amount", ""), status: 200, code: 1001},
		{name: "amount negative", query: fieldRow(resigned, "amount", "-10"), status: 200, code: 1001},
		{name: "amount not whole", query: fieldRow(resigned, "amount", "10.5"), status: 200, code: 1001},
		{name: "amount overflows", query: fieldRow(resigned, "amount", "99999999999999999999"), status: 200, code: 1001},
		{name: "currency malformed", query: fieldRow(resigned, "currency", "RUBLES"), status: 200, code: 1001},
		{name: "card_promo not a boolean", query: fieldRow(resigned, "card_promo", "maybe"), status: 200, code: 1001},
		{name: "trial_days not a number", query: fieldRow(resigned, "trial_days", "week"), status: 200, code: 1001},
		{name: "extra_attributes not JSON", query: fieldRow(resigned, "extra_attributes", "{level:3"), status: 200, code: 1001},
		{name: "a value not UTF-8", query: fieldRow(resigned, "product_option", "\xff"), status: 200, code: 104},
		// OK's signature joins name=value pairs with no separator, so an
		// unknown parameter that swallows "currency=RUB" keeps OK's very
		// signature while the currency disappears: it must not read as a
		// payment in OKs.
		{name: "a value swallows the next parameter, same signature", query: func(e *env) string {
			p := coins("8001")
			p.Currency = "RUB"
			p.Extra = url.Values{"card_promo": {"X"}}
			q := e.ok.PaymentParams(p)
			sig := q.Get("sig")
			q.Set("card_promo", "Xcurrency=RUB")
			q.Del("currency")
			q.Del("sig")
			if okauth.Sign(q, e.ok.AppSecret) != sig {
				panic("the re-cut parameters should sign alike")
			}
			q.Set("sig", sig)
			return q.Encode()
		}, status: 200, code: 104},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.edit)
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, "/ok/payment?"+tt.query(e), nil)
			r.RemoteAddr = "127.0.0.1:40000"
			if tt.addr != "" {
				r.RemoteAddr = tt.addr
			}
			for k, v := range tt.header {
				r.Header[k] = v
			}
			w := httptest.NewRecorder()
			e.pay.ServeHTTP(w, r)

			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, "application/xml", w.Header().Get("Content-Type"))
			assert.Equal(t, []string{itoa(tt.code)}, w.Header()["Invocation-error"], "the header, spelled as OK does")
			assert.Contains(t, w.Body.String(), "<error_code>"+itoa(tt.code)+"</error_code>")
			assert.True(t, strings.HasPrefix(w.Body.String(), `<?xml version="1.0" encoding="UTF-8"?><ns2:error_response xmlns:ns2="http://api.forticom.com/1.0/">`), w.Body.String())
			assert.Zero(t, e.shop.Calls(), "the app was called")
			assert.NotContains(t, e.logs.String(), e.ok.AppSecret)
			assert.NotContains(t, e.logs.String(), "sig=")
			assert.Contains(t, e.logs.String(), "refused", "one record says why")
		})
	}
}

// fieldRow re-signs a valid callback with name set to value ("" drops it),
// so only the field check can refuse it.
func fieldRow(resigned func(*env, func(url.Values)) url.Values, name, value string) func(*env) string {
	return func(e *env) string {
		return resigned(e, func(q url.Values) {
			if value == "" {
				q.Del(name)
			} else {
				q.Set(name, value)
			}
		}).Encode()
	}
}

// TestCallerAddress: OK's networks by default, and a trusted proxy's
// header when named.
func TestCallerAddress(t *testing.T) {
	for _, tt := range []struct {
		name   string
		header string
		addr   string
		values []string
	}{
		{name: "OK's network, directly", addr: "217.20.145.200:5000"},
		{name: "OK's network as IPv4-mapped IPv6", addr: "[::ffff:217.20.153.50]:5000"},
		{name: "X-Real-IP from the proxy", header: "X-Real-IP", addr: "10.0.0.1:80", values: []string{"217.20.151.170"}},
		{name: "X-Forwarded-For: the last entry", header: "X-Forwarded-For", addr: "10.0.0.1:80", values: []string{"203.0.113.9", "198.51.100.1, 217.20.151.161"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *okpay.Config) { c.Networks, c.ClientIPHeader = nil, tt.header })
			r := httptest.NewRequest(http.MethodGet, "/ok/payment?"+e.ok.PaymentParams(coins("9001")).Encode(), nil)
			r.RemoteAddr = tt.addr
			for _, v := range tt.values {
				r.Header.Add(tt.header, v)
			}
			w := httptest.NewRecorder()
			e.pay.ServeHTTP(w, r)
			assert.Equal(t, successXML, w.Body.String())
			assert.Equal(t, 1, e.shop.Calls())
		})
	}
	assert.Equal(t, []netip.Prefix{
		netip.MustParsePrefix("217.20.145.192/28"), netip.MustParsePrefix("217.20.151.160/28"), netip.MustParsePrefix("217.20.153.48/28"),
	}, okpay.OKNetworks())
}

// TestAppErrors: what the app's Credit returns becomes OK's answer.
func TestAppErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		code int
	}{
		{"invalid payment, wrapped", errorf("no such level: %w", okpay.ErrInvalidPayment), 1001},
		{"try later", okpay.ErrTryLater, 2},
		{"any other error", errorf("database down"), 2},
		{"an Error with OK's code", &okpay.Error{Code: 9999, Msg: "broken"}, 9999},
		{"an Error with no code", &okpay.Error{Msg: "oops"}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.shop.fail = func(int) error { return tt.err }
			w := e.get(e.ok.PaymentParams(coins("9100")), "127.0.0.1:1")
			assert.Equal(t, []string{itoa(tt.code)}, w.Header()["Invocation-error"])
			assert.Contains(t, w.Body.String(), "<error_code>"+itoa(tt.code)+"</error_code>")
			assert.NotContains(t, w.Body.String(), tt.err.Error(), "the app's error text stays in the app")
			assert.Equal(t, 1, e.shop.Calls())
		})
	}
}

// TestRetryAfterSuccess: OK's repeat of a credited transaction, even with
// a new call_id, is answered true without calling the app again.
func TestRetryAfterSuccess(t *testing.T) {
	e := newEnv(t, nil)
	for range 3 {
		w := e.get(e.ok.PaymentParams(coins("9200")), "127.0.0.1:1")
		require.Equal(t, successXML, w.Body.String())
	}
	assert.Equal(t, 1, e.shop.Calls())
	assert.Equal(t, 100, e.shop.Balance("574385021466"))
	// Another transaction is another purchase.
	require.Equal(t, successXML, e.get(e.ok.PaymentParams(coins("9201")), "127.0.0.1:1").Body.String())
	assert.Equal(t, 200, e.shop.Balance("574385021466"))
}

// TestConcurrentDeliveries: 20 deliveries of one transaction at once call
// the app once: the one that claims it answers true, the others ask OK to
// retry (2), and a retry then finds it credited.
func TestConcurrentDeliveries(t *testing.T) {
	const n = 20
	release := make(chan struct{})
	e := newEnv(t, nil)
	e.shop.fail = func(int) error { <-release; return nil } // hold the first until all others answered
	answers := make(chan string, n)
	for range n {
		go func() { answers <- e.get(e.ok.PaymentParams(coins("9300")), "127.0.0.1:1").Body.String() }()
	}
	var got []string
	for len(got) < n-1 {
		select {
		case a := <-answers:
			got = append(got, a)
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d answered while one was crediting", len(got), n-1)
		}
	}
	close(release)
	got = append(got, <-answers)
	trues := 0
	for _, a := range got {
		if a == successXML {
			trues++
		} else {
			assert.Contains(t, a, "<error_code>2</error_code>")
		}
	}
	assert.Equal(t, 1, trues)
	assert.Equal(t, 1, e.shop.Calls())
	assert.Equal(t, successXML, e.get(e.ok.PaymentParams(coins("9300")), "127.0.0.1:1").Body.String(), "OK's retry")
	assert.Equal(t, 1, e.shop.Calls())
	assert.Equal(t, 100, e.shop.Balance("574385021466"))
}

// TestNew: New refuses a config without what it needs, naming the field.
func TestNew(t *testing.T) {
	credit := (&shop{}).Credit
	for _, tt := range []struct {
		cfg   okpay.Config
		field string
	}{
		{okpay.Config{AppSecret: "s", Credit: credit}, "AppKey"},
		{okpay.Config{AppKey: "k", Credit: credit}, "AppSecret"},
		{okpay.Config{AppKey: "k", AppSecret: "s"}, "Credit"},
		{okpay.Config{AppKey: "k", AppSecret: "s", Credit: credit, Networks: []netip.Prefix{}}, "Networks"},
		{okpay.Config{AppKey: "k", AppSecret: "s", Credit: credit, Networks: []netip.Prefix{{}}}, "Networks"},
		{okpay.Config{AppKey: "k", AppSecret: "s", Credit: credit, Retention: time.Minute}, "Retention"},
		{okpay.Config{AppKey: "k", AppSecret: "s", Credit: credit, Timeout: -1}, "Timeout"},
	} {
		_, err := okpay.New(tt.cfg)
		require.ErrorIs(t, err, okpay.ErrConfig)
		assert.Contains(t, err.Error(), tt.field)
	}
	_, err := okpay.New(okpay.Config{AppKey: "k", AppSecret: "s", Credit: credit})
	assert.NoError(t, err)
}

func TestErrorMessages(t *testing.T) {
	assert.Equal(t, "okpay: invalid payment (OK.ru error 1001)", okpay.ErrInvalidPayment.Error())
	var e *okpay.Error
	require.ErrorAs(t, errorf("x: %w", okpay.ErrTryLater), &e)
	assert.Equal(t, okpay.CodeService, e.Code)
	raw, _ := json.Marshal(okpay.Payment{}.ExtraAttributes)
	assert.Equal(t, "null", string(raw))
}
