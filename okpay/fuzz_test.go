package okpay_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/okauth/okauth"
)

// FuzzCallback: whatever query arrives, the handler answers OK's XML
// without panicking, and calls the app only for a query whose every
// parameter is single and signed with the app secret.
func FuzzCallback(f *testing.F) {
	seed := newEnv(f, nil)
	f.Add(seed.ok.PaymentParams(coins("1")).Encode())
	f.Add("uid=1&sig=00")
	f.Add("a=1&a=2")
	f.Add("%zz")
	f.Fuzz(func(t *testing.T, query string) {
		e := newEnv(t, nil)
		r := httptest.NewRequest(http.MethodGet, "/ok/payment", nil)
		r.URL.RawQuery = query
		r.RemoteAddr = "127.0.0.1:1"
		w := httptest.NewRecorder()
		e.pay.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/xml" ||
			!strings.HasPrefix(w.Body.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
			t.Fatalf("answer %d %q", w.Code, w.Body.String())
		}
		if e.shop.Calls() == 0 {
			return
		}
		q, err := url.ParseQuery(query)
		if err != nil {
			t.Fatalf("app called for a malformed query: %v", err)
		}
		sig := q.Get("sig")
		q.Del("sig")
		if okauth.Sign(q, e.ok.AppSecret) != strings.ToLower(sig) {
			t.Fatal("app called for a query not signed with the app secret")
		}
	})
}
