package okpay_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestRecut: OK signs name=value pairs joined with no separator, so a
// signed callback can be cut into other pairs with the same signature.
// Here a roubles payment the shop refused is re-cut so that its currency
// disappears (it would read as paid in OKs and be credited): each cut
// signs exactly as OK's callback, and each is refused before the app.
func TestRecut(t *testing.T) {
	tests := []struct {
		name  string
		extra url.Values         // more parameters OK sent
		cut   func(q url.Values) // turns OK's parameters into the re-cut ones
	}{
		{"a name swallows the next pair (call_id=123currency)", nil, func(q url.Values) {
			q.Set("call_id=123currency", q.Get("currency"))
			q.Del("call_id")
			q.Del("currency")
		}},
		{"an unknown name swallows the next pair (card_promo=Xcurrency)", url.Values{"card_promo": {"X"}}, func(q url.Values) {
			q.Set("card_promo=Xcurrency", q.Get("currency"))
			q.Del("card_promo")
			q.Del("currency")
		}},
		{"a value swallows the next pair", nil, func(q url.Values) {
			q.Set("call_id", "123currency="+q.Get("currency"))
			q.Del("currency")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			p := coins("9001")
			p.Currency = "RUB"
			p.Extra = tt.extra
			q := e.ok.PaymentParams(p)
			q.Set("call_id", "123")
			q.Del("sig")
			q.Set("sig", okauth.Sign(q, e.ok.AppSecret)) // as OK signs it
			w := e.get(q, "127.0.0.1:40000")
			require.Equal(t, errorXML(1001, "CALLBACK_INVALID_PAYMENT : Payment is invalid and can not be processed"), w.Body.String(), "the shop refuses roubles")
			calls := e.shop.Calls()

			tt.cut(q)
			sig := q.Get("sig")
			q.Del("sig")
			require.Equal(t, sig, okauth.Sign(q, e.ok.AppSecret), "the re-cut signs as OK's callback")
			q.Set("sig", sig)
			w = e.get(q, "127.0.0.1:40000")
			assert.Equal(t, []string{"104"}, w.Header()["Invocation-error"])
			assert.Equal(t, calls, e.shop.Calls(), "the re-cut reached the app")
			assert.Zero(t, e.shop.Balance(p.UID))
		})
	}
}

// TestQueryAsOKWritesIt: a value may hold ';', '+', spaces, Cyrillic and
// JSON, raw as OK sends them; the signature is over the values as sent,
// and the app gets them unchanged.
func TestQueryAsOKWritesIt(t *testing.T) {
	tests := []struct{ name, field, value string }{
		{"a raw ;", "product_option", "gold;silver"},
		{"a +", "product_option", "1+1"},
		{"spaces", "product_option", "large pack of coins"},
		{"Cyrillic", "product_option", "Золотой сундук — «лучший»"},
		{"JSON with all of them", "extra_attributes", `{"note":"a;b +c","имя":"Привет","n":[1,2]}`},
		{"an unknown parameter with ;", "some_future_param", "a;b;c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			p := coins("9100")
			p.Extra = url.Values{tt.field: {tt.value}}
			q := e.ok.PaymentParams(p)
			if tt.field == "extra_attributes" {
				q.Set(tt.field, tt.value)
				q.Del("sig")
				q.Set("sig", okauth.Sign(q, e.ok.AppSecret))
			}
			raw := oktest.RawQuery(q)
			if strings.Contains(tt.value, ";") {
				require.Contains(t, raw, ";", "the ; is sent raw")
			}
			w := e.getRaw(raw, "127.0.0.1:40000")
			require.Equal(t, successXML, w.Body.String())
			require.Equal(t, 1, e.shop.Calls())
			assert.Equal(t, tt.value, e.shop.calls[0].Params.Get(tt.field))
		})
	}
}

// TestEveryParameterOKSends: a callback with every parameter OK
// documents, card_promo and trial_days included, is credited.
func TestEveryParameterOKSends(t *testing.T) {
	e := newEnv(t, nil)
	p := coins("9300")
	p.ProductOption = "gold"
	p.Extra = url.Values{"card_promo": {"1"}, "trial_days": {"7"}}
	w := e.get(e.ok.PaymentParams(p), "127.0.0.1:40000")
	require.Equal(t, successXML, w.Body.String())
	for _, name := range []string{"uid", "transaction_id", "transaction_time", "product_code", "product_option", "amount",
		"payment_system", "extra_attributes", "application_key", "call_id", "method", "card_promo", "trial_days"} {
		assert.NotEmpty(t, e.shop.calls[0].Params.Get(name), name)
	}
}
