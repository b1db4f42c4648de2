package okredis

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"
)

// reproxy is a TCP proxy on loopback that can reopen its connections to
// Redis behind the client's back, as a reconnecting or pooling proxy
// does: the client's connection stays open, while the new one to Redis
// has none of the old one's state (RESP3, client tracking).
type reproxy struct {
	l        net.Listener
	upstream string

	mu      sync.Mutex
	conns   []*proxied
	swapped int // connections reopened since the last reopen
}

type proxied struct {
	client net.Conn
	mu     sync.Mutex
	up     net.Conn
	done   chan struct{} // closed when the current upstream's replies are all forwarded
	reopen bool          // reopen the upstream before the next request
}

func startProxy(t *testing.T, upstream string) *reproxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &reproxy{l: l, upstream: upstream}
	go p.accept()
	t.Cleanup(func() {
		l.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.conns {
			c.client.Close()
			c.mu.Lock()
			c.up.Close()
			c.mu.Unlock()
		}
	})
	return p
}

func (p *reproxy) addr() string { return p.l.Addr().String() }

func (p *reproxy) accept() {
	for {
		client, err := p.l.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.upstream)
		if err != nil {
			client.Close()
			continue
		}
		c := &proxied{client: client, up: up, done: make(chan struct{})}
		p.mu.Lock()
		p.conns = append(p.conns, c)
		p.mu.Unlock()
		go c.replies(up, nil, c.done)
		go p.requests(c)
	}
}

// reopenAll makes every connection reopen its upstream before its next
// request.
func (p *reproxy) reopenAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.swapped = 0
	for _, c := range p.conns {
		c.mu.Lock()
		c.reopen = true
		c.mu.Unlock()
	}
}

// allReopened reports whether every connection has reopened since
// reopenAll.
func (p *reproxy) allReopened() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.swapped == len(p.conns)
}

// requests forwards the client's requests. To reopen, it sends QUIT on
// the old upstream, which Redis answers after every earlier request, and
// forwards the new upstream's replies only once the old one's are all
// through, QUIT's own "+OK" left out: the client sees one unbroken stream.
func (p *reproxy) requests(c *proxied) {
	buf := make([]byte, 32<<10)
	for {
		n, err := c.client.Read(buf)
		if err != nil {
			return
		}
		c.mu.Lock()
		if c.reopen {
			c.reopen = false
			up, err := net.Dial("tcp", p.upstream)
			if err != nil {
				c.mu.Unlock()
				return
			}
			_, _ = c.up.Write([]byte("QUIT\r\n"))
			done := make(chan struct{})
			go c.replies(up, c.done, done)
			c.up, c.done = up, done
			p.mu.Lock()
			p.swapped++
			p.mu.Unlock()
		}
		up := c.up
		c.mu.Unlock()
		if _, err := up.Write(buf[:n]); err != nil {
			return
		}
	}
}

// replies forwards up's replies to the client, once after (the previous
// upstream's replies) are through, and closes done when up ends. Reading
// an upstream that was told to QUIT, it holds back the last 5 bytes until
// the end, and drops them if they are QUIT's answer.
func (c *proxied) replies(up net.Conn, after, done chan struct{}) {
	defer close(done)
	if after != nil {
		<-after
	}
	var held []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := up.Read(buf)
		if n > 0 {
			c.mu.Lock()
			quitting := c.up != up
			c.mu.Unlock()
			out := append(held, buf[:n]...)
			held = nil
			if quitting {
				k := len(out) - min(5, len(out))
				out, held = out[:k], bytes.Clone(out[k:])
			}
			if _, err := c.client.Write(out); err != nil {
				return
			}
		}
		if err != nil {
			if err == io.EOF && !bytes.Equal(held, []byte("+OK\r\n")) {
				_, _ = c.client.Write(held)
			}
			up.Close()
			return
		}
	}
}
