package okredis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/okauth/okauth"
)

var _ okauth.ReplayStore = (*ReplayStore)(nil)

// ReplayStore is an [okauth.ReplayStore] in Redis: a state used on one
// instance is refused on every other. Reserve is SET NX with the state's
// remaining lifetime, so Redis forgets the state when okauth would. Keys
// are <prefix>r:<SHA-256 of the state>, so their size does not depend on
// what a client sent.
type ReplayStore struct {
	c *Client
}

// Replay returns the ReplayStore of c.
func (c *Client) Replay() *ReplayStore { return &ReplayStore{c: c} }

func (r *ReplayStore) key(state string) string {
	sum := sha256.Sum256([]byte(state))
	return r.c.opts.Prefix + "r:" + hex.EncodeToString(sum[:16])
}

// Reserve implements [okauth.ReplayStore]. It returns
// [okauth.ErrStateReused] for a state already marked, and an error
// wrapping [okauth.ErrStoreUnavailable] when Redis cannot answer (the
// sign-in is then refused).
func (r *ReplayStore) Reserve(ctx context.Context, state string, ttl time.Duration) error {
	ms := max(ttl.Milliseconds(), 1)
	ctx, cancel := r.c.call(ctx)
	defer cancel()
	err := r.c.rc.Do(ctx, r.c.rc.B().Set().Key(r.key(state)).Value("1").Nx().PxMilliseconds(ms).Build()).Error()
	switch {
	case isNil(err):
		return okauth.ErrStateReused
	case err != nil:
		return unavailable("reserving a state", err)
	}
	return nil
}

// Release implements [okauth.ReplayStore]. If Redis cannot answer, the
// state stays marked until it expires: the sign-in already failed.
func (r *ReplayStore) Release(ctx context.Context, state string) {
	ctx, cancel := r.c.call(ctx)
	defer cancel()
	_ = r.c.rc.Do(ctx, r.c.rc.B().Del().Key(r.key(state)).Build()).Error()
}

// Used implements [okauth.ReplayStore]. When Redis cannot answer it
// reports false: Used only chooses which error refuses a callback whose
// state matches no pending sign-in.
func (r *ReplayStore) Used(ctx context.Context, state string) bool {
	ctx, cancel := r.c.call(ctx)
	defer cancel()
	n, err := r.c.rc.Do(ctx, r.c.rc.B().Exists().Key(r.key(state)).Build()).AsInt64()
	return err == nil && n > 0
}
