package okredis

import (
	"context"
	"sync"
	"time"
)

// lazyDeadline is a context ending at deadline (or when its parent ends,
// if sooner) whose timer starts only when Done or Err is first asked for.
// A Load answered from the client-side cache never waits, so it never pays
// for a timer; a call that goes to Redis waits on Done and is bounded as
// with context.WithDeadline.
type lazyDeadline struct {
	context.Context // the parent
	deadline        time.Time

	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
}

func (l *lazyDeadline) start() {
	l.once.Do(func() { l.ctx, l.cancel = context.WithDeadline(l.Context, l.deadline) })
}

// Deadline implements context.Context.
func (l *lazyDeadline) Deadline() (time.Time, bool) {
	if d, ok := l.Context.Deadline(); ok && d.Before(l.deadline) {
		return d, true
	}
	return l.deadline, true
}

// Done implements context.Context.
func (l *lazyDeadline) Done() <-chan struct{} { l.start(); return l.ctx.Done() }

// Err implements context.Context.
func (l *lazyDeadline) Err() error { l.start(); return l.ctx.Err() }

// stop releases the timer, if one was started.
func (l *lazyDeadline) stop() {
	l.once.Do(func() {}) // no timer from now on
	if l.cancel != nil {
		l.cancel()
	}
}
