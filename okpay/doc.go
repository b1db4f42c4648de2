// Package okpay answers OK.ru's payment callbacks: the Callback link of an
// OK app, which OK's servers call (method callbacks.payment) for every
// purchase a user makes in the app.
//
//	pay, err := okpay.New(okpay.Config{
//		AppKey:    "CBA…",
//		AppSecret: os.Getenv("OK_APP_SECRET"),
//		Credit: func(ctx context.Context, p okpay.Payment) error {
//			if p.ProductCode != "coins100" || p.Amount != 10 || p.Currency != "" {
//				return okpay.ErrInvalidPayment // OK cancels and refunds
//			}
//			return db.AddCoins(ctx, p.UID, 100, p.TransactionID)
//		},
//	})
//	mux.Handle("GET /ok/payment", pay)
//
// As with a webhook, nothing OK sent reaches the app before it is checked:
// the caller's network (OK's published ones by default), OK's signature
// of every parameter with the app secret, application_key, method, and
// the shape of every field. Only then is the call parsed into a typed
// [Payment] and handed to Config.Credit, once per transaction_id: OK's
// retries and concurrent deliveries of a credited transaction are
// answered true without calling the app again ([Store] keeps that
// memory). The answer is OK's XML, byte for byte, with the
// Invocation-error header on errors.
//
// # What OK does with each answer
//
//   - true: the payment is complete.
//   - 1001 (CALLBACK_INVALID_PAYMENT, [ErrInvalidPayment]): OK cancels
//     the payment and refunds the user.
//   - any other error, such as 2 (SERVICE, [ErrTryLater]), or no answer:
//     OK calls again, up to 3 times 5 s apart, then cancels and refunds.
//
// [github.com/okauth/okauth/oktest.Server.DeliverPayment] delivers
// payments to a handler as OK does, for tests.
package okpay
