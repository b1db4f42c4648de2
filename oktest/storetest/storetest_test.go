package storetest_test

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest/storetest"
)

// broken are stores that each break one promise, and a check of
// TestStores that must then fail.
var broken = map[string]struct {
	stores func() storetest.Stores
	fails  []string
}{
	"Delete ends nothing": {
		func() storetest.Stores {
			return storetest.Stores{Sessions: noDelete{okauth.NewMemorySessions()}, Replay: okauth.NewMemoryReplay(0)}
		},
		[]string{"--- FAIL: TestBroken/sessions", "--- FAIL: TestBroken/attacks/session/a_copy_after_sign-out"},
	},
	"DeleteUser ends nothing": {
		func() storetest.Stores {
			return storetest.Stores{Sessions: noDeleteUser{okauth.NewMemorySessions()}, Replay: okauth.NewMemoryReplay(0)}
		},
		[]string{"--- FAIL: TestBroken/sessions", "--- FAIL: TestBroken/attacks/session/signed_out_everywhere"},
	},
	"Reserve remembers nothing": {
		func() storetest.Stores {
			return storetest.Stores{Sessions: okauth.NewMemorySessions(), Replay: forgetful{okauth.NewMemoryReplay(0)}}
		},
		[]string{"--- FAIL: TestBroken/replay", "--- FAIL: TestBroken/attacks/state/replayed_after_success,_on_another_instance",
			"--- FAIL: TestBroken/attacks/state/replayed_20_times_at_once_over_both_instances"},
	},
	"Release frees nothing": {
		func() storetest.Stores {
			return storetest.Stores{Sessions: okauth.NewMemorySessions(), Replay: noRelease{okauth.NewMemoryReplay(0)}}
		},
		[]string{"--- FAIL: TestBroken/replay", "--- FAIL: TestBroken/attacks/state/freed_when_OK_refused_its_sign-in"},
	},
}

type noDelete struct{ okauth.SessionStore }

func (noDelete) Delete(context.Context, string) error { return nil }

type noDeleteUser struct{ okauth.SessionStore }

func (noDeleteUser) DeleteUser(context.Context, string) error { return nil }

type forgetful struct{ okauth.ReplayStore }

func (forgetful) Reserve(context.Context, string, time.Duration) error { return nil }

type noRelease struct{ okauth.ReplayStore }

func (noRelease) Release(context.Context, string) {}

// TestBroken runs TestStores against one broken store, named by
// $STORETEST_BROKEN, for TestTheChecksFail; alone it does nothing.
func TestBroken(t *testing.T) {
	kind := os.Getenv("STORETEST_BROKEN")
	if kind == "" {
		t.Skip("run by TestTheChecksFail")
	}
	stores := broken[kind].stores()
	storetest.TestStores(t, func(*testing.T) storetest.Stores { return stores })
}

// TestTheChecksFail: each broken store fails the checks that guard what
// it broke, so that a store that passes TestStores keeps its promises.
func TestTheChecksFail(t *testing.T) {
	for kind, b := range broken {
		t.Run(kind, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBroken$", "-test.v")
			cmd.Env = append(os.Environ(), "STORETEST_BROKEN="+kind)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "TestStores passed a store where %s:\n%s", kind, out)
			for _, f := range b.fails {
				assert.Contains(t, string(out), f)
			}
		})
	}
}

// The memory stores pass.
func TestMemoryStores(t *testing.T) {
	stores := storetest.Stores{Sessions: okauth.NewMemorySessions(), Replay: okauth.NewMemoryReplay(0)}
	storetest.TestStores(t, func(*testing.T) storetest.Stores { return stores })
}
