// Package okredis keeps okauth's shared state in Redis, so that an app can
// run on several instances behind a load balancer:
//
//   - [SessionStore] (okauth.Config.SessionStore): server-side sessions.
//     Logout and okauth's Auth.SignOutEverywhere end them on every instance.
//   - [ReplayStore] (okauth.Config.ReplayStore): a state used on one instance is
//     refused on every other.
//   - [PaymentStore] (okpay.Config.Store): each transaction is credited
//     once, whichever instance OK's deliveries reach.
//   - [TokenStore] (okauth.Config.TokenStore): a refreshed access token is
//     shared, and one instance at a time refreshes it.
//
// Open one [Client] per process and take the stores from it. Every store
// fails closed: when Redis is down or slower than [Options.Timeout], its
// methods return an error wrapping [okauth.ErrStoreUnavailable], and the
// Client reconnects by itself when Redis returns.
//
// Signed-in reads are served from a client-side cache that Redis keeps
// fresh (RESP3 client tracking, through github.com/redis/rueidis): a
// session read once is kept in this process, and Redis tells every
// instance to drop it the moment it ends. The client checks every
// [Options.TrackingCheck] that those invalidations still arrive, and reads
// from Redis while they do not.
//
// [Open] refuses a Redis whose maxmemory-policy is not noeviction
// ([ErrEvictionPolicy]): okredis's keys must never be evicted.
//
// okredis works on one Redis server (6.2 or later), on a primary with
// replicas managed by Sentinel, and on Redis Cluster; [Open] reads which
// from its URL. A user's sessions and the set that lists them share a
// hash slot, so they change together in one script on a Cluster too. When
// Redis has replicas, ending a session, ending a user's sessions and
// recording a credited payment wait until a replica has them (WAIT), so
// that a failover cannot undo them unnoticed ([ErrNotReplicated]).
package okredis
