package exampleapp

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/oktest"
)

// TestShop runs the example with its embedded fake OK: POST /dev/pay has
// the fake deliver coins100 to /ok/payment as OK does, the user's balance
// grows by 100, and a callback OK did not sign is refused with 104.
func TestShop(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	routes := func(*okauth.Auth) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			uid := r.URL.Query().Get("uid")
			if r.URL.Path == "/premium" {
				fmt.Fprint(w, r.Context().Value(shopKey{}).(*Shop).Premium(uid))
				return
			}
			if b := BalanceOf(r.Context(), uid); b != nil {
				fmt.Fprint(w, *b)
			}
		})
	}
	pr, pw := io.Pipe()
	var logs bytes.Buffer
	done := make(chan error, 1)
	getenv := func(k string) string { return map[string]string{"ADDR": "127.0.0.1:0"}[k] }
	go func() { done <- Run(ctx, getenv, pw, slog.New(slog.NewTextHandler(&logs, nil)), routes) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "okauth example: open "), "/")

	do := func(method, path string) string {
		req, err := http.NewRequestWithContext(ctx, method, base+path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	balance := "/balance?uid=" + oktest.DefaultUser.UID
	assert.Equal(t, "0", do(http.MethodGet, balance))
	assert.Equal(t, "paid (1 attempt)\n", do(http.MethodPost, "/dev/pay"))
	assert.Equal(t, "100", do(http.MethodGet, balance))
	assert.Equal(t, "paid (1 attempt)\n", do(http.MethodPost, "/dev/pay"))
	assert.Equal(t, "200", do(http.MethodGet, balance))
	assert.Contains(t, do(http.MethodGet, "/ok/payment?uid=1&transaction_id=1&sig=00"), "<error_code>104</error_code>")
	assert.Equal(t, "200", do(http.MethodGet, balance))

	// premium: its trial starts and is cancelled, each an event OK sends
	// without transaction_id.
	premium := "/premium?uid=" + oktest.DefaultUser.UID
	assert.Equal(t, "false", do(http.MethodGet, premium))
	assert.Equal(t, "paid (1 attempt)\n", do(http.MethodPost, "/dev/premium?event=trial"))
	assert.Equal(t, "true", do(http.MethodGet, premium))
	assert.Equal(t, "paid (1 attempt)\n", do(http.MethodPost, "/dev/premium?event=cancel"))
	assert.Equal(t, "false", do(http.MethodGet, premium))
	assert.Equal(t, "200", do(http.MethodGet, balance), "no coins for a subscription event")

	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, logs.String(), "curl -X POST "+base+"/dev/pay", "the log says how to pay")
}

// TestShopCredit: only coins100 for 10 OKs is for sale.
func TestShopCredit(t *testing.T) {
	s := &Shop{}
	require.NoError(t, s.Credit(t.Context(), okpayPayment("coins100", 10, "")))
	assert.Error(t, s.Credit(t.Context(), okpayPayment("coins100", 1, "")))
	assert.Error(t, s.Credit(t.Context(), okpayPayment("coins100", 10, "RUB")))
	assert.Error(t, s.Credit(t.Context(), okpayPayment("gems", 10, "")))
	assert.Equal(t, 100, s.Balance("7"))
}

// TestShopPremium: premium's trial start and cancellation (no
// transaction_id, maybe no product_code) and its paid periods; a
// subscription event of another product is refused.
func TestShopPremium(t *testing.T) {
	s := &Shop{}
	event := func(product string, trialDays int) okpay.Payment {
		return okpay.Payment{Kind: okpay.SubscriptionEvent, UID: "7", ProductCode: product, TrialDays: trialDays}
	}
	require.NoError(t, s.Credit(t.Context(), event("", 7)))
	assert.True(t, s.Premium("7"), "trial started")
	require.NoError(t, s.Credit(t.Context(), event(PremiumCode, 0)))
	assert.False(t, s.Premium("7"), "cancelled")
	require.NoError(t, s.Credit(t.Context(), okpay.Payment{UID: "7", TransactionID: "2", ProductCode: PremiumCode, Amount: PremiumPrice}))
	assert.True(t, s.Premium("7"), "a paid period")
	assert.ErrorIs(t, s.Credit(t.Context(), event("gold", 7)), okpay.ErrInvalidPayment)
	assert.ErrorIs(t, s.Credit(t.Context(), okpay.Payment{UID: "7", TransactionID: "3", ProductCode: PremiumCode, Amount: 1}), okpay.ErrInvalidPayment)
	assert.Zero(t, s.Balance("7"))
}

// TestCardBalance: the user's card shows their coins when there is a
// shop, in the page's language, and no such line when there is none.
func TestCardBalance(t *testing.T) {
	cfg, err := Config(env(map[string]string{"SESSION_KEY": "a fixed secret of thirty-two bytes+"}), "http://localhost:8080", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	cfg.AppID, cfg.AppKey = "1", "K"
	auth, err := okauth.New(cfg)
	require.NoError(t, err)
	site := Site{Auth: auth, Logger: slog.New(slog.DiscardHandler)}
	shop := &Shop{}
	require.NoError(t, shop.Credit(t.Context(), okpayPayment("coins100", 10, "")))

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	assert.Empty(t, site.cardLines(r, okauth.User{UID: "7"}), "no shop, no coins line")

	r = r.WithContext(context.WithValue(r.Context(), shopKey{}, shop))
	r.Header.Set("Accept-Language", "ru")
	assert.Equal(t, []Line{{ID: "balance", Label: russian.Coins, Value: "100"}}, site.cardLines(r, okauth.User{UID: "7"}))
	r.Header.Set("Accept-Language", "en")
	assert.Equal(t, []Line{{ID: "balance", Label: english.Coins, Value: "0"}}, site.cardLines(r, okauth.User{UID: "8"}))
}
