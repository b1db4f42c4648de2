package okredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/okauth/okauth"
	"github.com/redis/rueidis"
)

// TokenStore is an [okauth.TokenStore] and [okauth.TokenLocker] in Redis:
// instances share the access tokens they got by refreshing, and one at a
// time refreshes a given token. A token is <prefix>t:<key>, expiring with
// the token; its lock is <prefix>tl:<key>.
//
// okauth hands it the access tokens sealed with the app's session keys
// and bound to their key, so Redis holds no token usable without the
// keys; the refresh tokens never reach it (the key is a hash of one).
type TokenStore struct {
	c *Client
}

// Tokens returns the TokenStore of c.
func (c *Client) Tokens() *TokenStore { return &TokenStore{c: c} }

type storedToken struct {
	AccessToken string `json:"a"`
	Expires     int64  `json:"e"` // Unix milliseconds
}

// Get implements [okauth.TokenStore].
func (s *TokenStore) Get(ctx context.Context, key string) (okauth.Token, bool, error) {
	ctx, cancel := s.c.call(ctx)
	defer cancel()
	v, err := s.c.rc.Do(ctx, s.c.rc.B().Get().Key(s.c.opts.Prefix+"t:"+key).Build()).AsBytes()
	switch {
	case isNil(err):
		return okauth.Token{}, false, nil
	case err != nil:
		return okauth.Token{}, false, unavailable("reading a token", err)
	}
	var st storedToken
	if err := json.Unmarshal(v, &st); err != nil {
		return okauth.Token{}, false, errMalformed
	}
	return okauth.Token{AccessToken: okauth.Secret(st.AccessToken), Expires: time.UnixMilli(st.Expires)}, true, nil
}

// Put implements [okauth.TokenStore]. Redis forgets the token when it
// expires.
func (s *TokenStore) Put(ctx context.Context, key string, t okauth.Token) error {
	if !t.Expires.After(time.Now()) {
		return nil
	}
	v, err := json.Marshal(storedToken{AccessToken: t.AccessToken.Reveal(), Expires: t.Expires.UnixMilli()})
	if err != nil {
		return err
	}
	ctx, cancel := s.c.call(ctx)
	defer cancel()
	cmd := s.c.rc.B().Set().Key(s.c.opts.Prefix + "t:" + key).Value(rueidis.BinaryString(v)).
		Pxat(t.Expires).Build()
	if err := s.c.rc.Do(ctx, cmd).Error(); err != nil {
		return unavailable("storing a token", err)
	}
	return nil
}

// lockPoll is how often LockToken asks again for a lock another instance
// holds.
const lockPoll = 20 * time.Millisecond

var unlockScript = rueidis.NewLuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// LockToken implements [okauth.TokenLocker]: SET NX PX ttl with a random
// owner, asked again every 20 ms until ctx ends. unlock deletes the lock
// only while this caller owns it, so a lock that outlived its ttl and was
// taken by another instance is left alone.
func (s *TokenStore) LockToken(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	owner := hex.EncodeToString(b[:])
	k := s.c.opts.Prefix + "tl:" + key
	ms := max(ttl.Milliseconds(), 1)
	for {
		cctx, cancel := s.c.call(ctx)
		err := s.c.rc.Do(cctx, s.c.rc.B().Set().Key(k).Value(owner).Nx().PxMilliseconds(ms).Build()).Error()
		cancel()
		switch {
		case err == nil:
			return func() {
				uctx, cancel := s.c.call(context.WithoutCancel(ctx))
				defer cancel()
				_ = unlockScript.Exec(uctx, s.c.rc, []string{k}, []string{owner}).Error()
			}, nil
		case !isNil(err):
			return nil, unavailable("locking a token", err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("okredis: waiting for a token's lock: %w", ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}
