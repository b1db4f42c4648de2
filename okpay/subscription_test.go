package okpay_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/oktest"
)

// events records every call of Config.Credit; the n-th call (1-based)
// fails with fail(n) when fail is set.
type events struct {
	mu    sync.Mutex
	calls []okpay.Payment
	fail  func(call int) error
}

func (ev *events) Credit(_ context.Context, p okpay.Payment) error {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	ev.calls = append(ev.calls, p)
	if ev.fail != nil {
		return ev.fail(len(ev.calls))
	}
	return nil
}

func (ev *events) all() []okpay.Payment {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return append([]okpay.Payment(nil), ev.calls...)
}

func newEventsEnv(t *testing.T) (*env, *events) {
	ev := &events{}
	return newEnv(t, func(c *okpay.Config) { c.Credit = ev.Credit }), ev
}

// trialStart is a subscription's trial period starting, as OK's
// callbacks.payment page describes it: no transaction_id, no product_code.
func trialStart(when time.Time) oktest.Payment {
	return oktest.Payment{UID: "574385021466", SubscriptionEvent: true, Time: when, Amount: 0,
		Extra: url.Values{"trial_days": {"7"}, "card_promo": {"true"}}}
}

// TestSubscriptionEventOnce: a subscription event without transaction_id
// and product_code reaches the app as a SubscriptionEvent with OK's
// subscription fields, and a repeat of the same event (a new call_id, as
// OK's retry has) is answered true without calling the app again; another
// event of the same user is a new one.
func TestSubscriptionEventOnce(t *testing.T) {
	e, ev := newEventsEnv(t)
	when := time.Now().Add(-time.Minute).Truncate(time.Second)
	first := e.ok.PaymentParams(trialStart(when))
	retry := e.ok.PaymentParams(trialStart(when))
	require.Empty(t, first.Get("transaction_id"))
	require.Empty(t, first.Get("product_code"))
	require.NotEqual(t, first.Get("call_id"), retry.Get("call_id"))

	for _, q := range []url.Values{first, retry} {
		w := e.get(q, "127.0.0.1:40000")
		assert.Equal(t, successXML, w.Body.String())
	}
	calls := ev.all()
	require.Len(t, calls, 1, "the retry is answered true without calling the app")
	got := calls[0]
	assert.Equal(t, okpay.SubscriptionEvent, got.Kind)
	assert.Empty(t, got.TransactionID)
	assert.Empty(t, got.ProductCode)
	assert.Equal(t, 7, got.TrialDays)
	assert.True(t, got.CardPromo)
	assert.True(t, strings.HasPrefix(got.EventID, "="), got.EventID)
	assert.True(t, got.Time.Equal(when))

	// The cancellation, a second later: another event.
	cancel := oktest.Payment{UID: "574385021466", SubscriptionEvent: true, Time: when.Add(time.Second)}
	assert.Equal(t, successXML, e.get(e.ok.PaymentParams(cancel), "127.0.0.1:40000").Body.String())
	calls = ev.all()
	require.Len(t, calls, 2)
	assert.Equal(t, okpay.SubscriptionEvent, calls[1].Kind)
	assert.Zero(t, calls[1].TrialDays)
	assert.NotEqual(t, calls[0].EventID, calls[1].EventID)
}

// TestSubscriptionEventRetried: the app fails once (2), OK retries the
// same event, and the retry reaches the app under the same EventID; once
// answered true, a further repeat does not reach it.
func TestSubscriptionEventRetried(t *testing.T) {
	e, ev := newEventsEnv(t)
	ev.fail = func(call int) error {
		if call == 1 {
			return okpay.ErrTryLater
		}
		return nil
	}
	p := trialStart(time.Time{})
	d := e.deliver(t, p)
	assert.Equal(t, oktest.Paid, d.Outcome)
	assert.Equal(t, []int{2, 0}, codes(d))
	calls := ev.all()
	require.Len(t, calls, 2)
	assert.Equal(t, calls[0].EventID, calls[1].EventID)

	p.Time = calls[0].Time
	assert.Equal(t, successXML, e.get(e.ok.PaymentParams(p), "127.0.0.1:40000").Body.String())
	assert.Len(t, ev.all(), 2, "a repeat after true does not reach the app")
}

// TestPurchaseKind: a call with a transaction_id is a Purchase keyed by it.
func TestPurchaseKind(t *testing.T) {
	e := newEnv(t, nil)
	assert.Equal(t, successXML, e.get(e.ok.PaymentParams(coins("9001")), "127.0.0.1:40000").Body.String())
	require.Equal(t, 1, e.shop.Calls())
	assert.Equal(t, okpay.Purchase, e.shop.calls[0].Kind)
	assert.Equal(t, "9001", e.shop.calls[0].EventID)
}
