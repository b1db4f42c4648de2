package bench

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/oktest"
)

// successXML is OK's answer for a credited payment.
const successXML = `<?xml version="1.0" encoding="UTF-8"?><callbacks_payment_response xmlns="http://api.forticom.com/1.0/">true</callbacks_payment_response>`

// paymentFixture is a Callback link with the default in-memory store, a
// Credit that counts, and a fake OK to sign callbacks.
func paymentFixture(b *testing.B) (*okpay.Handler, *oktest.Server, *atomic.Int64) {
	fake := oktest.NewUnstartedServer()
	var credits atomic.Int64
	pay, err := okpay.New(okpay.Config{
		AppKey: fake.AppKey, AppSecret: fake.AppSecret, Logger: slog.New(slog.DiscardHandler),
		Networks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Credit:   func(context.Context, okpay.Payment) error { credits.Add(1); return nil },
	})
	require.NoError(b, err)
	return pay, fake, &credits
}

func paymentRequest(fake *oktest.Server, txn string) *http.Request {
	q := fake.PaymentParams(oktest.Payment{TransactionID: txn, ProductCode: "coins100", Amount: 10, ExtraAttributes: `{"level":3}`})
	r := httptest.NewRequest(http.MethodGet, "/ok/payment?"+q.Encode(), nil)
	r.RemoteAddr = "127.0.0.1:40000"
	return r
}

// BenchmarkPaymentCallback is one new payment: the network, signature and
// field checks, the claim, Credit and the record, and OK's XML answer.
// Requests are signed in batches with the timer stopped.
func BenchmarkPaymentCallback(b *testing.B) {
	pay, fake, credits := paymentFixture(b)
	w := &recordingWriter{h: http.Header{}}
	batch := make([]*http.Request, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%len(batch) == 0 {
			b.StopTimer()
			for j := range batch {
				batch[j] = paymentRequest(fake, strconv.Itoa(i+j+1))
			}
			b.StartTimer()
		}
		pay.ServeHTTP(w, batch[i%len(batch)])
	}
	b.StopTimer()
	require.Equal(b, successXML, string(w.last))
	b.ReportMetric(float64(credits.Load())/float64(b.N), "credits/op")
}

// BenchmarkPaymentRepeat is OK's retry of a credited payment: every check,
// then true without calling the app.
func BenchmarkPaymentRepeat(b *testing.B) {
	pay, fake, credits := paymentFixture(b)
	r := paymentRequest(fake, "1")
	w := &recordingWriter{h: http.Header{}}
	pay.ServeHTTP(w, r)
	b.ReportAllocs()
	for b.Loop() {
		pay.ServeHTTP(w, r)
	}
	require.Equal(b, successXML, string(w.last))
	b.ReportMetric(float64(credits.Load()-1)/float64(b.N), "credits/op")
}

// BenchmarkPaymentSignFloor is OK's signature of the same parameters
// alone: the MD5 every callback has to pay.
func BenchmarkPaymentSignFloor(b *testing.B) {
	_, fake, _ := paymentFixture(b)
	q := fake.PaymentParams(oktest.Payment{TransactionID: "1", ProductCode: "coins100", Amount: 10, ExtraAttributes: `{"level":3}`})
	q.Del("sig")
	b.ReportAllocs()
	for b.Loop() {
		_ = okauth.Sign(q, fake.AppSecret)
	}
}

// recordingWriter keeps the last body written.
type recordingWriter struct {
	h    http.Header
	last []byte
}

func (w *recordingWriter) Header() http.Header { return w.h }
func (w *recordingWriter) Write(p []byte) (int, error) {
	w.last = append(w.last[:0], p...)
	return len(p), nil
}
func (*recordingWriter) WriteHeader(int) {}
