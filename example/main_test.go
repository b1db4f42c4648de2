package main

import (
	"testing"

	"github.com/okauth/okauth/internal/flowtest"
)

// TestExampleRunsWithNoSetup runs the example as `go run ./example` would,
// with no OK account, and signs in and out over plain http on loopback
// through its embedded fake OK and consent page; a payment the fake
// delivers to /ok/payment shows as the user's coins.
func TestExampleRunsWithNoSetup(t *testing.T) {
	flowtest.ExampleWithShop(t, routes)
}

// TestExampleCodeFlow is TestExampleRunsWithNoSetup with OK_FLOW=code: the
// embedded fake's token endpoint and secret serve the server flow.
func TestExampleCodeFlow(t *testing.T) {
	flowtest.Example(t, routes, "OK_FLOW", "code")
}
