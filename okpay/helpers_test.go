package okpay_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/oktest"
)

// loopback are the networks oktest delivers from.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

const successXML = `<?xml version="1.0" encoding="UTF-8"?><callbacks_payment_response xmlns="http://api.forticom.com/1.0/">true</callbacks_payment_response>`

func errorXML(code int, msg string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><ns2:error_response xmlns:ns2="http://api.forticom.com/1.0/"><error_code>` +
		strconv.Itoa(code) + `</error_code><error_msg>` + msg + `</error_msg></ns2:error_response>`
}

// shop is an app that sells coins100 for 10 OKs and records every call
// of its Credit.
type shop struct {
	mu      sync.Mutex
	calls   []okpay.Payment
	balance map[string]int
	fail    func(call int) error // an error for the n-th call (1-based), if any
}

func (s *shop) Credit(_ context.Context, p okpay.Payment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, p)
	if s.fail != nil {
		if err := s.fail(len(s.calls)); err != nil {
			return err
		}
	}
	if p.ProductCode != "coins100" || p.Amount != 10 || p.Currency != "" {
		return okpay.ErrInvalidPayment
	}
	if s.balance == nil {
		s.balance = map[string]int{}
	}
	s.balance[p.UID] += 100
	return nil
}

func (s *shop) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

func (s *shop) Balance(uid string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.balance[uid]
}

// env is a fake OK, a shop and its payment handler, with the handler's
// log.
type env struct {
	ok   *oktest.Server
	shop *shop
	pay  *okpay.Handler
	logs *flowtest.LogBuffer
}

func newEnv(t testing.TB, edit func(*okpay.Config)) *env {
	t.Helper()
	e := &env{ok: oktest.NewUnstartedServer(), shop: &shop{}, logs: &flowtest.LogBuffer{}}
	cfg := okpay.Config{
		AppKey: e.ok.AppKey, AppSecret: e.ok.AppSecret, Credit: e.shop.Credit,
		Networks: loopback, Logger: slog.New(slog.NewTextHandler(e.logs, nil)),
	}
	if edit != nil {
		edit(&cfg)
	}
	var err error
	e.pay, err = okpay.New(cfg)
	require.NoError(t, err)
	return e
}

// coins is the purchase the shop sells.
func coins(txn string) oktest.Payment {
	return oktest.Payment{UID: "574385021466", TransactionID: txn, ProductCode: "coins100", Amount: 10,
		ExtraAttributes: `{"level":3}`, PaymentSystem: "OKS"}
}

// get serves a callback with query q from addr, as OK's GET.
func (e *env) get(q url.Values, addr string) *httptest.ResponseRecorder {
	return e.getRaw(q.Encode(), addr)
}

// getRaw serves a callback with the raw query q from addr.
func (e *env) getRaw(q, addr string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/ok/payment", nil)
	r.URL.RawQuery = q
	r.RemoteAddr = addr
	w := httptest.NewRecorder()
	e.pay.ServeHTTP(w, r)
	return w
}

// moscowTime is when, as OK writes transaction_time.
func moscowTime(when time.Time) string {
	return when.In(time.FixedZone("MSK", 3*60*60)).Format("2006-01-02 15:04:05")
}
