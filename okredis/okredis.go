package okredis

import (
	"context"
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"strings"
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
	// has 4 per Redis server), and the sessions kept in front of them
	// (about one per KiB). The default value is 16 MiB.
	CacheBytes int

	// WaitReplicas is how many replicas must confirm a change that must
	// not be undone — ending a session, ending a user's sessions,
	// recording a credited payment — before it succeeds (Redis's WAIT);
	// with fewer in time it fails with [ErrNotReplicated]. Redis
	// replicates asynchronously: without the wait, a failover moments
	// after a sign-out can bring the session back. The default (0) is 1
	// on Sentinel, on a Cluster whose primaries have replicas, and on one
	// server with a replica connected at Open, and no wait otherwise; -1
	// never waits.
	WaitReplicas int

	// ReplicaWait bounds how long a change waits for WaitReplicas
	// replicas. The default value is 1 second: replicas on a working
	// network confirm within a round trip, and a busy one well within
	// that; when none can, a sign-out takes this long to say so.
	ReplicaWait time.Duration

	// Configure, if set, is called with the client options read from the
	// URL, before okredis sets its own, to set what a URL cannot say: the
	// sentinels' own credentials (Sentinel.Username, Sentinel.Password),
	// client certificates or a private CA (TLSConfig, Sentinel.TLSConfig).
	// okredis then sets the timeouts, the cache and retries from Options.
	Configure func(*rueidis.ClientOption)
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
	if o.ReplicaWait <= 0 {
		o.ReplicaWait = time.Second
	}
	return o
}

// Client is a connection to Redis — one server, a Sentinel-managed
// primary, or a Redis Cluster — that hands out okauth's shared stores:
// [Client.Sessions], [Client.Replay], [Client.Payments] and
// [Client.Tokens]. It reconnects by itself after Redis returns, and
// follows a failover to the promoted replica. It is safe for concurrent
// use.
type Client struct {
	rc   rueidis.Client
	opts Options

	waitReplicas int // replicas a durable change waits for; 0: none

	sessionsOnce sync.Once
	sessions     *SessionStore
	front        *frontCache // nil with NoCache
	track        *tracking   // nil with NoCache
}

// Open connects to the Redis deployment url names:
//
//   - one server: "redis://host:6379/0";
//   - a primary found through Sentinel: the sentinels and the name they
//     monitor, "redis://s1:26379?addr=s2:26379&addr=s3:26379&master_set=NAME";
//   - Redis Cluster: some of its nodes,
//     "redis://n1:6379?addr=n2:6379&addr=n3:6379".
//
// "rediss://" connects with TLS, and "user:password@" before the first
// host authenticates with Redis (with Sentinel, with the primary; the
// sentinels' own credentials go in [Options.Configure]). Open fails, with
// an error wrapping [okauth.ErrStoreUnavailable], when Redis does not
// answer; the Client then made reconnects on its own, so only the first
// connection has to succeed. It fails with an error wrapping
// [ErrEvictionPolicy] when Redis's maxmemory-policy is not noeviction.
func Open(url string, opts Options) (*Client, error) {
	opts = opts.withDefaults()
	co, err := clientOption(url, opts)
	if err != nil {
		return nil, err
	}
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
	c.waitReplicas = max(opts.WaitReplicas, 0)
	if opts.WaitReplicas == 0 {
		n, err := c.countReplicas(ctx)
		if err != nil {
			rc.Close()
			return nil, unavailable("counting the replicas (or set Options.WaitReplicas)", err)
		}
		c.waitReplicas = min(n, 1)
	}
	if c.track != nil {
		c.track.start(rc)
	}
	return c, nil
}

// clientOption is what rueidis is given for url and opts (with their
// defaults).
func clientOption(url string, opts Options) (rueidis.ClientOption, error) {
	if strings.ContainsAny(opts.Prefix, "{}") {
		// Redis Cluster would read a brace as the start of a hash tag.
		return rueidis.ClientOption{}, fmt.Errorf("okredis: Options.Prefix %q holds a brace", opts.Prefix)
	}
	co, err := rueidis.ParseURL(url)
	if err != nil {
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL may hold a password
		}
		return rueidis.ClientOption{}, fmt.Errorf("okredis: the Redis URL: %w", err)
	}
	if co.TLSConfig != nil && (len(co.InitAddress) > 1 || co.Sentinel.MasterSet != "") {
		// Several servers: each is checked under its own name, as dialled.
		co.TLSConfig.ServerName = ""
		if co.Sentinel.MasterSet != "" {
			co.Sentinel.TLSConfig = co.TLSConfig.Clone() // the sentinels speak TLS too
		}
	}
	if opts.Configure != nil {
		opts.Configure(&co)
	}
	co.Dialer = net.Dialer{Timeout: opts.DialTimeout, KeepAlive: opts.HangTimeout / 4}
	co.Sentinel.Dialer = co.Dialer
	// Sentinel: besides the sentinels' announcement of a new primary, ask
	// them now and then, so that a missed announcement is caught.
	co.Sentinel.TopologyRefreshInterval = sentinelRefresh
	co.ConnWriteTimeout = opts.HangTimeout
	co.DisableCache = opts.NoCache
	co.CacheSizeEachConn = opts.CacheBytes
	co.DisableRetry = true // a short Timeout decides; retries would hide an outage
	return co, nil
}

// sentinelRefresh is how often a Client on Sentinel asks the sentinels
// which server is the primary, besides listening for their announcements.
const sentinelRefresh = 2 * time.Second

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
