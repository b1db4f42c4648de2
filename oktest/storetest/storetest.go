// Package storetest checks that a [okauth.SessionStore] and a
// [okauth.ReplayStore] keep the promises okauth relies on, so that a
// store shared by several instances of an app (okredis, or one of your
// own) is held to the same attacks as the built-in memory stores.
//
// [TestStores] runs three groups of checks: the session store's contract
// (with its bound on the sessions of one user),
// the replay store's contract, and the rows of okauth's attack table that
// concern sessions and replay, played over loopback HTTP against two
// instances of an app (two [okauth.Auth], each with its own stores) that
// share the stores' data.
//
// [WaitSignedOut] and [WaitRevoked] are for an app's own tests: they wait,
// bounded, until a session ended on one instance is refused on another.
package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/okauth/okauth"
)

// Stores are what one instance of an app passes as Config.SessionStore
// and Config.ReplayStore.
type Stores struct {
	Sessions okauth.SessionStore
	Replay   okauth.ReplayStore

	// MaxUserSessions is the bound Sessions was made with on the live
	// sessions of one user; 0 means okauth.DefaultMaxUserSessions.
	MaxUserSessions int
}

// TestStores runs every check against the stores open returns, in about
// 5 seconds. open is called once per instance a check starts (at least
// twice per check) and may register clean-ups on t; both fields of the
// Stores it returns must be set, and the Stores of every call must share
// their data, as the clients of several instances share one server (a
// process-local store returns the same Stores each time). A session or
// state ended on one instance must be refused on every other within
// [Revocation]. The checks use fresh random IDs, uids and states, so the
// data may also be shared with other tests.
//
// The checks cover the session and replay stores only: not a
// [okauth.TokenStore], nor the payment store of okpay.
func TestStores(t *testing.T, open func(t *testing.T) Stores) {
	t.Run("sessions", func(t *testing.T) { testSessions(t, open) })
	t.Run("sessions/bound", func(t *testing.T) { testBound(t, open) })
	t.Run("replay", func(t *testing.T) { testReplay(t, open) })
	t.Run("attacks", func(t *testing.T) { testAttacks(t, open) })
}

// random is a fresh random hex string of n bytes, for IDs, uids and
// states no other test uses.
func random(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// randomUID is a fresh numeric uid, as OK's are.
func randomUID() string {
	b := make([]byte, 6)
	rand.Read(b)
	uid := []byte("5")
	for _, c := range b {
		uid = append(uid, '0'+c%10)
	}
	return string(uid)
}
