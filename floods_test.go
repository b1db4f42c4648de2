package okauth_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/acceptlang"
	"github.com/okauth/okauth/oktest"
)

// An anonymous client must not fill the replay memory with two requests
// per entry (/login, then a failing callback), which would slow every
// sign-in and, at the cap, make the server forget live states. A failed
// callback leaves nothing behind; a memory that is full refuses new
// sign-ins with 503 and still refuses a replay of every state it holds.
func TestReplayMemoryCannotBeFlooded(t *testing.T) {
	e := newEnv(t, func(c *okauth.Config) { c.ReplayStore = okauth.NewMemoryReplay(2) })
	anon := e.Browser(t)
	for i := range 50 {
		state, _ := loginOnce(t, e, anon, "/")
		form := url.Values{"state": {state}, "error": {"x"}}
		if i%2 == 1 { // a made-up token, which OK refuses
			form = url.Values{"state": {state}, "access_token": {"made-up"}, "session_secret_key": {"s"}}
		}
		resp := e.PostForm(t, anon, "/auth/ok/callback", form.Encode())
		require.Contains(t, []int{400, 401}, resp.StatusCode, "never a 5xx")
	}

	// A memory of two still has room for two honest sign-ins.
	victim := e.Browser(t)
	frag := e.StartLogin(t, victim, "/")
	kept := stateCookieIn(t, e, victim)
	resp := e.Relay(t, victim, frag)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body(t, resp))
	e.SignIn(t, e.Browser(t), "/")

	// Full: a new sign-in is refused, without a session.
	late := e.Browser(t)
	resp = e.Relay(t, late, e.StartLogin(t, late, "/"))
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, body(t, resp), "too many sign-ins")
	assert.Empty(t, e.jarSession(late))

	// Nothing was forgotten to make room: the victim's state, replayed
	// with its cookie put back, is still refused.
	victim.Jar.SetCookies(callbackURL(t, e), []*http.Cookie{kept})
	resp = e.PostForm(t, victim, "/auth/ok/callback", frag.Encode())
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body(t, resp), msgReused)
}

// stateCookieIn is the state cookie in c's jar, as it would be sent.
func stateCookieIn(t *testing.T, e *testEnv, c *http.Client) *http.Cookie {
	for _, ck := range c.Jar.Cookies(callbackURL(t, e)) {
		if ck.Name == stateName {
			return &http.Cookie{Name: ck.Name, Value: ck.Value, Path: "/auth/ok"}
		}
	}
	require.FailNow(t, "no state cookie")
	return nil
}

var (
	failedLine  = regexp.MustCompile(`msg="okauth: sign-in failed"`)
	summaryLine = regexp.MustCompile(`msg="okauth: more failed requests, not logged one by one" count=(\d+)`)
)

// A flood of bad callbacks does not write one WARN each: the first ten of
// each interval are written, and then one record per interval counts the
// rest.
func TestFailureLogsStayBounded(t *testing.T) {
	const interval = 500 * time.Millisecond
	e := newEnv(t, nil, func(a *okauth.Auth) { okauth.SetFailureLogInterval(a, interval) })
	c := e.Browser(t)
	const flood = 200
	start := time.Now()
	for range flood {
		resp := e.PostForm(t, c, "/auth/ok/callback", "state=not-mine&access_token=x")
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	}
	took := time.Since(start)
	summarised := func() int {
		n := 0
		for _, m := range summaryLine.FindAllStringSubmatch(e.Logs.String(), -1) {
			c, _ := strconv.Atoi(m[1])
			n += c
		}
		return n
	}
	require.Eventually(t, func() bool {
		return len(failedLine.FindAllString(e.Logs.String(), -1))+summarised() == flood
	}, 5*interval, 20*time.Millisecond, "every failure is written or counted:\n%s", e.Logs.String())
	written := len(failedLine.FindAllString(e.Logs.String(), -1))
	intervals := int(took/interval) + 1
	assert.LessOrEqual(t, written, 10*intervals, "records written one by one in %v", took)
	assert.LessOrEqual(t, len(summaryLine.FindAllString(e.Logs.String(), -1)), intervals, "one summary per interval")
}

// A client that sends the callback's body a byte at a
// time is cut off after the body's read deadline, whatever the server's
// own timeouts (httptest's server has none).
func TestSlowCallbackBodyIsCutOff(t *testing.T) {
	e := newEnv(t, nil, func(a *okauth.Auth) { okauth.SetBodyTimeout(a, 300*time.Millisecond) })
	conn, err := tls.Dial("tcp", e.App.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true})
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("POST /auth/ok/callback HTTP/1.1\r\nHost: app\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nstate="))
	require.NoError(t, err)
	stop := make(chan struct{})
	defer close(stop)
	go func() { // a byte every 100 ms, for at most 10 s
		for range 100 {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := conn.Write([]byte("a")); err != nil {
				return
			}
		}
	}()
	start := time.Now()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "an answer before the client gives up")
	defer resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Less(t, time.Since(start), 3*time.Second, "cut off near the 300 ms deadline")
}

// OK's error_msg is clipped to 200 bytes wherever it goes, so a 50 KB one
// makes no 50 KB log record.
func TestOKErrorMessageClipped(t *testing.T) {
	e := newEnv(t, nil)
	huge := "PARAM : " + strings.Repeat("x", 50<<10)
	e.OK.HandleMethod("friends.get", func(_ *oktest.Token, _ map[string]string) (any, error) {
		return nil, &okauth.APIError{Code: 100, Msg: huge}
	})
	c := e.Browser(t)
	e.SignIn(t, c, "/")
	resp := get(t, c, e.App.URL+"/friends")
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	assert.Less(t, len(body(t, resp)), 400, "the error as the app shows it")
	for _, line := range strings.Split(e.Logs.String(), "\n") {
		assert.Less(t, len(line), 600, "a log record: %.100s…", line)
	}
	assert.Contains(t, e.Logs.String(), "PARAM : xxxx", "the record still says what OK said")
}

// The same callback, sent 64 times at once with the same state cookie,
// signs in exactly once: the state is reserved before OK is asked.
func TestIdenticalCallbacksAtOnce(t *testing.T) {
	e := newEnv(t, nil)
	c := e.Browser(t)
	frag := e.StartLogin(t, c, "/")
	cookie := stateCookieIn(t, e, c)
	noRedirects := &http.Client{Transport: e.App.Client().Transport, // no jar: each request carries the cookie
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var signedIn, refused atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, e.App.URL+"/auth/ok/callback", strings.NewReader(frag.Encode()))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(cookie)
			resp, err := noRedirects.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusSeeOther && sessionCookie(resp) != nil:
				signedIn.Add(1)
			case resp.StatusCode == http.StatusBadRequest && sessionCookie(resp) == nil:
				refused.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), signedIn.Load(), "sign-ins")
	assert.Equal(t, int32(63), refused.Load(), "refused as already used")
}

// TestOneTokenFloodIsBounded: one valid OK token posted to the token
// route again and again keeps only the store's bound of sessions (3
// here): each new one ends the oldest, the newest work, and
// SignOutEverywhere ends them all.
func TestOneTokenFloodIsBounded(t *testing.T) {
	e := nativeEnv(t, func(c *okauth.Config) { c.SessionStore = okauth.NewMemorySessionsMax(3) })
	tok := e.OK.IssueToken(oktest.DefaultUser)
	var sessions []string
	for range 6 {
		resp, ans, raw := postToken(t, e, "application/json", "", jsonBody("access_token", tok.AccessToken))
		require.Equal(t, http.StatusOK, resp.StatusCode, raw)
		sessions = append(sessions, ans.Session)
	}
	for i, s := range sessions {
		status, _ := bearerGet(t, e, "/home", s)
		if i < 3 {
			assert.Equal(t, http.StatusUnauthorized, status, "session %d of 6, past the bound of 3: ended", i)
		} else {
			assert.Equal(t, http.StatusOK, status, "session %d of 6, within the bound", i)
		}
	}
	require.NoError(t, e.Auth.SignOutEverywhere(context.Background(), oktest.DefaultUser.UID))
	for _, s := range sessions[3:] {
		status, _ := bearerGet(t, e, "/home", s)
		assert.Equal(t, http.StatusUnauthorized, status, "signed out everywhere")
	}
}

// TestAcceptLanguageCostIsBounded: anyone sends Accept-Language, and a
// page reads it. Negotiation reads at most 32 ranges and allocates
// nothing for them, however long the header: 1 MB of commas once
// allocated 16 MB.
func TestAcceptLanguageCostIsBounded(t *testing.T) {
	huge := strings.Repeat(",", 1<<20) + "ru"
	many := strings.Repeat("xx;q=0.5,", 100_000) + "ru"
	for _, header := range []string{huge, many, "ru-RU,ru;q=0.9,en;q=0.8"} {
		allocs := testing.AllocsPerRun(10, func() { acceptlang.Prefer(header, "en", "ru") })
		assert.Zero(t, allocs, "allocations per call")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		acceptlang.Prefer(header, "en", "ru")
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "bytes allocated by one call")
	}
	assert.Empty(t, acceptlang.Prefer(huge, "en", "ru"), "ranges past the 32nd are not read")
	assert.Equal(t, "ru", acceptlang.Prefer("ru-RU,ru;q=0.9,en;q=0.8", "en", "ru"))
}
