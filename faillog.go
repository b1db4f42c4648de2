package okauth

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
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

	mu      sync.Mutex
	start   time.Time // when the current interval began
	written int       // records written in it
	dropped int       // records left out since the last summary
	timer   *time.Timer
}

// allow reports whether one more failure may be written now, and counts
// it for the summary if not.
func (f *failureLog) allow() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	if now.Sub(f.start) >= f.interval {
		f.start, f.written = now, 0
	}
	if f.written < f.burst {
		f.written++
		return true
	}
	f.dropped++
	if f.timer == nil {
		f.timer = time.AfterFunc(f.start.Add(f.interval).Sub(now), f.summarise)
	}
	return false
}

// summarise writes how many failures were left out since the last
// summary.
func (f *failureLog) summarise() {
	f.mu.Lock()
	n := f.dropped
	f.dropped, f.timer = 0, nil
	f.mu.Unlock()
	if n > 0 {
		f.logger.LogAttrs(context.Background(), slog.LevelWarn, "okauth: more failed requests, not logged one by one",
			slog.Int("count", n), slog.Duration("interval", f.interval))
	}
}

// okFault reports whether err is OK's failure rather than the visitor's:
// OK unreachable, answering nonsense, or reporting its own outage.
func okFault(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrBadResponse) || errors.Is(err, ErrOutage)
}
