package okredis

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/redis/rueidis"
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
// difference is what the wait costs. For scale, the replication round
// trip itself: a SET alone, and a SET with WAIT pipelined behind it, on
// one connection.
func BenchmarkSignOut(b *testing.B) {
	primary := redistest.Start(b)
	redistest.StartReplica(b, primary)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		wait int
	}{{"no-wait", -1}, {"wait", 0}} {
		b.Run(tc.name, func(b *testing.B) {
			// ReplicaWait: a loaded machine may take longer than 1 s now
			// and then; this measures the cost, not the bound.
			c := open(b, primary, Options{WaitReplicas: tc.wait, ReplicaWait: 2 * time.Second})
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
	for _, wait := range []bool{false, true} {
		name := "set"
		if wait {
			name = "set-wait"
		}
		b.Run(name, func(b *testing.B) {
			c := open(b, primary, Options{})
			err := c.rc.Dedicated(func(d rueidis.DedicatedClient) error {
				for b.Loop() {
					cmds := []rueidis.Completed{d.B().Set().Key("bench").Value("x").Build()}
					if wait {
						cmds = append(cmds, d.B().Wait().Numreplicas(1).Timeout(1000).Build())
					}
					for _, r := range d.DoMulti(ctx, cmds...) {
						if err := r.Error(); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}
