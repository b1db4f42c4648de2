package okredis

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/okauth/okauth/okredis/internal/redistest"
	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// BenchmarkClientGet measures what chose the client (README, "Why
// rueidis"): a session Load is one GET of about 700 bytes, with and without
// the client-side cache, for rueidis and go-redis side by side against the
// same real redis-server.
func BenchmarkClientGet(b *testing.B) {
	srv := redistest.Start(b)
	ctx := context.Background()
	value := bytes.Repeat([]byte("s"), 700)
	const key = "okauth:bench:get"

	ru, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, ForceSingleClient: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ru.Close()
	if err := ru.Do(ctx, ru.B().Set().Key(key).Value(rueidis.BinaryString(value)).Build()).Error(); err != nil {
		b.Fatal(err)
	}
	check := func(b *testing.B, got []byte, err error) {
		if err != nil || len(got) != len(value) {
			b.Fatalf("GET = %d bytes, %v", len(got), err)
		}
	}
	b.Run("rueidis/cached", func(b *testing.B) {
		for b.Loop() {
			got, err := ru.DoCache(ctx, ru.B().Get().Key(key).Cache(), time.Minute).AsBytes()
			check(b, got, err)
		}
	})
	b.Run("rueidis/uncached", func(b *testing.B) {
		for b.Loop() {
			got, err := ru.Do(ctx, ru.B().Get().Key(key).Build()).AsBytes()
			check(b, got, err)
		}
	})
	b.Run("rueidis/uncached-parallel", func(b *testing.B) {
		b.SetParallelism(8) // a server answering 16 requests at once
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				got, err := ru.Do(ctx, ru.B().Get().Key(key).Build()).AsBytes()
				check(b, got, err)
			}
		})
	})

	for _, cached := range []bool{true, false} {
		opt := &goredis.Options{Addr: srv.Addr(), Protocol: 3}
		name := "go-redis/uncached"
		if cached {
			opt.ClientSideCacheConfig = &goredis.ClientSideCacheConfig{MaxEntries: 1000}
			name = "go-redis/cached"
		}
		gr := goredis.NewClient(opt)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				got, err := gr.Get(ctx, key).Bytes()
				check(b, got, err)
			}
		})
		if !cached {
			b.Run(name+"-parallel", func(b *testing.B) {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						got, err := gr.Get(ctx, key).Bytes()
						check(b, got, err)
					}
				})
			})
		}
		gr.Close()
	}
}
