package okpay

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"time"
)

// Config configures a [Handler]. AppKey, AppSecret and Credit are
// required; every other field has a default.
type Config struct {
	// AppKey is the app's public application key: a callback whose
	// application_key differs is refused (error 101).
	AppKey string

	// AppSecret is the application's secret key (application_secret_key),
	// which OK signs every callback with. It is never logged or sent.
	AppSecret string

	// Credit gives the user what they paid for, or takes a subscription
	// event ([Payment.Kind]). It is called once per event
	// ([Payment.EventID]), after the signature and every field are checked,
	// with a context that ends after Timeout. It returns nil once the
	// purchase is credited; [ErrInvalidPayment] (such as for an unknown
	// product_code or a wrong amount) to make OK cancel and refund;
	// [ErrTryLater] or any other error to make OK call again later.
	Credit func(ctx context.Context, p Payment) error

	// Networks are where callbacks may come from; a call from elsewhere
	// gets 403 before its parameters are read. The default value is
	// [OKNetworks]. Tests against oktest list loopback
	// (127.0.0.0/8, ::1/128); listing 0.0.0.0/0 and ::/0 turns the check
	// off and leaves the signature as the only check.
	Networks []netip.Prefix

	// ClientIPHeader names the header a trusted reverse proxy puts the
	// caller's address in, such as "X-Real-IP" or "X-Forwarded-For" (whose
	// last address counts: the one the nearest proxy added). Set it only
	// when every request reaches the app through that proxy, and the proxy
	// overwrites or appends to the header; otherwise a caller could name
	// any address. The default value is "": the connection's address.
	ClientIPHeader string

	// Store remembers credited transactions, so a transaction is credited
	// once. The default value is a [MemoryStore] of MaxRecords records kept
	// for Retention; apps on several instances need a shared one.
	Store Store

	// Retention is how long a credited transaction is remembered. OK's own
	// retries end within a minute, but a signed callback URL is valid
	// forever: one that leaks (an access log, a proxy) could be replayed
	// at any time, and the record is what answers the replay true without
	// crediting again. So callbacks whose transaction_time is older than
	// Retention are refused as invalid (1001) rather than credited from a
	// memory that has forgotten them (Retention less the 5 minutes OK's
	// clock may run ahead of the app's, since a record's Retention counts
	// from when it was credited). The default value is 7 days.
	Retention time.Duration

	// MaxRecords bounds the default MemoryStore: past it the oldest
	// credited record is forgotten first, and callbacks whose
	// transaction_time is not after the newest forgotten one are refused
	// (1001), so none is credited twice. Each record takes about 150
	// bytes. The default value is 100,000.
	MaxRecords int

	// Timeout bounds each call of Credit. The default value is 10 seconds.
	Timeout time.Duration

	// Logger receives one record per refused callback (past the first 10
	// a minute, only their count, once a minute) and per failure, and one
	// per credited payment. The signature and secret are never logged.
	// The default value is [slog.Default].
	Logger *slog.Logger
}

const (
	defaultRetention  = 7 * 24 * time.Hour
	defaultMaxRecords = 100_000
	defaultTimeout    = 10 * time.Second
)

func (c Config) withDefaults() Config {
	if c.Networks == nil {
		c.Networks = OKNetworks()
	}
	if c.Retention == 0 {
		c.Retention = defaultRetention
	}
	if c.MaxRecords == 0 {
		c.MaxRecords = defaultMaxRecords
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Store == nil {
		c.Store = NewMemoryStore(c.MaxRecords, c.Retention)
	}
	return c
}

// validate names the first field that is missing or wrong.
func (c Config) validate() error {
	switch {
	case c.AppKey == "":
		return fieldErr("AppKey", "is required (the public application key)")
	case c.AppSecret == "":
		return fieldErr("AppSecret", "is required: OK signs payment callbacks with the application's secret key")
	case c.Credit == nil:
		return fieldErr("Credit", "is required (the function that credits a payment)")
	case len(c.Networks) == 0:
		return fieldErr("Networks", "is empty, so every callback would be refused; leave it nil for OK's networks")
	case c.Retention < time.Hour:
		return fieldErr("Retention", fmt.Sprintf("is %v; want at least an hour", c.Retention))
	case c.MaxRecords < 0:
		return fieldErr("MaxRecords", "is negative")
	case c.Timeout < 0:
		return fieldErr("Timeout", "is negative")
	}
	for _, n := range c.Networks {
		if !n.IsValid() {
			return fieldErr("Networks", "has an invalid prefix")
		}
	}
	return nil
}

func fieldErr(field, what string) error {
	return fmt.Errorf("%w: %s %s", ErrConfig, field, what)
}
