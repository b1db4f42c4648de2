package okredis

import (
	"bytes"
	"context"
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
// <prefix>s:<id>, holding the uid and the encoded session, which Redis
// deletes when the session expires. A sorted set per user,
// <prefix>u:<uid>, lists the user's live session IDs in the order they
// were saved, for [SessionStore.DeleteUser] and for the bound
// ([Options.MaxUserSessions]): each Save drops the members whose session
// has ended, then ends the oldest sessions past the bound, and the set
// expires with the user's last session. Both change together, in one Lua
// script, so a user's set never holds more than the bound and DeleteUser
// ends at most that many sessions.
//
// Load reads through the client-side cache (unless [Options.NoCache]):
// rueidis's, and a map by session ID in front of it (frontCache). Redis
// invalidates a cached session on every instance as soon as it is
// deleted, and this instance also refuses, for [tombstoneLife], the IDs it
// deleted itself, so that its own next Load never races the invalidation.
type SessionStore struct {
	c *Client

	mu    sync.Mutex
	tombs map[string]time.Time // IDs this instance just deleted
}

// tombstoneLife is how long a SessionStore remembers the IDs it deleted:
// far longer than Redis takes to push the invalidation to this process.
const tombstoneLife = 2 * time.Second

// maxTombstones bounds the tombstones; past it the oldest are dropped
// (Redis's invalidation has arrived long before).
const maxTombstones = 10_000

// Sessions returns the SessionStore of c; every call returns the same one.
func (c *Client) Sessions() *SessionStore {
	c.sessionsOnce.Do(func() { c.sessions = &SessionStore{c: c, tombs: map[string]time.Time{}} })
	return c.sessions
}

// saveScript: KEYS[1] the session, KEYS[2] the user's set; ARGV the
// value, its expiry (Unix ms), the ID, the bound, the sessions' prefix.
// A member's score is when it was saved (Redis's clock), made strictly
// greater than every other member's, so the session being saved is never
// among the oldest.
var saveScript = rueidis.NewLuaScript(`
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local at, limit = tonumber(ARGV[2]), tonumber(ARGV[4])
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', ARGV[5] .. id) == 0 then redis.call('ZREM', KEYS[2], id) end
end
local score = now
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) >= score then score = tonumber(last[2]) + 1 end
redis.call('ZADD', KEYS[2], score, ARGV[3])
local over = redis.call('ZCARD', KEYS[2]) - limit
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #oldest, 2 do redis.call('DEL', ARGV[5] .. oldest[i]) end
end
local ttl = redis.call('PTTL', KEYS[2])
if ttl < 0 or now + ttl < at then redis.call('PEXPIREAT', KEYS[2], at) end
return 1`)

var deleteScript = rueidis.NewLuaScript(`
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local at = string.find(v, '\0', 1, true)
if at then redis.call('ZREM', ARGV[1] .. string.sub(v, 1, at - 1), ARGV[2]) end
return redis.call('DEL', KEYS[1])`)

var deleteUserScript = rueidis.NewLuaScript(`
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do redis.call('DEL', ARGV[1] .. id) end
redis.call('DEL', KEYS[1])
return ids`)

func (s *SessionStore) key(id string) string   { return s.c.opts.Prefix + "s:" + id }
func (s *SessionStore) ukey(uid string) string { return s.c.opts.Prefix + "u:" + uid }

// Save implements [okauth.SessionStore].
func (s *SessionStore) Save(ctx context.Context, id, uid string, data []byte, expires time.Time) error {
	if id == "" || uid == "" || strings.IndexByte(uid, 0) >= 0 {
		return fmt.Errorf("okredis: session id or uid empty or malformed")
	}
	if !expires.After(time.Now()) {
		return nil // already over: nothing to keep
	}
	value := make([]byte, 0, len(uid)+1+len(data))
	value = append(append(append(value, uid...), 0), data...)
	at := strconv.FormatInt(expires.UnixMilli(), 10)
	ctx, cancel := s.c.call(ctx)
	defer cancel()
	err := saveScript.Exec(ctx, s.c.rc, []string{s.key(id), s.ukey(uid)},
		[]string{rueidis.BinaryString(value), at, id, strconv.Itoa(s.c.opts.MaxUserSessions), s.c.opts.Prefix + "s:"}).Error()
	if err != nil {
		return unavailable("saving a session", err)
	}
	return nil
}

// Load implements [okauth.SessionStore]. The data it returns may be
// shared with the cache and with other callers: it must not be changed
// (okauth only reads it, as it does what [okauth.NewMemorySessions]
// returns).
func (s *SessionStore) Load(ctx context.Context, id string) ([]byte, error) {
	if s.tombstoned(id) {
		return nil, fmt.Errorf("okredis: session ended: %w", okauth.ErrNoSession)
	}
	front := s.c.front
	var mark *frontEntry
	if front != nil {
		if data, ok := front.get(id, time.Now()); ok {
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

// Delete implements [okauth.SessionStore].
func (s *SessionStore) Delete(ctx context.Context, id string) error {
	ctx, cancel := s.c.call(ctx)
	defer cancel()
	err := deleteScript.Exec(ctx, s.c.rc, []string{s.key(id)}, []string{s.c.opts.Prefix + "u:", id}).Error()
	if err != nil {
		return unavailable("ending a session", err)
	}
	s.tombstone(id)
	return nil
}

// DeleteUser implements [okauth.SessionStore].
func (s *SessionStore) DeleteUser(ctx context.Context, uid string) error {
	ctx, cancel := s.c.call(ctx)
	defer cancel()
	ids, err := deleteUserScript.Exec(ctx, s.c.rc, []string{s.ukey(uid)}, []string{s.c.opts.Prefix + "s:"}).AsStrSlice()
	if err != nil && !isNil(err) {
		return unavailable("ending a user's sessions", err)
	}
	for _, id := range ids {
		s.tombstone(id)
	}
	return nil
}

func (s *SessionStore) tombstone(id string) {
	if s.c.front == nil {
		return
	}
	s.c.front.forget(id)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tombs) >= maxTombstones {
		for k, at := range s.tombs {
			if now.Sub(at) > tombstoneLife || len(s.tombs) >= maxTombstones {
				delete(s.tombs, k)
			}
		}
	}
	s.tombs[id] = now
}

func (s *SessionStore) tombstoned(id string) bool {
	if s.c.front == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tombs) == 0 {
		return false
	}
	at, ok := s.tombs[id]
	if ok && time.Since(at) > tombstoneLife {
		delete(s.tombs, id)
		return false
	}
	return ok
}
