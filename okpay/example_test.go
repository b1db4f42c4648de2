package okpay_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"sync"

	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/oktest"
)

// Sell 100 coins for 10 OKs at the app's Callback link, /ok/payment.
func Example() {
	var mu sync.Mutex
	coins := map[string]int{} // the app's database
	pay, err := okpay.New(okpay.Config{
		AppKey:    "CBAEXAMPLEKEY",
		AppSecret: os.Getenv("OK_APP_SECRET"),
		Credit: func(ctx context.Context, p okpay.Payment) error {
			if p.ProductCode != "coins100" || p.Amount != 10 || p.Currency != "" {
				return fmt.Errorf("product %q for %d %s: %w", p.ProductCode, p.Amount, p.Currency, okpay.ErrInvalidPayment)
			}
			mu.Lock()
			defer mu.Unlock()
			coins[p.UID] += 100
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /ok/payment", pay)
	log.Fatal(http.ListenAndServe(":8080", mux))
}

// Test a Callback link with oktest, which delivers payments as OK does:
// signed GETs, retried while the app asks OK to try later.
func Example_oktest() {
	fake := oktest.NewUnstartedServer()
	fake.PaymentRetryInterval = 1 // OK waits 5 s between tries
	failures := 1
	pay, err := okpay.New(okpay.Config{
		AppKey: fake.AppKey, AppSecret: fake.AppSecret,
		Networks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, // oktest calls from loopback
		Logger:   discard,
		Credit: func(ctx context.Context, p okpay.Payment) error {
			if failures > 0 {
				failures--
				return okpay.ErrTryLater
			}
			fmt.Printf("credit %s with %s for %d OKs\n", p.UID, p.ProductCode, p.Amount)
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	app := httptest.NewServer(pay)
	defer app.Close()

	d, err := fake.DeliverPayment(context.Background(), app.URL+"/ok/payment",
		oktest.Payment{UID: "42", ProductCode: "coins100", Amount: 10})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Outcome, "after", len(d.Attempts), "tries")
	// Output:
	// credit 42 with coins100 for 10 OKs
	// paid after 2 tries
}

// Take a subscription's trial start, which OK sends with no
// transaction_id, beside a purchase: Payment.Kind tells them apart.
func Example_subscription() {
	fake := oktest.NewUnstartedServer()
	pay, err := okpay.New(okpay.Config{
		AppKey: fake.AppKey, AppSecret: fake.AppSecret,
		Networks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, // oktest calls from loopback
		Logger:   discard,
		Credit: func(ctx context.Context, p okpay.Payment) error {
			if p.Kind == okpay.SubscriptionEvent {
				fmt.Printf("%s: user %s, trial of %d days\n", p.Kind, p.UID, p.TrialDays)
				return nil
			}
			fmt.Printf("%s: user %s, %s\n", p.Kind, p.UID, p.ProductCode)
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	app := httptest.NewServer(pay)
	defer app.Close()

	for _, p := range []oktest.Payment{
		{UID: "42", ProductCode: "coins100", Amount: 10},
		{UID: "42", SubscriptionEvent: true, Extra: url.Values{"trial_days": {"7"}}},
	} {
		if _, err := fake.DeliverPayment(context.Background(), app.URL+"/ok/payment", p); err != nil {
			panic(err)
		}
	}
	// Output:
	// purchase: user 42, coins100
	// subscription event: user 42, trial of 7 days
}
