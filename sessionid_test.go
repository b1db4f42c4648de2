package okauth_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// groupingStore is a memory store that groups sessions by the first
// character of the uid, and records the IDs it was given with their uid.
type groupingStore struct {
	okauth.SessionStore
	group func(uid string) string
	mu    sync.Mutex
	ids   map[string]string // ID → uid
}

func (g *groupingStore) SessionGroup(uid string) string { return g.group(uid) }

func (g *groupingStore) Save(ctx context.Context, id, uid string, data []byte, expires time.Time) error {
	g.mu.Lock()
	g.ids[id] = uid
	g.mu.Unlock()
	return g.SessionStore.Save(ctx, id, uid, data, expires)
}

// TestNewSessionID: an ID is 43 base64url characters, random, and begins
// with the group of its user when the store groups sessions; a group that
// is not 1 to 8 base64url characters is ignored.
func TestNewSessionID(t *testing.T) {
	plain := okauth.NewMemorySessions()
	seen := map[string]bool{}
	for range 100 {
		id := okauth.NewSessionID(plain, "1")
		require.Len(t, id, 43)
		require.Equal(t, -1, strings.IndexFunc(id, func(r rune) bool {
			return !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", r)
		}), id)
		require.False(t, seen[id])
		seen[id] = true
	}
	for group, want := range map[string]bool{"Ab-_": true, "x": true, "12345678": true,
		"": false, "123456789": false, "a{b}": false, "a b": false, "é": false} {
		g := &groupingStore{SessionStore: plain, group: func(string) string { return group }}
		id := okauth.NewSessionID(g, "1")
		require.Len(t, id, 43)
		assert.Equal(t, want, strings.HasPrefix(id, group) && group != "", "group %q: %s", group, id)
		assert.NotEqual(t, id, okauth.NewSessionID(g, "1"), "the rest is random")
	}
}

// TestSignInUsesTheStoresGroup: a sign-in saves its session under an ID
// that begins with the group of the uid the store is given.
func TestSignInUsesTheStoresGroup(t *testing.T) {
	store := &groupingStore{SessionStore: okauth.NewMemorySessions(), ids: map[string]string{},
		group: func(uid string) string { return "G" + uid[len(uid)-1:] }}
	e := newEnv(t, func(c *okauth.Config) { c.SessionStore, c.AppSecret = store, fakeSecret })
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	e.SignIn(t, e.Browser(t), "/")
	require.Len(t, store.ids, 2)
	for id, uid := range store.ids {
		assert.True(t, strings.HasPrefix(id, store.group(uid)), "ID %s of uid %s", id, uid)
	}
	assert.Contains(t, body(t, get(t, c, e.App.URL+"/")), "uid=", "the session loads")
}
