package okauth_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/okauth/okauth/oktest"
)

// TestLaunchSignatureFailureLogged: a launch whose sig or auth_sig does
// not verify is refused, and logged once an interval on its own, naming
// the check that failed and whether new_sig was set, so that a change in
// how OK signs launches shows among forged ones. A launch whose auth_sig
// verifies is refused when sig alone fails.
func TestLaunchSignatureFailureLogged(t *testing.T) {
	const record = "App link launch signature did not verify"
	rows := []struct {
		name string
		edit func(ok *oktest.Server, p url.Values) string
		want []string
	}{
		{"sig alone fails, new_sig set", func(ok *oktest.Server, p url.Values) string {
			p.Set("new_sig", "1")
			ok.SignLaunch(p)
			p.Set("custom_args", "invite=1") // after signing
			return p.Encode()
		}, []string{"check=sig", "sig_ok=false", "auth_sig_ok=true", "new_sig=true"}},
		{"auth_sig fails, no new_sig", func(ok *oktest.Server, p url.Values) string {
			p.Del("new_sig")
			p.Set("auth_sig", strings.Repeat("a", 32))
			ok.SignLaunch(p)
			return p.Encode()
		}, []string{"check=auth_sig", "sig_ok=true", "auth_sig_ok=false", "new_sig=false"}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			var signIns atomic.Int32
			e := newLaunchEnv(t, &signIns)
			for range 5 {
				p := e.OK.LaunchParams(launchUser)
				resp := launch(t, e, e.Browser(t), r.edit(e.OK, p))
				assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body(t, resp))
			}
			assert.Zero(t, signIns.Load(), "no one signed in")
			assert.Zero(t, e.OK.APICalls(), "OK not asked")
			logs := e.Logs.String()
			assert.Equal(t, 1, strings.Count(logs, record), "one record an interval:\n%s", logs)
			for _, line := range strings.Split(logs, "\n") {
				if strings.Contains(line, record) {
					for _, w := range r.want {
						assert.Contains(t, line, w)
					}
				}
			}
		})
	}
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	resp := launch(t, e, e.Browser(t), e.OK.LaunchParams(launchUser).Encode())
	assert.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
	assert.NotContains(t, e.Logs.String(), record, "a good launch logs no failure")
}
