package oktest

import (
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/okauth/okauth"
)

// Payment is a purchase the fake delivers to an app's Callback link with
// [Server.DeliverPayment]. Zero fields take the defaults their comments
// give.
type Payment struct {
	UID           string // default: the user the dialog signs in ([Server.SetUser])
	TransactionID string // default: random digits, new per payment, unless SubscriptionEvent
	// SubscriptionEvent sends no transaction_id, as OK does for some
	// in-game subscription events (a trial period starting, a
	// subscription being cancelled). Such an event may have no
	// ProductCode; a trial start carries trial_days in Extra.
	SubscriptionEvent bool
	Time              time.Time // default: now; sent in Moscow time, as OK does
	ProductCode       string
	ProductOption     string
	Amount            int
	Currency          string // "" when paid in OKs: then OK sends no currency
	PaymentSystem     string
	// ExtraAttributes is sent as extra_attributes when not empty (JSON).
	ExtraAttributes string
	// Extra are more parameters to send and sign, such as trial_days.
	Extra url.Values
}

// Outcome is what OK concludes after delivering a payment.
type Outcome int

const (
	// Paid: the app answered true; the payment is complete.
	Paid Outcome = iota + 1
	// Cancelled: the app answered 1001 (invalid payment); OK cancels the
	// payment and refunds the user at once.
	Cancelled
	// Refunded: no try succeeded (errors, no answer, or an unreadable
	// one); OK gave up, cancelled the payment and refunded the user.
	Refunded
)

func (o Outcome) String() string {
	switch o {
	case Paid:
		return "paid"
	case Cancelled:
		return "cancelled (invalid payment, refunded)"
	case Refunded:
		return "refunded (no success after retries)"
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// Attempt is one try of a delivery and what the app answered.
type Attempt struct {
	Status     int    // HTTP status, 0 when no answer came
	Code       int    // OK error code in the answer, 0 for true
	Invocation string // the Invocation-error header as sent
	Err        error  // why the answer counts as neither true nor an error code
}

// Delivery is how a payment's delivery went.
type Delivery struct {
	Outcome  Outcome
	Attempts []Attempt
	Params   url.Values // the parameters of the last try, signed
}

// Default delivery settings, which OK uses.
const (
	DefaultPaymentTries         = 3
	DefaultPaymentRetryInterval = 5 * time.Second
)

// PaymentParams returns the query OK sends for p: its defaults filled in,
// method callbacks.payment, this fake's application_key, a new call_id,
// and sig, signed with AppSecret exactly as OK signs.
func (s *Server) PaymentParams(p Payment) url.Values {
	s.mu.Lock()
	uid := s.user.UID
	s.mu.Unlock()
	if p.UID != "" {
		uid = p.UID
	}
	when := p.Time
	if when.IsZero() {
		when = time.Now()
	}
	v := url.Values{}
	for k, vs := range p.Extra {
		v[k] = vs
	}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("uid", uid)
	if !p.SubscriptionEvent {
		set("transaction_id", cmp.Or(p.TransactionID, randomDigits(15)))
	}
	set("transaction_time", when.In(moscow).Format("2006-01-02 15:04:05"))
	set("product_code", p.ProductCode)
	set("product_option", p.ProductOption)
	set("amount", strconv.Itoa(p.Amount))
	set("currency", p.Currency)
	set("payment_system", p.PaymentSystem)
	set("extra_attributes", p.ExtraAttributes)
	set("application_key", s.AppKey)
	set("call_id", randomDigits(13))
	set("method", "callbacks.payment")
	v.Set("sig", okauth.Sign(v, s.AppSecret))
	return v
}

// DeliverPayment delivers p to the app's Callback link at callbackURL as
// OK does, with the Server's Client: a signed GET, and again after PaymentRetryInterval while the
// app answers anything but true or 1001, up to PaymentTries tries. Each
// try has the same transaction_id and transaction_time, and a new call_id. It returns what OK
// would conclude; the error is for a callbackURL that is not a URL or a
// ctx that ended.
func (s *Server) DeliverPayment(ctx context.Context, callbackURL string, p Payment) (Delivery, error) {
	u, err := url.Parse(callbackURL)
	if err != nil || u.Host == "" {
		return Delivery{}, fmt.Errorf("oktest: callback URL %q is not an absolute URL", callbackURL)
	}
	if p.TransactionID == "" && !p.SubscriptionEvent {
		p.TransactionID = randomDigits(15)
	}
	if p.Time.IsZero() {
		p.Time = time.Now()
	}
	tries, interval := s.PaymentTries, s.PaymentRetryInterval
	if tries <= 0 {
		tries = DefaultPaymentTries
	}
	if interval <= 0 {
		interval = DefaultPaymentRetryInterval
	}
	var d Delivery
	for i := range tries {
		if i > 0 {
			select {
			case <-ctx.Done():
				return d, ctx.Err()
			case <-time.After(interval):
			}
		}
		d.Params = s.PaymentParams(p)
		target := *u
		target.RawQuery = d.Params.Encode()
		a := s.tryPayment(ctx, target.String())
		d.Attempts = append(d.Attempts, a)
		switch {
		case a.Err == nil && a.Code == 0:
			d.Outcome = Paid
			return d, nil
		case a.Err == nil && a.Code == 1001:
			d.Outcome = Cancelled
			return d, nil
		}
		if ctx.Err() != nil {
			return d, ctx.Err()
		}
	}
	d.Outcome = Refunded
	return d, nil
}

// tryPayment sends one callback and reads the answer as OK does.
func (s *Server) tryPayment(ctx context.Context, target string) Attempt {
	timeout := s.PaymentTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return Attempt{Err: err}
	}
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return Attempt{Err: err}
	}
	defer resp.Body.Close()
	a := Attempt{Status: resp.StatusCode, Invocation: resp.Header.Get("Invocation-error")}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		a.Err = err
		return a
	}
	a.Code, a.Err = readPaymentAnswer(resp, body)
	return a
}

// paymentAnswer is either of OK's answers; xml matches the namespace.
type paymentAnswer struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
	Code    int    `xml:"error_code"`
}

const forticom = "http://api.forticom.com/1.0/"

// readPaymentAnswer is OK's reading of an answer: 0 for
// <callbacks_payment_response>true</…>, the error_code of an
// <error_response> with a matching Invocation-error header, or an error.
func readPaymentAnswer(resp *http.Response, body []byte) (int, error) {
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("oktest: callback answered HTTP %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		return 0, fmt.Errorf("oktest: callback answered Content-Type %q, not application/xml", ct)
	}
	var a paymentAnswer
	if err := xml.Unmarshal(body, &a); err != nil {
		return 0, fmt.Errorf("oktest: callback answer is not XML: %w", err)
	}
	switch {
	case a.XMLName == xml.Name{Space: forticom, Local: "callbacks_payment_response"} && strings.TrimSpace(a.Text) == "true":
		if h := resp.Header.Get("Invocation-error"); h != "" {
			return 0, fmt.Errorf("oktest: callback answered true with Invocation-error %s", h)
		}
		return 0, nil
	case a.XMLName == xml.Name{Space: forticom, Local: "error_response"} && a.Code != 0:
		if h := resp.Header.Get("Invocation-error"); h != strconv.Itoa(a.Code) {
			return 0, fmt.Errorf("oktest: error_code %d but Invocation-error %q", a.Code, h)
		}
		return a.Code, nil
	}
	return 0, fmt.Errorf("oktest: callback answer %s is neither OK's true nor an error_response", a.XMLName.Local)
}

// moscow is the zone OK writes transaction_time in.
var moscow = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return loc
	}
	return time.FixedZone("MSK", 3*60*60)
}()

func randomDigits(n int) string {
	h := randomHex(n)
	b := make([]byte, n)
	for i := range b {
		b[i] = '0' + h[i]%10
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}
