// Package faillog bounds the log records that what anyone can send may
// cause: failed sign-ins, refused payment callbacks.
package faillog

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Limiter lets the first Burst records of each Interval be written one
// each, then writes one record (Summary, at LevelWarn) at the interval's
// end with how many it left out, so a flood leaves a few lines, not one
// per request. Set its fields before the first Allow; it is safe for
// concurrent use.
type Limiter struct {
	Logger   *slog.Logger
	Burst    int
	Interval time.Duration
	Summary  string // the summary record's message

	mu      sync.Mutex
	start   time.Time // when the current interval began
	written int       // records written in it
	dropped int       // records left out since the last summary
	timer   *time.Timer
}

// Allow reports whether one more record may be written now, and counts
// it for the summary if not.
func (l *Limiter) Allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.start) >= l.Interval {
		l.start, l.written = now, 0
	}
	if l.written < l.Burst {
		l.written++
		return true
	}
	l.dropped++
	if l.timer == nil {
		l.timer = time.AfterFunc(l.start.Add(l.Interval).Sub(now), l.summarise)
	}
	return false
}

// summarise writes how many records were left out since the last summary.
func (l *Limiter) summarise() {
	l.mu.Lock()
	n := l.dropped
	l.dropped, l.timer = 0, nil
	l.mu.Unlock()
	if n > 0 {
		l.Logger.LogAttrs(context.Background(), slog.LevelWarn, l.Summary,
			slog.Int("count", n), slog.Duration("interval", l.Interval))
	}
}
