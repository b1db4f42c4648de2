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

// BenchmarkSignOut is a session saved then ended, on a primary with a
// replica: without waiting for the replica and waiting for it (WAIT); the
// difference is what the wait costs. For scale, one Redis round trip
// (PING).
func BenchmarkSignOut(b *testing.B) {
	primary := redistest.Start(b)
	redistest.StartReplica(b, primary)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		wait int
	}{{"no-wait", -1}, {"wait", 0}} {
		b.Run(tc.name, func(b *testing.B) {
			c := open(b, primary, Options{WaitReplicas: tc.wait})
			if tc.wait == 0 && c.waitReplicas != 1 {
				b.Fatal("the replica is not waited for")
			}
			s := c.Sessions()
			for b.Loop() {
				id := sid("1234567890")
				if err := s.Save(ctx, id, "1234567890", []byte("session"), time.Now().Add(time.Hour)); err != nil {
					b.Fatal(err)
				}
				if err := s.Delete(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("ping", func(b *testing.B) {
		c := open(b, primary, Options{})
		for b.Loop() {
			if err := c.rc.Do(ctx, c.rc.B().Ping().Build()).Error(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
