package okauth

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/okauth/okauth/internal/faillog"
)

// Failed sign-ins and logouts are mostly what visitors sent, and anyone
// can send many. failureLog writes the first failLogBurst of each
// failLogInterval one record each, then one record at the interval's end
// with how many it left out, so a flood leaves a few lines, not one per
// request. Failures of OK itself are always written.
const (
	failLogBurst    = 10
	failLogInterval = time.Minute
)

type failureLog struct {
	logger   *slog.Logger
	burst    int
	interval time.Duration

	once    sync.Once
	limiter *faillog.Limiter
}

// allow reports whether one more failure may be written now, and counts
// it for the summary if not.
func (f *failureLog) allow() bool {
	f.once.Do(func() {
		f.limiter = &faillog.Limiter{Logger: f.logger, Burst: f.burst, Interval: f.interval,
			Summary: "okauth: more failed requests, not logged one by one"}
	})
	return f.limiter.Allow()
}

// okFault reports whether err is OK's failure rather than the visitor's:
// OK unreachable, answering nonsense, or reporting its own outage.
func okFault(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrBadResponse) || errors.Is(err, ErrOutage)
}
