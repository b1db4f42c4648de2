package okpay

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/okauth/okauth/internal/faillog"
	"github.com/okauth/okauth/internal/signedquery"
)

// Handler answers OK's payment callbacks (callbacks.payment) at the
// app's Callback link. It is safe for concurrent use.
type Handler struct {
	cfg      Config
	now      func() time.Time
	refusals *faillog.Limiter // bounds the records of refused callbacks
}

// New checks cfg and returns a Handler. An error wraps [ErrConfig] and
// names the field that is missing or wrong.
func New(cfg Config) (*Handler, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Handler{cfg: cfg, now: time.Now, refusals: &faillog.Limiter{Logger: cfg.Logger,
		Burst: refusalLogBurst, Interval: refusalLogInterval, Summary: "okpay: more refused callbacks, not logged one by one"}}, nil
}

// ServeHTTP answers one callback, in this order: a GET from one of
// Config.Networks (else 403); a sig that is OK's signature of every other
// parameter with the app secret (else 104); application_key (else 101)
// and method callbacks.payment (else 3); then every field, and a
// transaction_time within Config.Retention and at most 5 minutes ahead
// (else 1001). Nothing reaches the app before these pass. Then an
// event ([Payment.EventID]) credited before is answered true at once;
// one being credited by another delivery gets 2; otherwise Config.Credit runs, and
// its answer becomes OK's: true, 1001 for [ErrInvalidPayment], or 2 for
// [ErrTryLater] and other errors.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		h.refused(r.Context(), "okpay: payment callback refused", slog.String("reason", "method "+clip(r.Method)+", not GET"))
		w.Header().Set("Allow", http.MethodGet)
		answerError(w, http.StatusMethodNotAllowed, CodeMethod)
		return
	}
	ip, ok := clientIP(r, h.cfg.ClientIPHeader)
	if !ok || !allowed(ip, h.cfg.Networks) {
		h.refused(r.Context(), "okpay: callback from outside OK.ru's networks refused (behind a proxy, set ClientIPHeader)",
			slog.String("remote_addr", r.RemoteAddr), slog.String("client_ip", ip.String()))
		answerError(w, http.StatusForbidden, CodePermission)
		return
	}
	params, code, reason := h.verify(r.URL.RawQuery)
	if code != 0 {
		h.refused(r.Context(), "okpay: payment callback refused",
			slog.Int("ok_error_code", code), slog.String("reason", reason))
		answerError(w, http.StatusOK, code)
		return
	}
	p, err := parsePayment(params)
	if err == nil {
		err = h.checkTime(p.Time)
	}
	if err != nil {
		h.refused(r.Context(), "okpay: payment callback refused",
			slog.Int("ok_error_code", CodeInvalidPayment), slog.String("reason", err.Error()),
			slog.String("transaction_id", clip(p.TransactionID)))
		answerError(w, http.StatusOK, CodeInvalidPayment)
		return
	}
	if code := h.credit(r.Context(), p); code != 0 {
		answerError(w, http.StatusOK, code)
		return
	}
	answerTrue(w)
}

// verify reads the query as OK writes it and checks sig,
// application_key and method. It returns OK's error code and the reason
// when one fails.
func (h *Handler) verify(rawQuery string) (params url.Values, code int, reason string) {
	params, err := signedquery.Parse(rawQuery, signedquery.Rules{Secret: h.cfg.AppSecret, Known: paymentParams})
	if err != nil {
		return nil, CodeSignature, err.Error()
	}
	params.Del("sig")
	if params.Get("application_key") != h.cfg.AppKey {
		return nil, CodeAPIKey, "application_key is not this app's"
	}
	if m := params.Get("method"); m != "callbacks.payment" {
		return nil, CodeMethod, "method is not callbacks.payment"
	}
	return params, 0, ""
}

// checkTime refuses a transaction_time beyond OK's clock skew in the
// future, or older than Retention less that skew: a credited record is
// kept Retention from when it was credited, which may be up to the skew
// before the transaction_time OK wrote.
func (h *Handler) checkTime(t time.Time) error {
	now := h.now()
	switch {
	case t.After(now.Add(maxClockSkew)):
		return errors.New("okpay: transaction_time in the future")
	case t.Before(now.Add(-h.cfg.Retention + maxClockSkew)):
		return errors.New("okpay: transaction_time older than Retention")
	}
	return nil
}

// claim claims p's transaction in the Store; a MemoryStore also refuses
// a transaction at or before the newest one it forgot.
func (h *Handler) claim(ctx context.Context, p Payment) (Claim, error) {
	if m, ok := h.cfg.Store.(*MemoryStore); ok {
		return m.claim(p.EventID, p.Time)
	}
	return h.cfg.Store.Claim(ctx, p.EventID)
}

// credit runs Config.Credit once per transaction and returns OK's error
// code, or 0 when the payment is credited.
func (h *Handler) credit(ctx context.Context, p Payment) (code int) {
	log := h.cfg.Logger.With(slog.String("transaction_id", p.TransactionID), slog.String("event_id", p.EventID),
		slog.String("kind", p.Kind.String()), slog.String("uid", p.UID))
	claim, err := h.claim(ctx, p)
	switch {
	case errors.Is(err, errForgotten):
		h.refused(ctx, "okpay: payment callback refused", slog.Int("ok_error_code", CodeInvalidPayment),
			slog.String("reason", err.Error()), slog.String("transaction_id", clip(p.TransactionID)))
		return CodeInvalidPayment
	case err != nil:
		log.LogAttrs(ctx, slog.LevelError, "okpay: payment store failed; OK.ru will retry", slog.String("error", err.Error()))
		return CodeService
	case claim == AlreadyCredited:
		log.LogAttrs(ctx, slog.LevelInfo, "okpay: payment already credited; answered true again")
		return 0
	case claim == Busy:
		log.LogAttrs(ctx, slog.LevelInfo, "okpay: payment being credited by another delivery; OK.ru will retry")
		return CodeService
	}
	// The claim is released on every way out but success, a panic included,
	// so that OK's retry can credit the payment.
	credited := false
	defer func() {
		if credited {
			return
		}
		if err := h.cfg.Store.Release(context.WithoutCancel(ctx), p.EventID); err != nil {
			log.LogAttrs(ctx, slog.LevelError, "okpay: releasing the payment failed", slog.String("error", err.Error()))
		}
	}()

	cctx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	err = h.cfg.Credit(cctx, p)
	cancel()
	if err != nil {
		var e *Error
		code = CodeService
		if errors.As(err, &e) && e.Code > 0 {
			code = e.Code
		}
		log.LogAttrs(ctx, slog.LevelWarn, "okpay: payment not credited", slog.Int("ok_error_code", code),
			slog.String("product_code", p.ProductCode), slog.Int("amount", p.Amount), slog.String("error", err.Error()))
		return code
	}
	credited = true
	if err := h.cfg.Store.MarkCredited(context.WithoutCancel(ctx), p.EventID); err != nil {
		// The app credited it: answer true, or OK would refund a credited
		// payment.
		log.LogAttrs(ctx, slog.LevelError, "okpay: payment credited but not recorded", slog.String("error", err.Error()))
	}
	log.LogAttrs(ctx, slog.LevelInfo, "okpay: payment credited",
		slog.String("product_code", p.ProductCode), slog.Int("amount", p.Amount), slog.String("currency", p.Currency))
	return 0
}

// Anyone can send a callback, so refused ones are logged as okauth logs
// failed sign-ins: the first refusalLogBurst of each refusalLogInterval
// one record each, then one record at the interval's end with how many
// were left out.
const (
	refusalLogBurst    = 10
	refusalLogInterval = time.Minute
)

// refused logs a refused callback as a WARN, within the bound above.
func (h *Handler) refused(ctx context.Context, msg string, attrs ...slog.Attr) {
	if h.refusals.Allow() {
		h.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
	}
}

// clip bounds what a log record takes of a value a caller sent.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64]
	}
	return s
}
