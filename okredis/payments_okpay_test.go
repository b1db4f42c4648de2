package okredis

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/okauth/okauth/oktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// payInstance is one instance of a shop: an okpay handler on store (its
// own Client of the shared Redis), counting the calls of Credit into
// credits.
func payInstance(t *testing.T, fake *oktest.Server, store *PaymentStore, credits *atomic.Int32) *httptest.Server {
	t.Helper()
	h, err := okpay.New(okpay.Config{
		AppKey: fake.AppKey, AppSecret: fake.AppSecret,
		Networks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Store:    store,
		Logger:   slog.New(slog.DiscardHandler),
		Credit: func(context.Context, okpay.Payment) error {
			credits.Add(1)
			time.Sleep(30 * time.Millisecond) // long enough for the other deliveries to arrive meanwhile
			return nil
		},
	})
	require.NoError(t, err)
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// deliver sends a signed callback and returns OK's error code in the
// answer, 0 for true.
func deliver(t *testing.T, target string, params url.Values) int {
	t.Helper()
	resp, err := http.Get(target + "?" + params.Encode())
	if !assert.NoError(t, err) {
		return -1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	switch {
	case strings.Contains(string(body), ">true<"):
		return 0
	case strings.Contains(string(body), "<error_code>2</error_code>"):
		return 2
	}
	t.Errorf("unexpected answer %d: %s", resp.StatusCode, body)
	return -1
}

// TestPaymentsCreditedOnceAcrossInstances: a payment delivered to A and
// retried to B is credited once; 20 concurrent deliveries of one
// transaction spread over A and B are credited once, the others told to
// retry (code 2), and every retry afterwards answered true.
func TestPaymentsCreditedOnceAcrossInstances(t *testing.T) {
	fake := oktest.NewServer()
	defer fake.Close()
	srv := redistest.Start(t)
	var credits atomic.Int32
	a, b := payInstance(t, fake, open(t, srv, Options{}).Payments(0, 0), &credits), payInstance(t, fake, open(t, srv, Options{}).Payments(0, 0), &credits)
	pay := oktest.Payment{UID: "42", ProductCode: "coins100", Amount: 10}

	params := fake.PaymentParams(pay)
	assert.Equal(t, 0, deliver(t, a.URL, params))
	assert.Equal(t, 0, deliver(t, b.URL, params), "the retry on B is answered true")
	assert.EqualValues(t, 1, credits.Load(), "and not credited again")

	credits.Store(0)
	params = fake.PaymentParams(pay)
	var wg sync.WaitGroup
	var trues, retries atomic.Int32
	for i := range 20 {
		wg.Go(func() {
			target := a.URL
			if i%2 == 1 {
				target = b.URL
			}
			switch deliver(t, target, params) {
			case 0:
				trues.Add(1)
			case 2:
				retries.Add(1)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, credits.Load(), "credited once")
	assert.EqualValues(t, 20, trues.Load()+retries.Load())
	assert.GreaterOrEqual(t, trues.Load(), int32(1))
	t.Logf("20 racing deliveries: %d answered true, %d told to retry", trues.Load(), retries.Load())
	assert.Equal(t, 0, deliver(t, a.URL, params), "OK's retry after the race")
	assert.Equal(t, 0, deliver(t, b.URL, params))
	assert.EqualValues(t, 1, credits.Load())
}
