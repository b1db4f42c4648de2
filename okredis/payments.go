package okredis

import (
	"context"
	"strconv"
	"time"

	"github.com/okauth/okauth/okpay"
	"github.com/redis/rueidis"
)

// PaymentStore is an [okpay.Store] in Redis, so that each transaction is
// credited once whichever instance OK's deliveries reach. It keeps one key
// per transaction, <prefix>okpay:<transaction_id>, as okpay.Store
// describes: "claimed" for Lease while an instance credits it, then
// "credited" for Retention.
type PaymentStore struct {
	c         *Client
	lease     time.Duration
	retention time.Duration
}

// Payments returns the PaymentStore of c. lease bounds how long a claim
// outlives an instance that died while crediting; it must be longer than
// okpay's Config.Timeout, or a slow Credit could be run twice (0 means 1
// minute). retention is how long a credited transaction is remembered; it
// must be at least okpay's Config.Retention (0 means okpay's default, 7
// days).
func (c *Client) Payments(lease, retention time.Duration) *PaymentStore {
	if lease <= 0 {
		lease = time.Minute
	}
	if retention <= 0 {
		retention = 7 * 24 * time.Hour
	}
	return &PaymentStore{c: c, lease: lease, retention: retention}
}

func (p *PaymentStore) key(id string) string { return p.c.opts.Prefix + "okpay:" + id }

var claimScript = rueidis.NewLuaScript(`
if redis.call('SET', KEYS[1], 'claimed', 'NX', 'PX', ARGV[1]) then return 'won' end
if redis.call('GET', KEYS[1]) == 'credited' then return 'credited' end
return 'busy'`)

var releaseScript = rueidis.NewLuaScript(`
if redis.call('GET', KEYS[1]) == 'claimed' then return redis.call('DEL', KEYS[1]) end
return 0`)

// Claim implements [okpay.Store].
func (p *PaymentStore) Claim(ctx context.Context, id string) (okpay.Claim, error) {
	ctx, cancel := p.c.call(ctx)
	defer cancel()
	got, err := claimScript.Exec(ctx, p.c.rc, []string{p.key(id)}, []string{strconv.FormatInt(p.lease.Milliseconds(), 10)}).ToString()
	if err != nil {
		return 0, unavailable("claiming a payment", err)
	}
	switch got {
	case "won":
		return okpay.Claimed, nil
	case "credited":
		return okpay.AlreadyCredited, nil
	default:
		return okpay.Busy, nil
	}
}

// MarkCredited implements [okpay.Store]. When Redis has replicas it
// returns once one has the record ([Options.WaitReplicas]), or fails with
// [ErrNotReplicated]: then a failover could forget it.
func (p *PaymentStore) MarkCredited(ctx context.Context, id string) error {
	ctx, cancel := p.c.callDurably(ctx)
	defer cancel()
	_, err := p.c.doDurably(ctx, func(b rueidis.Builder) rueidis.Completed {
		return b.Set().Key(p.key(id)).Value("credited").PxMilliseconds(p.retention.Milliseconds()).Build()
	})
	if err != nil {
		return unavailable("recording a credited payment", err)
	}
	return nil
}

// Release implements [okpay.Store]. It deletes the record only while it
// is a claim, so a credited record is never lost.
func (p *PaymentStore) Release(ctx context.Context, id string) error {
	ctx, cancel := p.c.call(ctx)
	defer cancel()
	if err := releaseScript.Exec(ctx, p.c.rc, []string{p.key(id)}, nil).Error(); err != nil {
		return unavailable("releasing a payment", err)
	}
	return nil
}
