package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/okauth/okauth/oktest"
)

// TestOkfakeMintRefusesOtherSites: a page on another site, open in the
// developer's browser, cannot post a form to the mint routes (change whom
// the dialog signs in, mint tokens); a script, curl or the phone, which
// send no Sec-Fetch-Site or Origin, still can.
func TestOkfakeMintRefusesOtherSites(t *testing.T) {
	fake := oktest.NewUnstartedServer()
	fake.URL = "http://127.0.0.1:8099"
	mux := newMux(fake)
	for _, route := range []string{tokenRoute, codeRoute, launchRoute, userRoute} {
		post := func(edit func(*http.Request)) int {
			req := httptest.NewRequest(http.MethodPost, fake.URL+route, strings.NewReader("uid=666&redirect_uri=okauth://auth&app=https://app.example/auth/ok/app"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			edit(req)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			return rec.Code
		}
		assert.Equal(t, http.StatusForbidden, post(func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }), route)
		assert.Equal(t, http.StatusForbidden, post(func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") }), route)
		assert.Less(t, post(func(*http.Request) {}), 300, route+": a script's post")
	}
}
