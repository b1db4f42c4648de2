package okpay_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth/okpay"
)

// TestTransactionTimeSkew: OK's clock may run a little ahead of the
// app's; a transaction_time up to 5 minutes ahead is credited, one
// further ahead is refused (1001), as OK calls after a payment, never
// before.
func TestTransactionTimeSkew(t *testing.T) {
	tests := []struct {
		name  string
		ahead time.Duration
		want  string
	}{
		{"4 minutes ahead", 4 * time.Minute, successXML},
		{"an hour ahead", time.Hour, errorXML(1001, "CALLBACK_INVALID_PAYMENT : Payment is invalid and can not be processed")},
		{"a year ahead", 365 * 24 * time.Hour, errorXML(1001, "CALLBACK_INVALID_PAYMENT : Payment is invalid and can not be processed")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			p := coins("9200")
			p.Time = time.Now().Add(tt.ahead)
			w := e.get(e.ok.PaymentParams(p), "127.0.0.1:40000")
			assert.Equal(t, tt.want, w.Body.String())
			if tt.want != successXML {
				assert.Zero(t, e.shop.Calls(), "the app was called")
				assert.Contains(t, e.logs.String(), "transaction_time in the future")
			}
		})
	}
}

// TestReplayOfForgottenTransaction: past MaxRecords the default store
// forgets the oldest credited transaction inside Retention, and a replay
// of its signed callback is refused (1001), not credited again; a
// remembered one is answered true without the app, and a new payment is
// credited.
func TestReplayOfForgottenTransaction(t *testing.T) {
	e := newEnv(t, func(c *okpay.Config) { c.MaxRecords = 2 })
	var sent []url.Values
	for i, id := range []string{"a", "b", "c"} {
		p := coins(id)
		p.Time = time.Now().Add(time.Duration(i-3) * time.Hour)
		q := e.ok.PaymentParams(p)
		require.Equal(t, successXML, e.get(q, "127.0.0.1:40000").Body.String())
		sent = append(sent, q)
	}
	require.Equal(t, 3, e.shop.Calls())

	w := e.get(sent[0], "127.0.0.1:40000")
	assert.Equal(t, errorXML(1001, "CALLBACK_INVALID_PAYMENT : Payment is invalid and can not be processed"), w.Body.String())
	assert.Equal(t, successXML, e.get(sent[1], "127.0.0.1:40000").Body.String())
	assert.Equal(t, 3, e.shop.Calls(), "a replay reached the app")
	assert.Equal(t, 300, e.shop.Balance("574385021466"), "credited once each")

	assert.Equal(t, successXML, e.get(e.ok.PaymentParams(coins("d")), "127.0.0.1:40000").Body.String())
	assert.Equal(t, 4, e.shop.Calls())
}
