package okredis

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestLazyDeadline: it ends timeout after it is first waited on, or with
// its parent; it reports the sooner deadline; stopped before any wait, it
// starts no timer.
func TestLazyDeadline(t *testing.T) {
	l := &lazyDeadline{Context: context.Background(), timeout: 20 * time.Millisecond}
	select {
	case <-l.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("never ended")
	}
	assert.ErrorIs(t, l.Err(), context.DeadlineExceeded)
	l.stop()

	parent, cancel := context.WithCancel(context.Background())
	l = &lazyDeadline{Context: parent, timeout: time.Hour}
	cancel()
	assert.ErrorIs(t, l.Err(), context.Canceled)
	l.stop()

	soon := time.Now().Add(time.Second)
	parent, cancel = context.WithDeadline(context.Background(), soon)
	defer cancel()
	l = &lazyDeadline{Context: parent, timeout: time.Hour}
	d, ok := l.Deadline()
	assert.True(t, ok)
	assert.Equal(t, soon, d)
	l.stop()

	start := time.Now()
	l = &lazyDeadline{Context: context.Background(), timeout: time.Minute}
	d, _ = l.Deadline()
	assert.WithinRange(t, d, start.Add(time.Minute), time.Now().Add(time.Minute))
	l.stop()

	l = &lazyDeadline{Context: context.Background(), timeout: time.Minute}
	l.stop()
	assert.Nil(t, l.ctx, "stopped before any wait: no timer")
}
