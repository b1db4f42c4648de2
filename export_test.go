package okauth

import "time"

// Test hooks for the black-box tests in package okauth_test.

// SetStateClock makes a read the time of its sign-in states from now. Call
// it before a serves a request; now must be safe for concurrent use.
func SetStateClock(a *Auth, now func() time.Time) { a.states.now = now }

// SetClock makes a read the time from now: sign-in states, session and
// token expiry, refreshes. Call it before a serves a request; now must be
// safe for concurrent use.
func SetClock(a *Auth, now func() time.Time) {
	a.now = now
	a.states.now = now
}

// SessionCookieValue is the value of the session cookie a writes for u
// (the default cookie backend only), so tests can present sessions whose
// content they choose, such as one already expired.
func SessionCookieValue(a *Auth, u User) (string, error) {
	cs := a.sessions.(*cookieSessions)
	return cs.codec.encode(cs.opts.name, encodeUser(&u))
}

// SetFailureLogInterval makes a summarise its left-out failure records
// every d instead of every minute. Call it before a serves a request.
func SetFailureLogInterval(a *Auth, d time.Duration) { a.failures.interval = d }

// SetBodyTimeout makes a give up reading a callback's body after d.
func SetBodyTimeout(a *Auth, d time.Duration) { a.bodyTimeout = d }

// MessageFor is what the built-in pages say about err in lang, for tests
// of the tables without a request.
func MessageFor(err error, lang string) ErrorText { return DefaultMessages(lang).text(err) }

// For is what m says about err, for tests of a table of Messages.
func (m *Messages) For(err error) ErrorText { return m.text(err) }
