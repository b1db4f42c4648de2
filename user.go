package okauth

import (
	"fmt"
	"log/slog"
	"time"
)

// User is the signed-in OK.ru user of a request, as OK's
// users.getCurrentUser reported it when they signed in, with the token to
// act for them.
type User struct {
	UID       string // OK's user id, a string of digits; the only identity to trust
	Name      string // full name
	FirstName string // first name
	LastName  string // last name
	// Picture is the URL of the user's picture in the size
	// Config.Picture names (128×128, pic_3, by default), or empty when the
	// user has no photo, so the app draws its own placeholder: sign-in
	// asks OK with emptyPictures=true (which OK documents for
	// users.getInfo), and a stub image OK answers anyway
	// (https://api.ok.ru/img/stub/…, https://i.mycdn.me/res/stub_…) is
	// left out too.
	Picture string
	Email   string // only with the GET_EMAIL permission, else empty

	// Permissions are permissions_granted as the browser reported them in
	// the token flow (the code flow has none). They are not proof: check
	// with [Auth.HasPermission] before granting anything on them. Shared,
	// do not modify.
	Permissions []string

	// Extra holds the fields named in Config.Fields beyond the built-in
	// ones, as OK answered them (a JSON string as its text, anything else as
	// its JSON), or nil. Shared, do not modify.
	Extra map[string]string

	// AccountID is what Config.OnSignIn attached: the app's own account
	// for this user, so handlers need no lookup. Empty when it set none.
	AccountID string

	// Expires is when the session ends (Config.SessionLifetime after sign-in).
	Expires time.Time

	// TokenExpires is when OK's access token stops working, as far as
	// okauth knows; [Auth.Call] then refreshes it (code flow) or answers
	// [ErrTokenExpired] without calling OK (token flow). It is zero when
	// OK decides alone: a token-flow token with LONG_ACCESS_TOKEN granted,
	// which OK extends each time it is used.
	TokenExpires time.Time

	// AccessToken and SessionSecret sign REST calls for this user, and
	// RefreshToken (code flow only) gets a new AccessToken. They print as
	// "[redacted]" in fmt, log/slog and encoding/json; use [Secret.Reveal]
	// for the real value.
	AccessToken   Secret
	SessionSecret Secret
	RefreshToken  Secret

	// InsideOK is true for a user who came in through the App link, inside
	// ok.ru's iframe: AccessToken then holds OK's session_key, and REST
	// calls pass it as session_key, signed with SessionSecret (as OK's JS
	// SDK does). Their session is in a cookie of its own, partitioned
	// under ok.ru.
	InsideOK bool
}

// HasPermission reports whether the browser reported perm, such as
// [ScopeGetEmail], as granted at sign-in. It is not proof; see
// [Auth.HasPermission].
func (u User) HasPermission(perm string) bool {
	for _, p := range u.Permissions {
		if p == perm {
			return true
		}
	}
	return false
}

// Secret is a string that never prints: fmt (every verb), log/slog and
// encoding/json all show "[redacted]". Reveal returns the value.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// Format writes "[redacted]" whatever the verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue makes log/slog print "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON makes encoding/json write "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
