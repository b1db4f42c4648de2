package exampleapp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"sync"

	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/oktest"
)

// The one product the example sells at its Callback link, /ok/payment.
const (
	ProductCode  = "coins100"
	ProductPrice = 10  // in OKs
	ProductCoins = 100 // what it credits
)

// Shop is the example's shop: each user's coins, in memory. A real app
// keeps them in its database, with transaction_id unique.
type Shop struct {
	mu    sync.Mutex
	coins map[string]int
}

// Credit is the okpay.Config.Credit of the example: coins100 for 10 OKs,
// anything else is an invalid payment that OK refunds.
func (s *Shop) Credit(_ context.Context, p okpay.Payment) error {
	if p.ProductCode != ProductCode || p.Amount != ProductPrice || p.Currency != "" {
		return fmt.Errorf("%s for %d %s is not for sale: %w", p.ProductCode, p.Amount, p.Currency, okpay.ErrInvalidPayment)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.coins == nil {
		s.coins = map[string]int{}
	}
	s.coins[p.UID] += ProductCoins
	return nil
}

// Balance is how many coins uid has.
func (s *Shop) Balance(uid string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.coins[uid]
}

type shopKey struct{}

// BalanceOf is the coins of uid in the shop Run serves, for the home
// page's Balance; nil when there is no shop (no app secret to check OK's
// payments with).
func BalanceOf(ctx context.Context, uid string) *int {
	s, ok := ctx.Value(shopKey{}).(*Shop)
	if !ok {
		return nil
	}
	b := s.Balance(uid)
	return &b
}

// withShop mounts, with store keeping the credited transactions (nil:
// okpay's MemoryStore), the shop's routes beside app's: GET /ok/payment, OK's
// Callback link, and with a fake OK, POST /dev/pay, which has the fake
// deliver a purchase of coins100 by its user as OK would.
func withShop(app http.Handler, appKey, appSecret string, store okpay.Store, fake *oktest.Server, base string, logger *slog.Logger) (http.Handler, error) {
	shop := &Shop{}
	cfg := okpay.Config{AppKey: appKey, AppSecret: appSecret, Credit: shop.Credit, Store: store, Logger: logger}
	if fake != nil {
		cfg.Networks = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
	pay, err := okpay.New(cfg)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /ok/payment", pay)
	if fake != nil {
		dev := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			d, err := fake.DeliverPayment(r.Context(), base+"/ok/payment", oktest.Payment{ProductCode: ProductCode, Amount: ProductPrice})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			attempts := "1 attempt"
			if n := len(d.Attempts); n != 1 {
				attempts = strconv.Itoa(n) + " attempts"
			}
			fmt.Fprintf(w, "%s (%s)\n", d.Outcome, attempts)
		})
		mux.Handle("POST /dev/pay", http.NewCrossOriginProtection().Handler(dev))
		logger.Info("to buy coins100 as the fake's user, run: curl -X POST " + base + "/dev/pay")
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), shopKey{}, shop)))
	}))
	return mux, nil
}
