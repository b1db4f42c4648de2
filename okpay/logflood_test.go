package okpay_test

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth/okpay"
)

var (
	refusedLine = regexp.MustCompile(`level=WARN msg="okpay: (payment callback refused|callback from outside)`)
	refusedSum  = regexp.MustCompile(`msg="okpay: more refused callbacks, not logged one by one" count=(\d+)`)
)

// TestRefusalLogsStayBounded: anyone can send a callback. Of 1,000
// refused GETs (unsigned, and from outside OK's networks), at most 10 an
// interval are written one by one, and a summary record counts the rest.
func TestRefusalLogsStayBounded(t *testing.T) {
	const interval = 500 * time.Millisecond
	e := newEnv(t, nil)
	okpay.SetRefusalLogInterval(e.pay, interval)
	const flood = 1000
	start := time.Now()
	for i := range flood {
		addr := "127.0.0.1:1"
		if i%2 == 1 {
			addr = "192.0.2.1:1"
		}
		w := e.getRaw("uid=1&sig=0", addr)
		require.NotEqual(t, successXML, w.Body.String())
	}
	took := time.Since(start)
	counted := func() (written, summarised, summaries int) {
		logs := e.logs.String()
		for _, m := range refusedSum.FindAllStringSubmatch(logs, -1) {
			n, _ := strconv.Atoi(m[1])
			summarised += n
			summaries++
		}
		return len(refusedLine.FindAllString(logs, -1)), summarised, summaries
	}
	require.Eventually(t, func() bool { w, s, _ := counted(); return w+s == flood },
		10*time.Second, 20*time.Millisecond, "every refusal is written or counted:\n%s", e.logs)
	written, _, summaries := counted()
	intervals := int(took/interval) + 1
	assert.LessOrEqual(t, written, 10*intervals, "records written one by one in %v", took)
	assert.GreaterOrEqual(t, summaries, 1)
	assert.LessOrEqual(t, summaries, intervals)
}
