package okpay_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/oktest"
)

// deliver serves e's handler on loopback and has the fake OK deliver p to
// it as OK does, retrying 10 ms apart instead of 5 s.
func (e *env) deliver(t *testing.T, p oktest.Payment) oktest.Delivery {
	t.Helper()
	srv := httptest.NewServer(e.pay)
	t.Cleanup(srv.Close)
	e.ok.PaymentRetryInterval = 10 * time.Millisecond
	d, err := e.ok.DeliverPayment(t.Context(), srv.URL+"/ok/payment", p)
	require.NoError(t, err)
	return d
}

func codes(d oktest.Delivery) []int {
	var c []int
	for _, a := range d.Attempts {
		if a.Err != nil {
			c = append(c, -1)
			continue
		}
		c = append(c, a.Code)
	}
	return c
}

// TestDeliveryPaid: one try, true, credited.
func TestDeliveryPaid(t *testing.T) {
	e := newEnv(t, nil)
	d := e.deliver(t, coins(""))
	assert.Equal(t, oktest.Paid, d.Outcome)
	assert.Equal(t, []int{0}, codes(d))
	assert.Equal(t, 100, e.shop.Balance("574385021466"))
}

// TestDeliveryUnknownProduct: the app says the payment is invalid (1001),
// so OK cancels and refunds at once, without retrying.
func TestDeliveryUnknownProduct(t *testing.T) {
	e := newEnv(t, nil)
	p := coins("")
	p.ProductCode = "gems500"
	d := e.deliver(t, p)
	assert.Equal(t, oktest.Cancelled, d.Outcome)
	assert.Equal(t, []int{1001}, codes(d))
	assert.Equal(t, "1001", d.Attempts[0].Invocation)
	assert.Equal(t, 1, e.shop.Calls())
	assert.Zero(t, e.shop.Balance("574385021466"))
}

// TestDeliveryAppFailure: the app fails once (2), OK retries 5 s later
// (here 10 ms) with the same transaction, and the retry is credited.
func TestDeliveryAppFailure(t *testing.T) {
	e := newEnv(t, nil)
	e.shop.fail = func(call int) error {
		if call == 1 {
			return okpay.ErrTryLater
		}
		return nil
	}
	d := e.deliver(t, coins(""))
	assert.Equal(t, oktest.Paid, d.Outcome)
	assert.Equal(t, []int{2, 0}, codes(d))
	require.Equal(t, 2, e.shop.Calls())
	assert.Equal(t, e.shop.calls[0].TransactionID, e.shop.calls[1].TransactionID)
	assert.NotEqual(t, e.shop.calls[0].CallID, e.shop.calls[1].CallID, "each try is a new call")
	assert.Equal(t, 100, e.shop.Balance("574385021466"), "credited once")
}

// TestDeliveryAppPanics: a panic in Credit releases the transaction, so
// OK's retry credits it.
func TestDeliveryAppPanics(t *testing.T) {
	e := newEnv(t, nil)
	e.shop.fail = func(call int) error {
		if call == 1 {
			panic(http.ErrAbortHandler) // net/http drops the connection quietly
		}
		return nil
	}
	d := e.deliver(t, coins(""))
	assert.Equal(t, oktest.Paid, d.Outcome)
	assert.Equal(t, []int{-1, 0}, codes(d))
	assert.Equal(t, 100, e.shop.Balance("574385021466"))
}

// TestDeliveryGivesUp: three failures and OK refunds.
func TestDeliveryGivesUp(t *testing.T) {
	e := newEnv(t, nil)
	e.shop.fail = func(int) error { return okpay.ErrTryLater }
	d := e.deliver(t, coins(""))
	assert.Equal(t, oktest.Refunded, d.Outcome)
	assert.Equal(t, []int{2, 2, 2}, codes(d))
	assert.Equal(t, 3, e.shop.Calls())
}

// TestDeliveryBadSignature: a handler with another secret than OK's
// refuses every try with 104 and never calls the app.
func TestDeliveryBadSignature(t *testing.T) {
	e := newEnv(t, func(c *okpay.Config) { c.AppSecret = "NOTOKSSECRET" })
	d := e.deliver(t, coins(""))
	assert.Equal(t, oktest.Refunded, d.Outcome)
	assert.Equal(t, []int{104, 104, 104}, codes(d))
	assert.Zero(t, e.shop.Calls())
}
