package okauth

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"sync"
	"time"

	"github.com/gorilla/securecookie"
)

// maxCookieLen is securecookie's default limit on an encoded value, which
// this package keeps: a browser drops cookies over 4 KB.
const maxCookieLen = 4096

// cookieCodec writes session cookies with securecookie (HMAC-SHA256 over
// "name|time|value", AES-CTR, base64) and reads them with its own decoder
// of exactly that format. The decoder does the same checks as
// securecookie.DecodeMulti without gob, reflection or per-call key setup:
// HMAC states come from a pool and buffers are reused, so reading a session
// costs little more than the cryptography itself.
type cookieCodec struct {
	maxAge int64 // seconds; older timestamps are refused
	codecs []securecookie.Codec
	keys   []cookieKey
	bufs   sync.Pool // *[]byte scratch of 2*maxCookieLen+sha256.Size
}

type cookieKey struct {
	macs  sync.Pool // hash.Hash, an HMAC-SHA256 keyed with the hash key
	block cipher.Block
}

// rawBytes is the securecookie serializer for values that are already bytes.
type rawBytes struct{}

// Serialize returns a copy of src, because securecookie encrypts the
// serialized bytes in place.
func (rawBytes) Serialize(src any) ([]byte, error) {
	b, ok := src.([]byte)
	if !ok {
		return nil, errors.New("okauth: cookie value is not []byte")
	}
	return bytes.Clone(b), nil
}

func (rawBytes) Deserialize(src []byte, dst any) error {
	p, ok := dst.(*[]byte)
	if !ok {
		return errors.New("okauth: cookie destination is not *[]byte")
	}
	*p = append((*p)[:0], src...)
	return nil
}

// newCookieCodec builds a codec for cookies no older than maxAge from key
// pairs already checked by validateKeys.
func newCookieCodec(maxAge time.Duration, pairs [][]byte) (*cookieCodec, error) {
	c := &cookieCodec{
		maxAge: int64(maxAge / time.Second),
		codecs: securecookie.CodecsFromPairs(pairs...),
		keys:   make([]cookieKey, len(pairs)/2),
	}
	c.bufs.New = func() any {
		b := make([]byte, 2*maxCookieLen+sha256.Size)
		return &b
	}
	for i, sc := range c.codecs {
		sc.(*securecookie.SecureCookie).MaxAge(int(c.maxAge)).SetSerializer(rawBytes{})
		hashKey := pairs[2*i]
		block, err := aes.NewCipher(pairs[2*i+1])
		if err != nil {
			return nil, fieldErr("SessionKeys", err.Error())
		}
		c.keys[i].block = block
		c.keys[i].macs.New = func() any { return hmac.New(sha256.New, hashKey) }
	}
	return c, nil
}

// encode returns the value of the cookie called name for data, made with
// the first key pair.
func (c *cookieCodec) encode(name string, data []byte) (string, error) {
	return securecookie.EncodeMulti(name, data, c.codecs...)
}

// namePipe is the MAC prefix of a cookie called name.
func namePipe(name string) []byte { return []byte(name + "|") }

// decode verifies value, the value of a cookie whose namePipe is prefix,
// with each key pair in turn, checks its age and returns the decrypted
// payload appended to dst.
func (c *cookieCodec) decode(prefix []byte, value string, dst []byte) ([]byte, error) {
	if len(value) == 0 || len(value) > maxCookieLen {
		return nil, errCookie
	}
	bp := c.bufs.Get().(*[]byte)
	defer c.bufs.Put(bp)
	buf := *bp
	src := buf[:copy(buf[:maxCookieLen], value)]
	outer := buf[maxCookieLen : 2*maxCookieLen]
	n, err := base64.URLEncoding.Decode(outer, src)
	if err != nil {
		return nil, errCookie
	}
	b := outer[:n]
	// b is "date|value|mac".
	p1 := bytes.IndexByte(b, '|')
	if p1 < 0 {
		return nil, errCookie
	}
	p2 := bytes.IndexByte(b[p1+1:], '|')
	if p2 < 0 {
		return nil, errCookie
	}
	p2 += p1 + 1
	signed, mac := b[:p2], b[p2+1:]
	key := c.verify(prefix, signed, mac, buf[2*maxCookieLen:2*maxCookieLen:len(buf)])
	if key == nil {
		return nil, errCookie
	}
	ts, ok := parseUint(b[:p1])
	if !ok || (c.maxAge != 0 && ts < time.Now().Unix()-c.maxAge) {
		return nil, errCookie
	}
	// The inner value is base64 again; decode it over the start of src,
	// which is no longer needed.
	inner := b[p1+1 : p2]
	m, err := base64.URLEncoding.Decode(buf[:len(inner)], inner)
	if err != nil || m <= aes.BlockSize {
		return nil, errCookie
	}
	ct := buf[:m]
	cipher.NewCTR(key.block, ct[:aes.BlockSize]).XORKeyStream(ct[aes.BlockSize:], ct[aes.BlockSize:])
	return append(dst, ct[aes.BlockSize:]...), nil
}

// verify returns the key pair whose HMAC of prefix+signed equals mac, or
// nil. scratch has room for one digest.
func (c *cookieCodec) verify(prefix, signed, mac, scratch []byte) *cookieKey {
	if len(mac) != sha256.Size {
		return nil
	}
	for i := range c.keys {
		k := &c.keys[i]
		h := k.macs.Get().(hash.Hash)
		h.Reset()
		h.Write(prefix)
		h.Write(signed)
		sum := h.Sum(scratch[:0])
		k.macs.Put(h)
		if hmac.Equal(sum, mac) {
			return k
		}
	}
	return nil
}

// parseUint parses a decimal timestamp without allocating.
func parseUint(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int64(d-'0')
	}
	return n, true
}
