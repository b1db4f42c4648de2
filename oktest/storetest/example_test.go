package storetest_test

import (
	"net/http"
	"net/http/httptest"
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

// A test that signs out on one instance of an app and then checks another
// waits until that instance refuses the session, as a store shared by
// instances ends it everywhere within storetest.Revocation, not at once.
func ExampleWaitSignedOut() {
	_ = func(t *testing.T, instanceA, instanceB http.Handler, cookies []*http.Cookie) {
		logout := httptest.NewRequest(http.MethodPost, "/auth/ok/logout", nil)
		account := httptest.NewRequest(http.MethodGet, "/account", nil) // behind RequireLogin
		for _, c := range cookies {
			logout.AddCookie(c)
			account.AddCookie(c)
		}
		instanceB.ServeHTTP(httptest.NewRecorder(), logout)
		storetest.WaitSignedOut(t, instanceA, account)
		// From here on, instance A refuses the session.
	}
}
