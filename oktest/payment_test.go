package oktest_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/oktest"
)

// TestPaymentParams: the fake signs a callback as OK does.
func TestPaymentParams(t *testing.T) {
	fake := oktest.NewUnstartedServer()
	when := time.Date(2026, 11, 24, 21, 30, 0, 0, time.UTC)
	q := fake.PaymentParams(oktest.Payment{TransactionID: "77", Time: when, ProductCode: "coins100", Amount: 10,
		ExtraAttributes: `{"a":1}`, Extra: url.Values{"trial_days": {"3"}}})
	assert.Equal(t, oktest.DefaultUser.UID, q.Get("uid"))
	assert.Equal(t, "77", q.Get("transaction_id"))
	assert.Equal(t, "2026-11-25 00:30:00", q.Get("transaction_time"), "Moscow time")
	assert.Equal(t, "10", q.Get("amount"))
	assert.NotContains(t, q, "currency", "paid in OKs")
	assert.Equal(t, `{"a":1}`, q.Get("extra_attributes"))
	assert.Equal(t, "3", q.Get("trial_days"))
	assert.Equal(t, fake.AppKey, q.Get("application_key"))
	assert.Equal(t, "callbacks.payment", q.Get("method"))
	assert.NotEmpty(t, q.Get("call_id"))
	sig := q.Get("sig")
	q.Del("sig")
	assert.Equal(t, okauth.Sign(q, fake.AppSecret), sig)
}

// TestDeliverPaymentReadsAnswersAsOK: only OK's exact answers count;
// anything else is retried, then refunded.
func TestDeliverPaymentReadsAnswersAsOK(t *testing.T) {
	const (
		trueXML  = `<?xml version="1.0" encoding="UTF-8"?><callbacks_payment_response xmlns="http://api.forticom.com/1.0/">true</callbacks_payment_response>`
		errorXML = `<?xml version="1.0" encoding="UTF-8"?><ns2:error_response xmlns:ns2="http://api.forticom.com/1.0/"><error_code>1001</error_code><error_msg>x</error_msg></ns2:error_response>`
	)
	answer := func(status int, ctype, header, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			if header != "" {
				w.Header()["Invocation-error"] = []string{header}
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	for _, tt := range []struct {
		name    string
		h       http.HandlerFunc
		outcome oktest.Outcome
		tries   int
	}{
		{"true", answer(200, "application/xml", "", trueXML), oktest.Paid, 1},
		{"1001", answer(200, "application/xml", "1001", errorXML), oktest.Cancelled, 1},
		{"1001 without the header", answer(200, "application/xml", "", errorXML), oktest.Refunded, 3},
		{"true as text/plain", answer(200, "text/plain", "", trueXML), oktest.Refunded, 3},
		{"true with HTTP 500", answer(500, "application/xml", "", trueXML), oktest.Refunded, 3},
		{"true in another namespace", answer(200, "application/xml", "", `<callbacks_payment_response>true</callbacks_payment_response>`), oktest.Refunded, 3},
		{"false", answer(200, "application/xml", "", `<callbacks_payment_response xmlns="http://api.forticom.com/1.0/">false</callbacks_payment_response>`), oktest.Refunded, 3},
		{"HTML", answer(200, "application/xml", "", `<html>ok</html>`), oktest.Refunded, 3},
		{"no answer in time", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, oktest.Refunded, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			app := httptest.NewServer(tt.h)
			defer app.Close()
			fake := oktest.NewUnstartedServer()
			fake.PaymentRetryInterval = time.Millisecond
			fake.PaymentTimeout = 50 * time.Millisecond
			d, err := fake.DeliverPayment(t.Context(), app.URL+"/ok/payment", oktest.Payment{ProductCode: "p", Amount: 1})
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, d.Outcome, "%+v", d.Attempts)
			assert.Len(t, d.Attempts, tt.tries)
		})
	}
	_, err := oktest.NewUnstartedServer().DeliverPayment(t.Context(), "/relative", oktest.Payment{})
	assert.Error(t, err)
}

// TestDeliverSubscriptionEvent: a subscription event goes without
// transaction_id, and every retry repeats its transaction_time, as OK's
// retries of one event do (only call_id changes).
func TestDeliverSubscriptionEvent(t *testing.T) {
	var mu sync.Mutex
	var got []url.Values
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Query())
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer app.Close()
	fake := oktest.NewUnstartedServer()
	fake.PaymentRetryInterval = 600 * time.Millisecond // the tries span more than a second
	d, err := fake.DeliverPayment(t.Context(), app.URL+"/ok/payment",
		oktest.Payment{SubscriptionEvent: true, Extra: url.Values{"trial_days": {"7"}}})
	require.NoError(t, err)
	assert.Equal(t, oktest.Refunded, d.Outcome)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 3)
	for _, q := range got {
		assert.NotContains(t, q, "transaction_id")
		assert.NotContains(t, q, "product_code")
		assert.Equal(t, got[0].Get("transaction_time"), q.Get("transaction_time"))
		assert.Equal(t, "7", q.Get("trial_days"))
	}
	assert.NotEqual(t, got[0].Get("call_id"), got[2].Get("call_id"))
}

// TestDeliverPaymentOverTLS: with Client set to a TLS test server's
// client, the fake delivers to an app served over https and the payment
// is credited; with the default client the certificate is not trusted and
// OK would refund.
func TestDeliverPaymentOverTLS(t *testing.T) {
	fake := oktest.NewUnstartedServer()
	fake.PaymentTries, fake.PaymentRetryInterval = 2, time.Millisecond
	var mu sync.Mutex
	var credited []string
	pay, err := okpay.New(okpay.Config{
		AppKey: fake.AppKey, AppSecret: fake.AppSecret,
		Networks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Logger:   slog.New(slog.DiscardHandler),
		Credit: func(ctx context.Context, p okpay.Payment) error {
			mu.Lock()
			defer mu.Unlock()
			credited = append(credited, p.TransactionID)
			return nil
		},
	})
	require.NoError(t, err)
	app := httptest.NewTLSServer(pay)
	defer app.Close()

	d, err := fake.DeliverPayment(context.Background(), app.URL+"/ok/payment", oktest.Payment{ProductCode: "coins100", Amount: 10})
	require.NoError(t, err)
	assert.Equal(t, oktest.Refunded, d.Outcome, "the default client does not trust the test server's certificate")
	require.NotEmpty(t, d.Attempts)
	assert.ErrorContains(t, d.Attempts[0].Err, "x509")

	fake.Client = app.Client()
	d, err = fake.DeliverPayment(context.Background(), app.URL+"/ok/payment", oktest.Payment{TransactionID: "900", ProductCode: "coins100", Amount: 10})
	require.NoError(t, err)
	assert.Equal(t, oktest.Paid, d.Outcome, "%+v", d.Attempts)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"900"}, credited, "credited once, not refunded")
}
