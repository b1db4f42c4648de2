package okauth_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/okauth/okauth/internal/acceptlang"
	"github.com/stretchr/testify/assert"
)

// TestAcceptLanguageCostIsBounded: anyone sends Accept-Language, and a
// page reads it. Negotiation reads at most 32 ranges and allocates
// nothing for them, however long the header: 1 MB of commas once
// allocated 16 MB.
func TestAcceptLanguageCostIsBounded(t *testing.T) {
	huge := strings.Repeat(",", 1<<20) + "ru"
	many := strings.Repeat("xx;q=0.5,", 100_000) + "ru"
	for _, header := range []string{huge, many, "ru-RU,ru;q=0.9,en;q=0.8"} {
		allocs := testing.AllocsPerRun(10, func() { acceptlang.Prefer(header, "en", "ru") })
		assert.Zero(t, allocs, "allocations per call")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		acceptlang.Prefer(header, "en", "ru")
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "bytes allocated by one call")
	}
	assert.Empty(t, acceptlang.Prefer(huge, "en", "ru"), "ranges past the 32nd are not read")
	assert.Equal(t, "ru", acceptlang.Prefer("ru-RU,ru;q=0.9,en;q=0.8", "en", "ru"))
}
