package okredis

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/okauth/okauth"
	"github.com/redis/rueidis"
)

var _ okauth.SessionStore = (*SessionStore)(nil)

// SessionStore is an [okauth.SessionStore] in Redis. A session is one key,
// <prefix>s:{<group>}<id>, holding the uid and the encoded session, which
// Redis deletes when the session expires. A sorted set per user,
// <prefix>u:{<group>}<uid>, lists the user's live session IDs in the
// order they were saved, for [SessionStore.DeleteUser] and for the bound
// ([Options.MaxUserSessions]): each Save drops the members whose session
// has ended, then ends the oldest sessions past the bound, and the set
// expires with the user's last session. Both change together, in one Lua
// script, so a user's set never holds more than the bound and DeleteUser
// ends at most that many sessions.
//
// <group> is the user's group ([SessionStore.SessionGroup]), with which
// okauth begins the IDs of the user's sessions: in braces, it is the
// keys' hash tag, so that on Redis Cluster a user's sessions and set
// share a hash slot and change together. A script is given every key it
// touches: the caller first reads the set's members, and a script that
// finds a session it must end missing from what it was given does nothing
// and is run again.
//
// Load reads through the client-side cache (unless [Options.NoCache]):
// rueidis's, and a map by session ID in front of it (frontCache). Redis
// invalidates a cached session on every instance as soon as it is
// deleted, and this instance also refuses, for [tombstoneLife], the IDs it
// deleted itself, so that its own next Load never races the invalidation.
// An ID whose end no replica confirmed ([ErrNotReplicated]) is refused
// here until the session would have expired.
type SessionStore struct {
	c *Client

	mu    sync.Mutex
	tombs map[string]time.Time // IDs this instance ended → until when to refuse them
}

// tombstoneLife is how long a SessionStore remembers the IDs it deleted:
// far longer than Redis takes to push the invalidation to this process.
const tombstoneLife = 2 * time.Second

// maxTombstones bounds the tombstones; past it the ones over are dropped
// first, then any.
const maxTombstones = 100_000

// groupLen is the length of a user's group: 4 base64url characters (24
// bits), which spread users evenly over Redis Cluster's 16,384 slots.
const groupLen = 4

// maxAttempts bounds how often a script that found a user's set changed
// by a concurrent call is run again.
const maxAttempts = 5

// Sessions returns the SessionStore of c; every call returns the same one.
func (c *Client) Sessions() *SessionStore {
	c.sessionsOnce.Do(func() { c.sessions = &SessionStore{c: c, tombs: map[string]time.Time{}} })
	return c.sessions
}

var _ okauth.SessionGrouper = (*SessionStore)(nil)

// SessionGroup implements [okauth.SessionGrouper]: the first 24 bits of
// the SHA-256 of uid, base64url-encoded.
func (s *SessionStore) SessionGroup(uid string) string {
	sum := sha256.Sum256([]byte(uid))
	return base64.RawURLEncoding.EncodeToString(sum[:3])
}

// saveScript: KEYS[1] the session, KEYS[2] the user's set, KEYS[3...] the
// sessions of the set's members as the caller read them; ARGV the value,
// its expiry (Unix ms), the ID, the bound, then those members' IDs. A
// member saved meanwhile was not given, and is newer than the others: it
// is kept. The script returns 0, having changed nothing, only when a
// session it must end past the bound is one it was not given. A member's
// score is when it was saved (Redis's clock), made strictly greater than
// every other member's, so the session being saved is never among the
// oldest.
var saveScript = newScript(`
local given = {}
for i = 5, #ARGV do given[ARGV[i]] = KEYS[i - 2] end
local gone, kept = {}, {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if id ~= ARGV[3] then
    if given[id] and redis.call('EXISTS', given[id]) == 0 then table.insert(gone, id)
    else table.insert(kept, id) end
  end
end
local over = #kept + 1 - tonumber(ARGV[4])
for i = 1, over do
  if not given[kept[i]] then return 0 end
end
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local at = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
for _, id in ipairs(gone) do redis.call('ZREM', KEYS[2], id) end
for i = 1, over do
  redis.call('ZREM', KEYS[2], kept[i])
  redis.call('DEL', given[kept[i]])
end
local score = now
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) >= score then score = tonumber(last[2]) + 1 end
redis.call('ZADD', KEYS[2], score, ARGV[3])
local ttl = redis.call('PTTL', KEYS[2])
if ttl < 0 or now + ttl < at then redis.call('PEXPIREAT', KEYS[2], at) end
return 1`)

// deleteScript: KEYS[1] the session, KEYS[2] its user's set; ARGV[1] the
// ID. It returns the session's remaining lifetime (ms), or -2 when there
// was none.
var deleteScript = newScript(`
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return -2 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
return ttl`)

// deleteUserScript: KEYS[1] the user's set, KEYS[2...] the sessions of
// its members ARGV as the caller read them. It ends those sessions and
// returns the set's members left (saved meanwhile), then each session's
// remaining lifetime (ms).
var deleteUserScript = newScript(`
local out = {0}
for i = 2, #KEYS do
  out[i] = redis.call('PTTL', KEYS[i])
  redis.call('DEL', KEYS[i])
  redis.call('ZREM', KEYS[1], ARGV[i - 1])
end
out[1] = redis.call('ZCARD', KEYS[1])
return out`)

// key is the key of the session id, in the slot of its user's group.
func (s *SessionStore) key(id string) string {
	return s.c.opts.Prefix + "s:{" + id[:groupLen] + "}" + id
}

// ukey is the key of uid's set.
func (s *SessionStore) ukey(uid string) string {
	return s.c.opts.Prefix + "u:{" + s.SessionGroup(uid) + "}" + uid
}

// keys returns the keys of the sessions ids.
func (s *SessionStore) keys(ids []string) []string {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = s.key(id)
	}
	return keys
}

// members reads the IDs in uid's set.
func (s *SessionStore) members(ctx context.Context, uid string) ([]string, error) {
	ids, err := s.c.rc.Do(ctx, s.c.rc.B().Zrange().Key(s.ukey(uid)).Min("0").Max("-1").Build()).AsStrSlice()
	if isNil(err) {
		err = nil
	}
	return ids, err
}

// Save implements [okauth.SessionStore]. id must begin with the group of
// uid, as okauth's IDs do ([okauth.NewSessionID]).
func (s *SessionStore) Save(ctx context.Context, id, uid string, data []byte, expires time.Time) error {
	if id == "" || uid == "" || strings.IndexByte(uid, 0) >= 0 {
		return fmt.Errorf("okredis: session id or uid empty or malformed")
	}
	if !strings.HasPrefix(id, s.SessionGroup(uid)) {
		return fmt.Errorf("okredis: session id not made for its uid by okauth.NewSessionID")
	}
	if !expires.After(time.Now()) {
		return nil // already over: nothing to keep
	}
	value := make([]byte, 0, len(uid)+1+len(data))
	value = append(append(append(value, uid...), 0), data...)
	at := strconv.FormatInt(expires.UnixMilli(), 10)
	ctx, cancel := s.c.call(ctx)
	defer cancel()
	for range maxAttempts {
		ids, err := s.members(ctx, uid)
		if err != nil {
			return unavailable("saving a session", err)
		}
		keys := append([]string{s.key(id), s.ukey(uid)}, s.keys(ids)...)
		args := append([]string{rueidis.BinaryString(value), at, id, strconv.Itoa(s.c.opts.MaxUserSessions)}, ids...)
		done, err := s.c.run(ctx, saveScript, keys, args).AsInt64()
		if err != nil {
			return unavailable("saving a session", err)
		}
		if done == 1 {
			return nil
		}
	}
	return unavailable("saving a session", errBusyUser)
}

// afterMembersRead, set by a test, runs in DeleteUser between reading the
// user's set and ending what it read.
var afterMembersRead func()

// errBusyUser: a user's set changed under every attempt of a call.
var errBusyUser = errors.New("okredis: the user's sessions kept changing")

// Load implements [okauth.SessionStore]. The data it returns may be
// shared with the cache and with other callers: it must not be changed
// (okauth only reads it, as it does what [okauth.NewMemorySessions]
// returns).
func (s *SessionStore) Load(ctx context.Context, id string) ([]byte, error) {
	if len(id) < groupLen {
		return nil, fmt.Errorf("okredis: %w", okauth.ErrNoSession)
	}
	if s.tombstoned(id) {
		return nil, fmt.Errorf("okredis: session ended: %w", okauth.ErrNoSession)
	}
	var front *frontCache
	now := time.Now()
	if s.c.cached(now.UnixNano()) {
		front = s.c.front
	}
	var mark *frontEntry
	if front != nil {
		if data, ok := front.get(id, now); ok {
			return data, nil
		}
		mark = front.reserve(id)
	}
	cmd := s.c.rc.B().Get().Key(s.key(id))
	var res rueidis.RedisResult
	if front == nil {
		ctx, cancel := s.c.call(ctx)
		res = s.c.rc.Do(ctx, cmd.Build())
		cancel()
	} else {
		// A hit in rueidis's cache never waits, so its deadline's timer
		// is never started.
		lctx := &lazyDeadline{Context: ctx, timeout: s.c.opts.Timeout}
		res = s.c.rc.DoCache(lctx, cmd.Cache(), s.c.opts.CacheTTL)
		lctx.stop()
		if _, refused := rueidis.IsRedisErr(res.Error()); refused && !isNil(res.Error()) {
			// Redis answered but refused the cached read: over maxmemory
			// it refuses the MULTI a tracked read is sent in, where a plain
			// GET still answers. A full store must not sign users out.
			// Redis does not track that read, so it is not cached.
			front.forget(id)
			front = nil
			ctx, cancel := s.c.call(ctx)
			res = s.c.rc.Do(ctx, s.c.rc.B().Get().Key(s.key(id)).Build())
			cancel()
		}
	}
	v, err := res.AsBytes()
	switch {
	case isNil(err):
		return nil, fmt.Errorf("okredis: %w", okauth.ErrNoSession)
	case err != nil:
		return nil, unavailable("loading a session", err)
	}
	at := bytes.IndexByte(v, 0)
	if at < 0 {
		return nil, fmt.Errorf("%w: %w", errMalformed, okauth.ErrNoSession)
	}
	// v may be rueidis's cache's own memory, which a later answer can
	// reuse: the front cache and the caller get a copy of their own.
	data := bytes.Clone(v[at+1:])
	if front != nil {
		front.fill(id, mark, data, time.Now())
	}
	return data, nil
}

// Delete implements [okauth.SessionStore]. When Redis has replicas it
// returns once one has confirmed the end, or fails with
// [ErrNotReplicated]; the session is then refused by this SessionStore
// until it would have expired.
func (s *SessionStore) Delete(ctx context.Context, id string) error {
	if len(id) < groupLen {
		return nil
	}
	ctx, cancel := s.c.callDurably(ctx)
	defer cancel()
	v, err := s.c.rc.Do(ctx, s.c.rc.B().Get().Key(s.key(id)).Build()).AsBytes()
	switch {
	case isNil(err):
		s.tombstone(id, 0)
		// Already ended, maybe by a call whose end no replica has yet:
		// this one succeeds only once one has.
		if err := s.confirmEnded(ctx, id[:groupLen]); err != nil {
			return unavailable("ending a session", err)
		}
		return nil
	case err != nil:
		return unavailable("ending a session", err)
	}
	uid, _, _ := bytes.Cut(v, []byte{0})
	res, err := s.c.runDurably(ctx, deleteScript, []string{s.key(id), s.ukey(string(uid))}, []string{id})
	ttl, _ := res.AsInt64()
	if errors.Is(err, ErrNotReplicated) {
		s.tombstone(id, time.Duration(ttl)*time.Millisecond)
	}
	if err != nil {
		return unavailable("ending a session", err)
	}
	s.tombstone(id, 0)
	return nil
}

// DeleteUser implements [okauth.SessionStore]. It ends the sessions in
// uid's set, and again those saved meanwhile, until the set is empty. When
// Redis has replicas it returns once one has confirmed, or fails with
// [ErrNotReplicated]; the sessions ended are then refused by this
// SessionStore until they would have expired.
func (s *SessionStore) DeleteUser(ctx context.Context, uid string) error {
	ctx, cancel := s.c.callDurably(ctx)
	defer cancel()
	for attempt := range maxAttempts {
		ids, err := s.members(ctx, uid)
		if err != nil {
			return unavailable("ending a user's sessions", err)
		}
		if len(ids) == 0 {
			if attempt > 0 {
				return nil // the last attempt waited for a replica
			}
			// Nothing to end, maybe because a call whose end no replica
			// has yet ended it: this one succeeds only once one has.
			if err := s.confirmEnded(ctx, s.SessionGroup(uid)); err != nil {
				return unavailable("ending a user's sessions", err)
			}
			return nil
		}
		if afterMembersRead != nil {
			afterMembersRead()
		}
		res, err := s.c.runDurably(ctx, deleteUserScript, append([]string{s.ukey(uid)}, s.keys(ids)...), ids)
		out, _ := res.AsIntSlice()
		unconfirmed := errors.Is(err, ErrNotReplicated)
		if len(out) == len(ids)+1 {
			for i, id := range ids {
				if unconfirmed {
					s.tombstone(id, time.Duration(out[i+1])*time.Millisecond)
				} else {
					s.tombstone(id, 0)
				}
			}
		}
		if err != nil {
			return unavailable("ending a user's sessions", err)
		}
		if len(out) == 0 || out[0] == 0 {
			return nil
		}
	}
	return unavailable("ending a user's sessions", errBusyUser)
}

// confirmEnded waits, when Redis has replicas, until one has everything
// the primary of group's slot wrote so far, ends of sessions included: it
// writes a short-lived mark there, <prefix>w:{group}, and waits for it
// (WAIT counts what its own connection wrote).
func (s *SessionStore) confirmEnded(ctx context.Context, group string) error {
	if s.c.waitReplicas == 0 {
		return nil
	}
	_, err := s.c.doDurably(ctx, func(b rueidis.Builder) rueidis.Completed {
		return b.Set().Key(s.c.opts.Prefix + "w:{" + group + "}").Value("1").PxMilliseconds(10_000).Build()
	})
	return err
}

// tombstone makes this SessionStore refuse id: for life when the end of
// id is unconfirmed (life > 0), else, with the cache on, for
// tombstoneLife.
func (s *SessionStore) tombstone(id string, life time.Duration) {
	if s.c.front != nil {
		s.c.front.forget(id)
	}
	if life <= 0 {
		if s.c.front == nil {
			return
		}
		life = tombstoneLife
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tombs) >= maxTombstones {
		for k, until := range s.tombs {
			if now.After(until) || len(s.tombs) >= maxTombstones {
				delete(s.tombs, k)
			}
		}
	}
	if until := now.Add(life); until.After(s.tombs[id]) {
		s.tombs[id] = until
	}
}

func (s *SessionStore) tombstoned(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tombs) == 0 {
		return false
	}
	until, ok := s.tombs[id]
	if ok && time.Now().After(until) {
		delete(s.tombs, id)
		return false
	}
	return ok
}
