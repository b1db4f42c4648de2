package okredis

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/okauth/okauth/okredis/internal/redistest"
)

// BenchmarkSessionLoad is the Redis part of a signed-in request: one
// SessionStore.Load of a typical session (about 700 bytes), from the
// client-side cache and from Redis.
func BenchmarkSessionLoad(b *testing.B) {
	srv := redistest.Start(b)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		opts Options
	}{{"cached", Options{}}, {"uncached", Options{NoCache: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			s := open(b, srv, tc.opts).Sessions()
			id := sid("1234567890")
			if err := s.Save(ctx, id, "1234567890", bytes.Repeat([]byte("s"), 700), time.Now().Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Load(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
