package okredis

import (
	"context"
	"sync"
	"time"
)

// lazyDeadline is a context that ends timeout after it is first waited on
// (or when its parent ends, if sooner). Neither its clock nor its timer
// starts before Deadline, Done or Err is first asked for: a Load answered
// from the client-side cache never asks, so it pays for neither, and a
// call that goes to Redis asks at once and is bounded as with
// context.WithTimeout.
type lazyDeadline struct {
	context.Context // the parent
	timeout         time.Duration

	once     sync.Once
	deadline time.Time
	ctx      context.Context
	cancel   context.CancelFunc
}

func (l *lazyDeadline) start() {
	l.once.Do(func() {
		l.deadline = time.Now().Add(l.timeout)
		l.ctx, l.cancel = context.WithDeadline(l.Context, l.deadline)
	})
}

// Deadline implements context.Context.
func (l *lazyDeadline) Deadline() (time.Time, bool) {
	l.start()
	return l.ctx.Deadline()
}

// Done implements context.Context.
func (l *lazyDeadline) Done() <-chan struct{} { l.start(); return l.ctx.Done() }

// Err implements context.Context.
func (l *lazyDeadline) Err() error { l.start(); return l.ctx.Err() }

// stop releases the timer, if one was started. l must not be used after.
func (l *lazyDeadline) stop() {
	l.once.Do(func() {}) // no timer from now on
	if l.cancel != nil {
		l.cancel()
	}
}
