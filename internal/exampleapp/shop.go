package exampleapp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"sync"

	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/oktest"
)

// The product the example sells at its Callback link, /ok/payment.
const (
	ProductCode  = "coins100"
	ProductPrice = 10  // in OKs
	ProductCoins = 100 // what it credits
)

// The subscription the example sells beside the coins: OK charges
// PremiumPrice every period, after a trial (both set in the subscription's
// settings at OK).
const (
	PremiumCode  = "premium"
	PremiumPrice = 30 // in OKs, each period
)

// Shop is the example's shop: each user's coins and premium subscription,
// in memory. A real app keeps them in its database, with transaction_id
// unique.
type Shop struct {
	mu      sync.Mutex
	coins   map[string]int
	premium map[string]bool
}

// Credit is the okpay.Config.Credit of the example: coins100 for 10 OKs,
// a period of premium for 30 OKs, premium's trial starting or its
// cancellation; anything else is an invalid payment that OK refunds.
func (s *Shop) Credit(_ context.Context, p okpay.Payment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.coins == nil {
		s.coins, s.premium = map[string]int{}, map[string]bool{}
	}
	switch {
	case p.Kind == okpay.SubscriptionEvent && (p.ProductCode == "" || p.ProductCode == PremiumCode):
		// OK sends no transaction_id for a trial starting (trial_days set)
		// or a cancellation; the example has one subscription, so an event
		// without product_code is premium's.
		s.premium[p.UID] = p.TrialDays > 0
	case p.ProductCode == PremiumCode && p.Amount == PremiumPrice && p.Currency == "":
		s.premium[p.UID] = true // a paid period
	case p.ProductCode == ProductCode && p.Amount == ProductPrice && p.Currency == "":
		s.coins[p.UID] += ProductCoins
	default:
		return fmt.Errorf("%s %s for %d %s is not for sale: %w", p.Kind, p.ProductCode, p.Amount, p.Currency, okpay.ErrInvalidPayment)
	}
	return nil
}

// Premium reports whether uid has premium: in its trial or a paid period,
// and not cancelled.
func (s *Shop) Premium(uid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.premium[uid]
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
// deliver a purchase of coins100 by its user as OK would, and POST
// /dev/premium?event=trial or event=cancel, which delivers premium's trial
// start or cancellation as OK does: without transaction_id.
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
		deliver := func(w http.ResponseWriter, r *http.Request, p oktest.Payment) {
			d, err := fake.DeliverPayment(r.Context(), base+"/ok/payment", p)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			attempts := "1 attempt"
			if n := len(d.Attempts); n != 1 {
				attempts = strconv.Itoa(n) + " attempts"
			}
			fmt.Fprintf(w, "%s (%s)\n", d.Outcome, attempts)
		}
		pay := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			deliver(w, r, oktest.Payment{ProductCode: ProductCode, Amount: ProductPrice})
		})
		premium := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := oktest.Payment{SubscriptionEvent: true, ProductCode: PremiumCode}
			switch r.URL.Query().Get("event") {
			case "trial":
				p.Extra = url.Values{"trial_days": {"7"}}
			case "cancel":
			default:
				http.Error(w, "event is trial or cancel", http.StatusBadRequest)
				return
			}
			deliver(w, r, p)
		})
		cop := http.NewCrossOriginProtection()
		mux.Handle("POST /dev/pay", cop.Handler(pay))
		mux.Handle("POST /dev/premium", cop.Handler(premium))
		logger.Info("to buy coins100 as the fake's user, run: curl -X POST " + base + "/dev/pay" +
			"; to start or cancel a premium trial: curl -X POST '" + base + "/dev/premium?event=trial' (or event=cancel)")
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), shopKey{}, shop)))
	}))
	return mux, nil
}
