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

// userLayout is where each part of an encoded user lies in its data.
type userLayout struct {
	flags         byte
	exp, tokenExp uint64
	at            [12][2]int // start and end of each string field
}

// layoutOf reads the layout of data made by encodeUser (or by version 1),
// without copying it.
func layoutOf[T string | []byte](data T) (userLayout, error) {
	var l userLayout
	if len(data) < 3 || (data[0] != sessionVersion && data[0] != sessionVersionV1) {
		return l, errSession
	}
	v1 := data[0] == sessionVersionV1
	l.flags = data[1]
	pos := 2
	exp, n := uvarint(data[pos:])
	if n <= 0 || exp > 1<<40 {
		return l, errSession
	}
	pos += n
	l.exp, l.tokenExp = exp, exp
	if !v1 {
		if l.tokenExp, n = uvarint(data[pos:]); n <= 0 || l.tokenExp > 1<<40 {
			return l, errSession
		}
		pos += n
	}
	count := len(l.at)
	if v1 {
		count = 9
	}
	for i := range count {
		size, n := uvarint(data[pos:])
		if n <= 0 || size > uint64(len(data)-pos-n) {
			return l, errSession
		}
		pos += n
		l.at[i] = [2]int{pos, pos + int(size)}
		pos += int(size)
	}
	for i := count; i < len(l.at); i++ {
		l.at[i] = [2]int{pos, pos}
	}
	if pos != len(data) || l.at[0][0] == l.at[0][1] {
		return l, errSession
	}
	return l, nil
}

// decodeUser fills u from data made by encodeUser (or by version 1). Every
// string in u is a slice of data, so the only allocations are the joined
// name, the permissions list and, when there are extra fields, their map.
func decodeUser(data string, u *User) error {
	l, err := layoutOf(data)
	if err != nil {
		return err
	}
	return l.fill(data, u, nil, "")
}

// userBox is a decoded user and room for its permissions, allocated
// together.
type userBox struct {
	u     User
	perms [4]string
}

// decodeUserInto decodes the data in *buf, as decodeUser does, into box.
// It makes one string of the data, after appending the joined name to
// *buf, so that the whole user costs one allocation beside box (when it
// has at most four permissions and no extra fields).
func decodeUserInto(buf *[]byte, box *userBox) error {
	data := *buf
	l, err := layoutOf(data)
	if err != nil {
		return err
	}
	n := len(data)
	joined := l.flags&flagNameJoined != 0
	if joined {
		first, last := l.at[2], l.at[3]
		data = append(data, data[first[0]:first[1]]...)
		data = append(data, ' ')
		data = append(data, data[last[0]:last[1]]...)
		*buf = data
	}
	s := string(data)
	name := ""
	if joined {
		name = s[n:]
	}
	return l.fill(s[:n], &box.u, box.perms[:0], name)
}

// fill sets u from data laid out as l. The permissions go into perms'
// room when it is not nil; name, when not "", is the joined name.
func (l *userLayout) fill(data string, u *User, perms []string, name string) error {
	field := func(i int) string { return data[l.at[i][0]:l.at[i][1]] }
	*u = User{
		UID: field(0), Name: field(1), FirstName: field(2), LastName: field(3),
		Picture: field(4), Email: field(5),
		AccessToken: Secret(field(7)), SessionSecret: Secret(field(8)),
		RefreshToken: Secret(field(9)), AccountID: field(10),
		Expires: time.Unix(int64(l.exp), 0),
	}
	if l.tokenExp != 0 {
		u.TokenExpires = time.Unix(int64(l.tokenExp), 0)
	}
	if l.flags&flagNameJoined != 0 {
		if name == "" {
			name = u.FirstName + " " + u.LastName
		}
		u.Name = name
	}
	u.InsideOK = l.flags&flagInsideOK != 0
	if p := field(6); p != "" {
		u.Permissions = splitPermissions(perms, p)
	}
	if x := field(11); x != "" {
		extra, ok := decodeExtra(x)
		if !ok {
			return errSession
		}
		u.Extra = extra
	}
	return nil
}

// splitPermissions splits s at ";" into dst's room, or into a new slice
// when dst is nil. The result has no spare capacity: the user is shared.
func splitPermissions(dst []string, s string) []string {
	if dst == nil {
		return strings.Split(s, ";")
	}
	for {
		p, rest, ok := strings.Cut(s, ";")
		dst = append(dst, p)
		if !ok {
			return dst[:len(dst):len(dst)]
		}
		s = rest
	}
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

// uvarint is binary.Uvarint over a string or bytes, to avoid copying a
// string.
func uvarint[T string | []byte](s T) (uint64, int) {
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
