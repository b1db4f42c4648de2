package okpay

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"
)

// Kind tells what a callbacks.payment call is.
type Kind int

const (
	// Purchase is a call with a transaction_id: a one-off purchase, or a
	// paid period of a subscription (ProductCode says which product).
	Purchase Kind = iota
	// SubscriptionEvent is a call without a transaction_id, which OK's
	// callbacks.payment page describes for some in-game subscription
	// events, such as a trial period starting (TrialDays is then set) or
	// a subscription being cancelled. ProductCode may be empty.
	SubscriptionEvent
)

// String names k.
func (k Kind) String() string {
	switch k {
	case Purchase:
		return "purchase"
	case SubscriptionEvent:
		return "subscription event"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Payment is one callbacks.payment call from OK, checked and typed.
type Payment struct {
	// Kind is Purchase, or SubscriptionEvent when OK sent no
	// transaction_id.
	Kind Kind
	// UID is the OK user who paid: a string of digits.
	UID string
	// TransactionID is OK's id of the payment: the same on every retry.
	// It is empty for a SubscriptionEvent.
	TransactionID string
	// EventID is the key that makes Config.Credit run once per event
	// across OK's retries, and what a [Store] is given: TransactionID
	// when OK sent one. Without one, OK's pages name nothing that
	// identifies the event, so EventID is derived from every documented
	// field of the call but call_id (which may change between retries):
	// uid, transaction_time, product_code, product_option, amount,
	// currency, payment_system, extra_attributes, trial_days and
	// card_promo. It starts with "=", which no transaction_id holds. Two
	// events alike in all of these (the same user, product and second)
	// are taken as one, and the second is answered as the first was.
	EventID string
	// Time is transaction_time. OK sends it as "2006-01-02 15:04:05" with
	// no zone; it is Moscow time (OK's servers and documentation are in
	// Moscow), read in Europe/Moscow, or at a fixed UTC+03:00 (Moscow's
	// offset since 2014) when the system has no time zone database.
	Time time.Time
	// ProductCode is the app's product, as the app passed it to OK's
	// payment dialog. Check it against the app's own price list.
	ProductCode string
	// ProductOption is product_option, possibly empty.
	ProductOption string
	// Amount is what the user paid, in Currency.
	Amount int
	// Currency is "" when the user paid in OKs, OK's own currency, and
	// otherwise the currency OK names, such as "RUB".
	Currency string
	// PaymentSystem is payment_system, possibly empty.
	PaymentSystem string
	// ExtraAttributes is extra_attributes, the JSON OK sends as is, or
	// nil when absent.
	ExtraAttributes json.RawMessage
	// TrialDays is trial_days, the trial period in days of a game
	// subscription, or 0.
	TrialDays int
	// CardPromo is card_promo, false when absent.
	CardPromo bool
	// CallID is OK's call_id: it may differ between retries of one
	// transaction.
	CallID string
	// Params are all the parameters OK sent, sig left out, including any
	// okpay does not know.
	Params url.Values
}

// maxClockSkew is how far OK's clock may run ahead of the app's: a
// transaction_time further in the future is refused.
const maxClockSkew = 5 * time.Minute

// timeLayout is transaction_time's format.
const timeLayout = "2006-01-02 15:04:05"

// moscow is the zone of transaction_time.
var moscow = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return loc
	}
	return time.FixedZone("MSK", 3*60*60)
}()

// errField is wrapped by every field that is missing or malformed.
var errField = errors.New("okpay: malformed payment field")

// parsePayment reads the signed parameters into a Payment. Every field
// OK documents has a strict shape.
func parsePayment(params url.Values) (Payment, error) {
	get := func(name string) string { return params.Get(name) }
	p := Payment{
		UID:           get("uid"),
		TransactionID: get("transaction_id"),
		ProductCode:   get("product_code"),
		ProductOption: get("product_option"),
		Currency:      get("currency"),
		PaymentSystem: get("payment_system"),
		CallID:        get("call_id"),
		Params:        params,
	}
	checks := []struct {
		name, value string
		required    bool
		ok          func(string) bool
	}{
		{"uid", p.UID, true, digits},
		{"transaction_id", p.TransactionID, false, text},
		{"product_code", p.ProductCode, false, text},
		{"product_option", p.ProductOption, false, text},
		{"currency", p.Currency, false, letters},
		{"payment_system", p.PaymentSystem, false, text},
		{"call_id", p.CallID, false, text},
		{"amount", get("amount"), true, digits},
		{"trial_days", get("trial_days"), false, digits},
	}
	for _, c := range checks {
		switch {
		case c.value == "" && c.required:
			return p, fmt.Errorf("%w: %s missing", errField, c.name)
		case c.value != "" && !c.ok(c.value):
			return p, fmt.Errorf("%w: %s malformed", errField, c.name)
		}
	}
	var err error
	if p.Amount, err = strconv.Atoi(get("amount")); err != nil {
		return p, fmt.Errorf("%w: amount out of range", errField)
	}
	if s := get("trial_days"); s != "" {
		if p.TrialDays, err = strconv.Atoi(s); err != nil {
			return p, fmt.Errorf("%w: trial_days out of range", errField)
		}
	}
	if p.Time, err = time.ParseInLocation(timeLayout, get("transaction_time"), moscow); err != nil {
		return p, fmt.Errorf("%w: transaction_time not %q", errField, timeLayout)
	}
	if s := get("extra_attributes"); s != "" {
		if !json.Valid([]byte(s)) {
			return p, fmt.Errorf("%w: extra_attributes not JSON", errField)
		}
		p.ExtraAttributes = json.RawMessage(s)
	}
	if s := get("card_promo"); s != "" {
		if p.CardPromo, err = strconv.ParseBool(s); err != nil {
			return p, fmt.Errorf("%w: card_promo not a boolean", errField)
		}
	}
	p.EventID = p.TransactionID
	if p.TransactionID == "" {
		p.Kind = SubscriptionEvent
		p.EventID = eventID(params)
	}
	return p, nil
}

// eventFields are the documented fields that tell one event without a
// transaction_id from another: all but call_id, which may change between
// OK's retries, and application_key and method, which every call has.
var eventFields = []string{
	"uid", "transaction_time", "product_code", "product_option", "amount", "currency",
	"payment_system", "extra_attributes", "trial_days", "card_promo",
}

// eventID is the key of an event without a transaction_id: "=" and the
// SHA-256 of its eventFields, each length-prefixed so that no two sets of
// values join alike.
func eventID(params url.Values) string {
	h := sha256.New()
	for _, name := range eventFields {
		v := params.Get(name)
		fmt.Fprintf(h, "%d:%s;", len(v), v)
	}
	return "=" + hex.EncodeToString(h.Sum(nil))
}

// paymentParams are the parameters OK documents for callbacks.payment,
// sig aside. OK's signature joins name=value pairs with no separator, so
// the text it signs could be cut into other pairs (a value swallowing
// "currency=RUB", a name such as "call_id=123currency"); the query is
// refused unless it reads one way only as far as these names go.
var paymentParams = []string{
	"amount", "application_key", "call_id", "card_promo", "currency", "extra_attributes", "method",
	"payment_system", "product_code", "product_option", "transaction_id", "transaction_time",
	"trial_days", "uid",
}

// digits: 1 to 19 ASCII digits (an int64 at most).
func digits(s string) bool {
	if len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// text: at most 256 bytes of UTF-8 with no control character and no '='.
func text(s string) bool {
	if len(s) > 256 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == '=' {
			return false
		}
	}
	return true
}

// letters: 3 ASCII letters, such as RUB.
func letters(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
