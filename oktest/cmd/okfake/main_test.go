package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/okauth/okauth/oktest"
)

// TestOkfakeKeepsAGivenSecret: the fake's own secret is printed for the
// app to take, but a secret given with -app-secret (perhaps the app's
// real one, from the environment) never reaches the output, which a CI
// log keeps.
func TestOkfakeKeepsAGivenSecret(t *testing.T) {
	fake := oktest.NewUnstartedServer()
	fake.URL = "http://127.0.0.1:8099"
	var out strings.Builder
	printEndpoints(&out, fake, false)
	assert.Contains(t, out.String(), "OK_APP_SECRET="+fake.AppSecret+"\n")

	fake.AppSecret = "the-real-secret-from-the-environment"
	out.Reset()
	printEndpoints(&out, fake, true)
	assert.NotContains(t, out.String(), fake.AppSecret)
	assert.Contains(t, out.String(), "OK_APP_ID="+fake.AppID+"\n")
}
