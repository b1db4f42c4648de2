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
// [Payment] and handed to Config.Credit, once per event ([Payment.EventID]):
// OK's retries and concurrent deliveries of a credited event are answered
// true without calling the app again ([Store] keeps that memory).
//
// # Subscriptions
//
// OK's callbacks.payment also serves in-game subscriptions. For some of
// their events (a trial period starting, a subscription being cancelled)
// OK sends no transaction_id, and product_code may be absent; okpay
// hands such a call to Config.Credit as a [SubscriptionEvent] (TrialDays
// and CardPromo as OK sent them), and the app answers it as it answers a
// purchase. OK's pages name nothing else that identifies such an event,
// so okpay takes two calls alike in every documented field but call_id
// for one event retried: the second is answered as the first was, and
// two real events alike in all of them (the same user, product, amount
// and second) reach the app once. The answer is OK's XML, byte for byte, with the
// Invocation-error header on errors.
//
// # Rules beyond the signature
//
//   - Re-cut queries. OK's signature joins name=value pairs with no
//     separator, so a signed query can be cut into other pairs with the
//     same signature ("call_id=123&currency=RUB" as one parameter named
//     "call_id=123currency"). The query is split on '&' only (a raw ';'
//     stays in its value, as OK's PHP examples read it), and a name
//     outside OK's syntax (an ASCII letter, then letters, digits and '_'),
//     a value holding a documented parameter's "name=", or an unknown
//     name that is a documented one cut differently is refused (104): no
//     re-cut adds, drops or changes a documented field.
//   - OK's clock. A transaction_time up to 5 minutes ahead of the app's
//     clock is accepted; one further ahead is refused (1001).
//   - Once within Retention. [MemoryStore] keeps at most Config.MaxRecords;
//     past that it forgets the oldest, and every callback at or before
//     the newest transaction_time it forgot is refused (1001), so within
//     Config.Retention no transaction is credited twice.
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
