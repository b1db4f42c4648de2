package okauth

import (
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"time"
)

// Field limits keep any session well under the 4 KB a browser accepts.
const (
	maxProfileField = 256 // name, first/last name, email
	maxPictureURL   = 1024
)

// sessionVersion is the first byte of an encoded user. Version 1, which
// has one expiry, is still read: it serves as both Expires and
// TokenExpires.
const (
	sessionVersion   = 2
	sessionVersionV1 = 1
)

const (
	flagNameJoined = 1 // Name is FirstName + " " + LastName and is not stored
	flagInsideOK   = 2 // User.InsideOK: AccessToken is OK's session_key
)

// Limits on Config.Fields' extra fields, so the cookie stays small.
const (
	maxExtraValue = 256 // bytes of one value; longer strings are clipped, longer JSON dropped
	maxExtraTotal = 512 // bytes of all names and values together
)

// encodeUser writes u compactly: version, flags, session and token expiry,
// then each string with a varint length, Extra last as name, value pairs.
// A typical user with a Cyrillic name, a picture URL and a long token takes
// about 400 bytes, under 1 KB as a cookie.
func encodeUser(u *User) []byte {
	name, flags := storedName(u)
	var extra []byte
	for _, k := range slices.Sorted(maps.Keys(u.Extra)) { // the same user, the same bytes
		v := u.Extra[k]
		extra = binary.AppendUvarint(extra, uint64(len(k)))
		extra = append(extra, k...)
		extra = binary.AppendUvarint(extra, uint64(len(v)))
		extra = append(extra, v...)
	}
	fields := [...]string{u.UID, name, u.FirstName, u.LastName, u.Picture, u.Email,
		strings.Join(u.Permissions, ";"), string(u.AccessToken), string(u.SessionSecret),
		string(u.RefreshToken), u.AccountID, string(extra)}
	n := 2 + 2*binary.MaxVarintLen64
	for _, f := range fields {
		n += binary.MaxVarintLen64 + len(f)
	}
	b := make([]byte, 0, n)
	if u.InsideOK {
		flags |= flagInsideOK
	}
	b = append(b, sessionVersion, flags)
	b = binary.AppendUvarint(b, uint64(u.Expires.Unix()))
	b = binary.AppendUvarint(b, uint64(max(0, u.TokenExpires.Unix())))
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// storedName is the name encodeUser stores for u, and its flags: none when
// it is just the first and last name joined.
func storedName(u *User) (string, byte) {
	if u.Name == u.FirstName+" "+u.LastName {
		return "", flagNameJoined
	}
	return u.Name, 0
}

// decodeUser fills u from data made by encodeUser (or by version 1). Every
// string in u is a slice of data, so the only allocations are the
// permissions list and, when there are extra fields, their map.
func decodeUser(data string, u *User) error {
	if len(data) < 3 || (data[0] != sessionVersion && data[0] != sessionVersionV1) {
		return errSession
	}
	v1 := data[0] == sessionVersionV1
	flags := data[1]
	rest := data[2:]
	exp, n := uvarint(rest)
	if n <= 0 || exp > 1<<40 {
		return errSession
	}
	rest = rest[n:]
	tokenExp := exp
	if !v1 {
		if tokenExp, n = uvarint(rest); n <= 0 || tokenExp > 1<<40 {
			return errSession
		}
		rest = rest[n:]
	}
	var fields [12]string
	count := len(fields)
	if v1 {
		count = 9
	}
	for i := range count {
		l, n := uvarint(rest)
		if n <= 0 || l > uint64(len(rest)-n) {
			return errSession
		}
		fields[i] = rest[n : n+int(l)]
		rest = rest[n+int(l):]
	}
	if rest != "" || fields[0] == "" {
		return errSession
	}
	*u = User{
		UID: fields[0], Name: fields[1], FirstName: fields[2], LastName: fields[3],
		Picture: fields[4], Email: fields[5],
		AccessToken: Secret(fields[7]), SessionSecret: Secret(fields[8]),
		RefreshToken: Secret(fields[9]), AccountID: fields[10],
		Expires: time.Unix(int64(exp), 0),
	}
	if tokenExp != 0 {
		u.TokenExpires = time.Unix(int64(tokenExp), 0)
	}
	if flags&flagNameJoined != 0 {
		u.Name = u.FirstName + " " + u.LastName
	}
	u.InsideOK = flags&flagInsideOK != 0
	if fields[6] != "" {
		u.Permissions = strings.Split(fields[6], ";")
	}
	if fields[11] != "" {
		extra, ok := decodeExtra(fields[11])
		if !ok {
			return errSession
		}
		u.Extra = extra
	}
	return nil
}

// decodeExtra reads the name, value pairs encodeUser wrote for User.Extra.
func decodeExtra(s string) (map[string]string, bool) {
	m := map[string]string{}
	for s != "" {
		var kv [2]string
		for i := range kv {
			l, n := uvarint(s)
			if n <= 0 || l > uint64(len(s)-n) {
				return nil, false
			}
			kv[i], s = s[n:n+int(l)], s[n+int(l):]
		}
		m[kv[0]] = kv[1]
	}
	return m, true
}

// uvarint is binary.Uvarint over a string, to avoid copying it.
func uvarint(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			return x | uint64(c)<<shift, i + 1
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

// liveUser decodes a session's data, or returns nil when it is invalid or
// has expired by now.
func liveUser(data string, now time.Time) *User {
	u := new(User)
	if decodeUser(data, u) != nil || !now.Before(u.Expires) {
		return nil
	}
	return u
}
