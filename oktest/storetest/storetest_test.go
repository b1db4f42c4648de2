package storetest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest/storetest"
)

// memory returns an open for TestStores: the memory stores, shared by
// every instance.
func memory() func(*testing.T) storetest.Stores {
	s := storetest.Stores{Sessions: okauth.NewMemorySessions(), Replay: okauth.NewMemoryReplay(0)}
	return func(*testing.T) storetest.Stores { return s }
}

// The memory stores pass.
func TestMemoryStores(t *testing.T) {
	storetest.TestStores(t, memory())
}

// The memory stores behind a switch that takes them down pass
// TestOutage, data kept: the half-write checks run.
func TestMemoryOutage(t *testing.T) {
	down := new(atomic.Bool)
	storetest.TestOutage(t, switchable(down, false), func() { down.Store(true) }, func() { down.Store(false) })
}

// broken are stores that each break one promise, and the checks that
// must then fail.
var broken = map[string]struct {
	open   func() func(*testing.T) storetest.Stores
	outage bool // run TestOutage rather than TestStores
	fails  []string
}{
	"Delete ends nothing": {
		open: func() func(*testing.T) storetest.Stores {
			s := storetest.Stores{Sessions: noDelete{okauth.NewMemorySessions()}, Replay: okauth.NewMemoryReplay(0)}
			return func(*testing.T) storetest.Stores { return s }
		},
		fails: []string{"--- FAIL: TestBroken/sessions", "--- FAIL: TestBroken/attacks/session/a_copy_after_sign-out"},
	},
	"DeleteUser ends nothing": {
		open: func() func(*testing.T) storetest.Stores {
			s := storetest.Stores{Sessions: noDeleteUser{okauth.NewMemorySessions()}, Replay: okauth.NewMemoryReplay(0)}
			return func(*testing.T) storetest.Stores { return s }
		},
		fails: []string{"--- FAIL: TestBroken/sessions", "--- FAIL: TestBroken/attacks/session/signed_out_everywhere"},
	},
	"DeleteUser ends this instance's sessions only": {
		open: func() func(*testing.T) storetest.Stores {
			shared, replay := okauth.NewMemorySessions(), okauth.NewMemoryReplay(0)
			return func(*testing.T) storetest.Stores {
				return storetest.Stores{Sessions: &localIndex{SessionStore: shared, ids: map[string][]string{}}, Replay: replay}
			}
		},
		fails: []string{"--- FAIL: TestBroken/sessions", "--- FAIL: TestBroken/attacks/session/signed_out_everywhere"},
	},
	"a user's sessions unbounded": {
		open: func() func(*testing.T) storetest.Stores {
			s := storetest.Stores{Sessions: okauth.NewMemorySessionsMax(1 << 20), Replay: okauth.NewMemoryReplay(0)}
			return func(*testing.T) storetest.Stores { return s }
		},
		fails: []string{"--- FAIL: TestBroken/sessions/bound"},
	},
	"Reserve remembers nothing": {
		open: func() func(*testing.T) storetest.Stores {
			s := storetest.Stores{Sessions: okauth.NewMemorySessions(), Replay: forgetful{okauth.NewMemoryReplay(0)}}
			return func(*testing.T) storetest.Stores { return s }
		},
		fails: []string{"--- FAIL: TestBroken/replay", "--- FAIL: TestBroken/attacks/state/replayed_after_success,_on_another_instance",
			"--- FAIL: TestBroken/attacks/state/replayed_20_times_at_once_over_both_instances"},
	},
	"marks last 500 ms whatever the state's lifetime": {
		open: func() func(*testing.T) storetest.Stores {
			s := storetest.Stores{Sessions: okauth.NewMemorySessions(), Replay: shortMarks{okauth.NewMemoryReplay(0)}}
			return func(*testing.T) storetest.Stores { return s }
		},
		fails: []string{"--- FAIL: TestBroken/replay"},
	},
	"Release frees nothing": {
		open: func() func(*testing.T) storetest.Stores {
			s := storetest.Stores{Sessions: okauth.NewMemorySessions(), Replay: noRelease{okauth.NewMemoryReplay(0)}}
			return func(*testing.T) storetest.Stores { return s }
		},
		fails: []string{"--- FAIL: TestBroken/replay", "--- FAIL: TestBroken/attacks/state/freed_when_OK_refused_its_sign-in"},
	},
	"a refused Reserve leaves its mark": {
		open:   func() func(*testing.T) storetest.Stores { return switchable(brokenDown, true) },
		outage: true,
		fails:  []string{"--- FAIL: TestBroken", "nothing was half-written"},
	},
}

type noDelete struct{ okauth.SessionStore }

func (noDelete) Delete(context.Context, string) error { return nil }

type noDeleteUser struct{ okauth.SessionStore }

func (noDeleteUser) DeleteUser(context.Context, string) error { return nil }

// localIndex shares sessions but keeps the list of each user's sessions
// in the instance, so DeleteUser misses those saved elsewhere.
type localIndex struct {
	okauth.SessionStore
	mu  sync.Mutex
	ids map[string][]string
}

func (l *localIndex) Save(ctx context.Context, id, uid string, data []byte, expires time.Time) error {
	l.mu.Lock()
	l.ids[uid] = append(l.ids[uid], id)
	l.mu.Unlock()
	return l.SessionStore.Save(ctx, id, uid, data, expires)
}

func (l *localIndex) DeleteUser(ctx context.Context, uid string) error {
	l.mu.Lock()
	ids := l.ids[uid]
	delete(l.ids, uid)
	l.mu.Unlock()
	for _, id := range ids {
		if err := l.Delete(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

type forgetful struct{ okauth.ReplayStore }

func (forgetful) Reserve(context.Context, string, time.Duration) error { return nil }

type shortMarks struct{ okauth.ReplayStore }

func (s shortMarks) Reserve(ctx context.Context, state string, _ time.Duration) error {
	return s.ReplayStore.Reserve(ctx, state, 500*time.Millisecond)
}

type noRelease struct{ okauth.ReplayStore }

func (noRelease) Release(context.Context, string) {}

// errDown is what the switchable stores answer while down.
var errDown = fmt.Errorf("%w: switched off", okauth.ErrStoreUnavailable)

// brokenDown switches the stores of TestBroken's outage.
var brokenDown = new(atomic.Bool)

// switchable returns an open for memory stores that fail with errDown
// while down is set, keeping their data. With halfWrite, a Reserve while
// down marks the state before it fails.
func switchable(down *atomic.Bool, halfWrite bool) func(*testing.T) storetest.Stores {
	s := storetest.Stores{
		Sessions: downSessions{okauth.NewMemorySessions(), down},
		Replay:   downReplay{okauth.NewMemoryReplay(0), down, halfWrite},
	}
	return func(*testing.T) storetest.Stores { return s }
}

type downSessions struct {
	okauth.SessionStore
	down *atomic.Bool
}

func (s downSessions) Save(ctx context.Context, id, uid string, data []byte, expires time.Time) error {
	if s.down.Load() {
		return errDown
	}
	return s.SessionStore.Save(ctx, id, uid, data, expires)
}

func (s downSessions) Load(ctx context.Context, id string) ([]byte, error) {
	if s.down.Load() {
		return nil, errDown
	}
	return s.SessionStore.Load(ctx, id)
}

func (s downSessions) Delete(ctx context.Context, id string) error {
	if s.down.Load() {
		return errDown
	}
	return s.SessionStore.Delete(ctx, id)
}

func (s downSessions) DeleteUser(ctx context.Context, uid string) error {
	if s.down.Load() {
		return errDown
	}
	return s.SessionStore.DeleteUser(ctx, uid)
}

type downReplay struct {
	okauth.ReplayStore
	down      *atomic.Bool
	halfWrite bool
}

func (r downReplay) Reserve(ctx context.Context, state string, ttl time.Duration) error {
	if r.down.Load() {
		if r.halfWrite {
			_ = r.ReplayStore.Reserve(ctx, state, ttl)
		}
		return errDown
	}
	return r.ReplayStore.Reserve(ctx, state, ttl)
}

func (r downReplay) Release(ctx context.Context, state string) {
	if !r.down.Load() {
		r.ReplayStore.Release(ctx, state)
	}
}

func (r downReplay) Used(ctx context.Context, state string) bool {
	return r.down.Load() || r.ReplayStore.Used(ctx, state)
}

// TestBroken runs the checks against one broken store, named by
// $STORETEST_BROKEN, for TestTheChecksFail; alone it does nothing.
func TestBroken(t *testing.T) {
	kind := os.Getenv("STORETEST_BROKEN")
	if kind == "" {
		t.Skip("run by TestTheChecksFail")
	}
	b := broken[kind]
	if b.outage {
		storetest.TestOutage(t, b.open(), func() { brokenDown.Store(true) }, func() { brokenDown.Store(false) })
		return
	}
	storetest.TestStores(t, b.open())
}

// TestTheChecksFail: each broken store fails the checks that guard what
// it broke, so that a store that passes keeps its promises.
func TestTheChecksFail(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the checks once per broken store")
	}
	for kind, b := range broken {
		t.Run(kind, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBroken$", "-test.v", "-test.timeout=2m")
			cmd.Env = append(os.Environ(), "STORETEST_BROKEN="+kind)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the checks passed a store where %s:\n%s", kind, out)
			for _, f := range b.fails {
				assert.Contains(t, string(out), f)
			}
		})
	}
}
