package okredis

import (
	"context"
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"sync"
	"time"

	"github.com/okauth/okauth"
	"github.com/redis/rueidis"
)

// Options tunes a [Client]. The zero value is ready to use.
type Options struct {
	// Prefix begins every key okredis writes, so that several apps can
	// share one Redis database. The default value is "okauth:".
	Prefix string

	// Timeout bounds each call to Redis: past it the call fails with an
	// error wrapping [okauth.ErrStoreUnavailable], and okauth refuses
	// rather than waits. The default value is 500 milliseconds.
	Timeout time.Duration

	// DialTimeout bounds connecting to Redis. The default value is 1
	// second.
	DialTimeout time.Duration

	// HangTimeout is how long a connection may wait for Redis to answer
	// before it is closed; closing it also drops the sessions cached
	// through it. The default value is 2 seconds.
	HangTimeout time.Duration

	// NoCache turns off the client-side cache of sessions: every signed-in
	// request then asks Redis. The default (false) keeps sessions this
	// instance read in its memory, and Redis tells every instance to drop
	// one as soon as it changes or ends (RESP3 client tracking).
	NoCache bool

	// TrackingCheck is how often the client checks that Redis's
	// invalidations still reach it, by writing a key it has cached and
	// waiting as long for the invalidation. While they do not (something
	// between the client and Redis reopened the connection, or dropped
	// what Redis pushes), the client-side cache is not used, and for
	// CacheTTL after: a session ended on another instance is served from
	// this instance's cache at most 2×TrackingCheck after invalidations
	// stop, whatever stops them. The default value is 1 second.
	TrackingCheck time.Duration

	// CacheTTL is the longest a session is kept in the client-side cache
	// without asking Redis again, whatever the invalidations. The default
	// value is 1 minute.
	CacheTTL time.Duration

	// MaxUserSessions bounds the live sessions of one user: a sign-in
	// past it ends that user's oldest session. The default value is
	// okauth.DefaultMaxUserSessions.
	MaxUserSessions int

	// CacheBytes bounds the client-side cache of each connection (a client
	// has 4), and the sessions kept in front of them (about one per KiB).
	// The default value is 16 MiB.
	CacheBytes int
}

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = "okauth:"
	}
	if o.Timeout <= 0 {
		o.Timeout = 500 * time.Millisecond
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = time.Second
	}
	if o.HangTimeout <= 0 {
		o.HangTimeout = 2 * time.Second
	}
	if o.TrackingCheck <= 0 {
		o.TrackingCheck = time.Second
	}
	if o.CacheTTL <= 0 {
		o.CacheTTL = time.Minute
	}
	if o.MaxUserSessions <= 0 {
		o.MaxUserSessions = okauth.DefaultMaxUserSessions
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = 16 << 20
	}
	return o
}

// Client is a connection to one Redis server that hands out okauth's shared stores: [Client.Sessions],
// [Client.Replay], [Client.Payments] and [Client.Tokens]. It reconnects by
// itself after Redis returns. It is safe for concurrent use.
type Client struct {
	rc   rueidis.Client
	opts Options

	sessionsOnce sync.Once
	sessions     *SessionStore
	front        *frontCache // nil with NoCache
	track        *tracking   // nil with NoCache
}

// Open connects to the Redis at url, such as
// "redis://127.0.0.1:6379/0" or "rediss://user:password@host:6380/1".
// It fails, with an error wrapping [okauth.ErrStoreUnavailable], when
// Redis does not answer; the Client then made reconnects on its own, so
// only the first connection has to succeed. It fails with an error
// wrapping [ErrEvictionPolicy] when Redis's maxmemory-policy is not
// noeviction.
func Open(url string, opts Options) (*Client, error) {
	opts = opts.withDefaults()
	co, err := rueidis.ParseURL(url)
	if err != nil {
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL may hold a password
		}
		return nil, fmt.Errorf("okredis: the Redis URL: %w", err)
	}
	co.Dialer = net.Dialer{Timeout: opts.DialTimeout, KeepAlive: opts.HangTimeout / 4}
	co.ConnWriteTimeout = opts.HangTimeout
	co.DisableCache = opts.NoCache
	co.CacheSizeEachConn = opts.CacheBytes
	co.ForceSingleClient = true
	co.DisableRetry = true // a short Timeout decides; retries would hide an outage
	c := &Client{opts: opts}
	if !opts.NoCache {
		c.front = newFrontCache(opts.Prefix+"s:", max(opts.CacheBytes/1024, 64), opts.CacheTTL)
		c.track = newTracking(opts.Prefix, opts.TrackingCheck, opts.CacheTTL, func() { c.front.invalidate(nil) })
		co.OnInvalidations = func(ms []rueidis.RedisMessage) {
			c.front.onInvalidations(ms)
			c.track.onInvalidations(ms)
		}
	}
	rc, err := rueidis.NewClient(co)
	if err != nil {
		return nil, unavailable("connect", err)
	}
	c.rc = rc
	ctx, cancel := c.call(context.Background())
	defer cancel()
	if err := checkNoEviction(ctx, rc); err != nil {
		rc.Close()
		return nil, err
	}
	if c.track != nil {
		c.track.start(rc)
	}
	return c, nil
}

// Close closes the connections. The stores of c fail afterwards.
func (c *Client) Close() {
	if c.track != nil {
		c.track.close()
	}
	c.rc.Close()
}

// cached reports whether a session may be read through the client-side
// cache at now (Unix ns): the cache is on, and invalidations reach it.
func (c *Client) cached(now int64) bool {
	return c.front != nil && c.track.trusted(now)
}

// call gives a call to Redis its Timeout.
func (c *Client) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.opts.Timeout)
}

// unavailable wraps an error of Redis (down, too slow, refusing) so that
// it matches okauth.ErrStoreUnavailable. Redis's errors name commands and
// keys' kinds, never values.
func unavailable(op string, err error) error {
	return fmt.Errorf("okredis: %s: %w (%w)", op, okauth.ErrStoreUnavailable, err)
}

// isNil reports whether err is Redis's "no value".
func isNil(err error) bool {
	return rueidis.IsRedisNil(err)
}

var errMalformed = errors.New("okredis: malformed record")
