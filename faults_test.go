package okauth_test

import (
	"cmp"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// closedPort is the address of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// failedRecord matches the one record a failed sign-in logs.
var failedRecord = regexp.MustCompile(`(?m)^.*msg="okauth: sign-in failed".*$`)

var okCode = regexp.MustCompile(`\bok_error_code=(-?\d+)\b`)

// faultCase is one way OK fails.
type faultCase struct {
	name    string
	edit    func(t *testing.T, c *okauth.Config)
	fault   oktest.Fault
	apiErr  int    // OK's JSON error code, if it answers with one
	message string // what the page says
	status  int    // the page's status, if not 502
	// appFault: the record is an ERROR naming AppSecret as the likely cause.
	appFault bool
}

// TestFaultsFromOK: whatever way OK fails while a sign-in is checked, in
// either flow, the user gets no session and a 502 page saying OK could not
// be reached or refused, and the log gets exactly one record, with OK's
// error code and without the token, secret or code. In the code flow the
// faults hit the token endpoint first (all but "no uid" and the API
// errors, which hit the users.getCurrentUser call after the exchange).
func TestFaultsFromOK(t *testing.T) {
	for _, flow := range flows {
		t.Run(string(flow), func(t *testing.T) { testFaultsFromOK(t, flow) })
	}
}

func testFaultsFromOK(t *testing.T, flow okauth.Flow) {
	const (
		unreachable = "OK.ru could not be reached"
		refused     = "OK.ru refused the sign-in"
	)
	tests := []faultCase{
		{name: "connection refused", message: unreachable,
			edit: func(t *testing.T, c *okauth.Config) {
				c.Endpoint.APIURL = "http://" + closedPort(t) + "/fb.do"
				c.Endpoint.TokenURL = "http://" + closedPort(t) + "/oauth/token.do"
			}},
		{name: "timeout", fault: oktest.FaultHang, message: unreachable,
			edit: func(_ *testing.T, c *okauth.Config) { c.Timeout = 200 * time.Millisecond }},
		{name: "connection reset", fault: oktest.FaultReset, message: unreachable},
		{name: "HTTP 500", fault: oktest.FaultHTTP500, message: unreachable},
		{name: "HTTP 503", fault: oktest.FaultHTTP503, message: unreachable},
		{name: "HTML instead of JSON", fault: oktest.FaultHTML, message: unreachable},
		{name: "truncated JSON", fault: oktest.FaultTruncated, message: unreachable},
		{name: "no uid", fault: oktest.FaultNoUID, message: unreachable},
	}
	for _, code := range []int{10, 102, 104} {
		tests = append(tests, faultCase{name: "API error " + strconv.Itoa(code), apiErr: code, message: refused})
	}
	// 102 says the token is dead: a made-up or stale token a visitor
	// brought, so 401, not the server's fault.
	tests[len(tests)-2].status = http.StatusUnauthorized
	// 104 says the signature is wrong. Signed with the session secret the
	// browser relayed (the token flow without AppSecret), the visitor sent
	// a secret that is not the token's: 400. Signed with AppSecret (the
	// code flow here), the app's secret is wrong: 502, an ERROR that says so.
	if flow == okauth.FlowToken {
		tests[len(tests)-1].status = http.StatusBadRequest
	} else {
		tests[len(tests)-1].appFault = true
	}
	for _, code := range []int{2, 9999} { // SERVICE, SYSTEM: OK itself failed
		tests = append(tests, faultCase{name: "API error " + strconv.Itoa(code), apiErr: code, message: unreachable})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var edit func(*okauth.Config)
			if tc.edit != nil {
				edit = func(c *okauth.Config) { tc.edit(t, c) }
			}
			e := newEnv(t, inFlow(flow, edit))
			c := e.Browser(t)
			frag := e.StartLogin(t, c, "/account")
			e.OK.SetFault(tc.fault)
			e.OK.SetAPIError(tc.apiErr)

			resp := e.Finish(t, c, frag)
			page := body(t, resp)
			assert.Equal(t, cmp.Or(tc.status, http.StatusBadGateway), resp.StatusCode, page)
			assert.Contains(t, page, tc.message)
			assert.Nil(t, sessionCookie(resp), "no session cookie")
			assert.Empty(t, e.jarSession(c), "no session")
			for _, internal := range []string{"127.0.0.1", "fb.do", "token.do", "dial", "timeout", "error_code"} {
				assert.NotContains(t, page, internal, "the page shows no internals")
			}

			logs := e.Logs.String()
			records := failedRecord.FindAllString(logs, -1)
			require.Len(t, records, 1, "exactly one record of the failure:\n%s", logs)
			m := okCode.FindStringSubmatch(records[0])
			require.NotNil(t, m, "the record carries ok_error_code: %s", records[0])
			assert.Equal(t, strconv.Itoa(tc.apiErr), m[1], "OK's error code, 0 when OK sent none")
			// OK refusing a token is what any visitor can cause with a
			// made-up one: a WARN. OK failing is an ERROR.
			level := "level=ERROR"
			if tc.message == refused && !tc.appFault {
				level = "level=WARN"
			}
			assert.Contains(t, records[0], level)
			if tc.appFault {
				assert.Contains(t, records[0], "AppSecret is likely wrong")
			} else {
				assert.NotContains(t, records[0], "AppSecret")
			}
			assert.Contains(t, records[0], fmt.Sprintf("status=%d", cmp.Or(tc.status, http.StatusBadGateway)))
			assert.Equal(t, 1, strings.Count(logs, "level=ERROR")+strings.Count(logs, "level=WARN"),
				"no other warning or error:\n%s", logs)
			for _, secret := range []string{frag.Get("access_token"), frag.Get("session_secret_key"), frag.Get("state"), frag.Get("code")} {
				if secret != "" {
					assert.NotContains(t, logs, secret, "a token or secret reached the log")
				}
			}
		})
	}
}
