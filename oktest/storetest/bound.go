package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// testBound: one user's live sessions never exceed the store's bound.
// Saving past it, over two instances, ends the oldest saved, on every
// instance within Revocation, and never the session being saved, even one
// that expires before the others; DeleteUser then ends them all.
func testBound(t *testing.T, open func(t *testing.T) Stores) {
	sa, sb := open(t), open(t)
	limit := sa.MaxUserSessions
	if limit <= 0 {
		limit = okauth.DefaultMaxUserSessions
	}
	a, b := sa.Sessions, sb.Sessions
	ctx := context.Background()
	uid, bystander := randomUID(), randomUID()
	hour := time.Now().Add(time.Hour)
	kept := okauth.NewSessionID(a, bystander)
	require.NoError(t, a.Save(ctx, kept, bystander, []byte("another user"), hour))

	ids := make([]string, limit+2)
	for i := range ids {
		ids[i] = okauth.NewSessionID(a, uid)
		require.NoError(t, [2]okauth.SessionStore{a, b}[i%2].Save(ctx, ids[i], uid, []byte("s"), hour.Add(time.Duration(i)*time.Second)))
	}
	for _, id := range ids[:2] {
		assert.True(t, gone(ctx, b, id, Revocation), "the oldest sessions past the bound of %d end on B", limit)
		assert.True(t, gone(ctx, a, id, Revocation), "and on A")
	}
	for i, id := range ids[2:] {
		_, err := b.Load(ctx, id)
		assert.NoError(t, err, "session %d, within the bound", i+2)
	}

	short := okauth.NewSessionID(a, uid)
	require.NoError(t, a.Save(ctx, short, uid, []byte("short"), time.Now().Add(time.Minute)))
	_, err := b.Load(ctx, short)
	assert.NoError(t, err, "the session being saved is never ended, even one that expires first")
	assert.True(t, gone(ctx, b, ids[2], Revocation), "the oldest saved is ended instead")

	require.NoError(t, b.DeleteUser(ctx, uid))
	for _, id := range append(ids[3:], short) {
		assert.True(t, gone(ctx, a, id, Revocation), "DeleteUser ends every session within the bound")
	}
	_, err = a.Load(ctx, kept)
	assert.NoError(t, err, "another user's session is left alone")
	require.NoError(t, a.Delete(ctx, kept))
}
