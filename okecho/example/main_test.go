package main

import (
	"testing"

	"github.com/okauth/okauth/internal/flowtest"
)

// TestExampleRunsWithNoSetup runs the example as `go run ./okecho/example`
// would and signs in and out through its embedded fake OK.
func TestExampleRunsWithNoSetup(t *testing.T) {
	flowtest.Example(t, routes)
}
