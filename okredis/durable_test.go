package okredis

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/okredis/internal/redistest"
)

// TestCreditedWaitsForAReplica: with a replica, a credited payment is
// recorded on it before MarkCredited returns; with the replica held back
// (SIGSTOP), MarkCredited fails with ErrNotReplicated within about
// ReplicaWait rather than claim what a failover could undo. Without
// replicas nothing waits, unless WaitReplicas asks for one.
func TestCreditedWaitsForAReplica(t *testing.T) {
	ctx := context.Background()
	primary := redistest.Start(t)
	alone := open(t, primary, Options{})
	assert.Equal(t, 0, alone.waitReplicas, "no replica: nothing to wait for")
	require.NoError(t, alone.Payments(0, 0).MarkCredited(ctx, "t0"))
	asked := open(t, primary, Options{WaitReplicas: 1, ReplicaWait: 50 * time.Millisecond})
	err := asked.Payments(0, 0).MarkCredited(ctx, "t0")
	assert.ErrorIs(t, err, ErrNotReplicated, "WaitReplicas 1 without a replica")

	replica := redistest.StartReplica(t, primary)
	// A loaded machine can hold a healthy replica's acknowledgement past
	// the default second; the wait is generous here and short below.
	c := open(t, primary, Options{ReplicaWait: 10 * time.Second})
	require.Equal(t, 1, c.waitReplicas, "a replica at Open: wait for it")
	p := c.Payments(0, 0)
	for i := range 20 {
		id := newID()
		require.NoError(t, p.MarkCredited(ctx, id))
		assert.Equal(t, "credited", replica.MustDo("GET", p.key(id)), "on the replica when MarkCredited returns (%d)", i)
	}

	replica.Pause()
	t.Cleanup(replica.Resume)
	start := time.Now()
	err = open(t, primary, Options{ReplicaWait: 200 * time.Millisecond}).Payments(0, 0).MarkCredited(ctx, "t1")
	t.Logf("unconfirmed after %v", time.Since(start))
	assert.ErrorIs(t, err, ErrNotReplicated)
	assert.ErrorIs(t, err, okauth.ErrStoreUnavailable)
	never := open(t, primary, Options{WaitReplicas: -1})
	assert.NoError(t, never.Payments(0, 0).MarkCredited(ctx, "t2"), "WaitReplicas -1 never waits")
	replica.Resume()
	require.NoError(t, p.MarkCredited(ctx, "t3"), "the replica back: confirmed again")
}

// TestUnconfirmedEndRefusedHere: a Logout (Delete) that no replica
// confirmed fails with ErrNotReplicated, and the instance that made it
// refuses the session from then on, cache on or off, longer than the
// tombstones of confirmed ends; a session whose end was confirmed is not
// remembered that long.
func TestUnconfirmedEndRefusedHere(t *testing.T) {
	ctx := context.Background()
	primary := redistest.Start(t)
	replica := redistest.StartReplica(t, primary)
	for _, noCache := range []bool{false, true} {
		s := open(t, primary, Options{NoCache: noCache, ReplicaWait: 100 * time.Millisecond, WaitReplicas: 1}).Sessions()
		id := sid("u")
		require.NoError(t, s.Save(ctx, id, "u", []byte("x"), time.Now().Add(time.Hour)))
		replica.HoldBack()
		err := s.Delete(ctx, id)
		replica.Release()
		require.ErrorIs(t, err, ErrNotReplicated)
		// What a failover to the replica would bring back:
		require.NoError(t, s.c.rc.Do(ctx, s.c.rc.B().Set().Key(s.key(id)).Value("u\x00x").Build()).Error())
		_, err = s.Load(ctx, id)
		assert.ErrorIs(t, err, okauth.ErrNoSession, "NoCache=%v: refused here", noCache)
		s.mu.Lock()
		until := s.tombs[id]
		s.mu.Unlock()
		assert.Greater(t, time.Until(until), 50*time.Minute, "until the session would have expired")
	}
}

// TestRetriedSignOutWaitsToo: a sign-out retried after one that no replica
// confirmed finds nothing left to end on the primary, yet still reports
// ErrNotReplicated until a replica has the end; then it succeeds.
func TestRetriedSignOutWaitsToo(t *testing.T) {
	ctx := context.Background()
	primary := redistest.Start(t)
	replica := redistest.StartReplica(t, primary)
	s := open(t, primary, Options{WaitReplicas: 1, ReplicaWait: 100 * time.Millisecond}).Sessions()
	id, other := sid("app:5"), sid("app:5")
	require.NoError(t, s.Save(ctx, id, "app:5", []byte("x"), time.Now().Add(time.Hour)))
	require.NoError(t, s.Save(ctx, other, "app:5", []byte("y"), time.Now().Add(time.Hour)))
	replica.HoldBack()
	t.Cleanup(replica.Release)
	require.ErrorIs(t, s.Delete(ctx, id), ErrNotReplicated)
	require.ErrorIs(t, s.Delete(ctx, id), ErrNotReplicated, "Logout again: still not on a replica")
	require.ErrorIs(t, s.DeleteUser(ctx, "app:5"), ErrNotReplicated)
	require.ErrorIs(t, s.DeleteUser(ctx, "app:5"), ErrNotReplicated, "SignOutEverywhere again: still not on a replica")
	replica.Release()
	require.Eventually(t, func() bool { return s.DeleteUser(ctx, "app:5") == nil && s.Delete(ctx, id) == nil },
		10*time.Second, 50*time.Millisecond, "confirmed once the replica is back")
	for _, k := range []string{s.key(id), s.key(other)} {
		n, err := replica.Do("EXISTS", k)
		require.NoError(t, err)
		assert.EqualValues(t, 0, n, "the replica has the ends")
	}
}
