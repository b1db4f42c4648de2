//go:build !race

package okauth_test

// raceEnabled: the race detector changes allocation counts.
const raceEnabled = false
