package storetest_test

import (
	"testing"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest/storetest"
)

// A test of an app's own stores (here the built-in memory stores, which
// every instance in one process shares): open is called once per
// instance, and what it returns must reach the same data.
func ExampleTestStores() {
	_ = func(t *testing.T) { // func TestMyStores(t *testing.T)
		sessions, replay := okauth.NewMemorySessions(), okauth.NewMemoryReplay(0)
		storetest.TestStores(t, func(*testing.T) storetest.Stores {
			return storetest.Stores{Sessions: sessions, Replay: replay}
		})
	}
}
