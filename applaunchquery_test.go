package okauth_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// TestAppLaunchRecut: OK signs a launch's name=value pairs joined with no
// separator, so a launch can be cut into other pairs with OK's very sig
// and auth_sig. Each cut below signs exactly as OK's launch does, and is
// refused: no session, nothing asked of OK.
func TestAppLaunchRecut(t *testing.T) {
	tests := []struct {
		name string
		cut  func(p url.Values)
	}{
		{"a name swallows the next pair (first_start=0header_widget)", func(p url.Values) {
			p.Set("first_start="+p.Get("first_start")+"header_widget", p.Get("header_widget"))
			p.Del("first_start")
			p.Del("header_widget")
		}},
		{"a name swallows the value before it and the next pair (container=iframecustom_args)", func(p url.Values) {
			p.Set("container="+p.Get("container")+"custom_args", p.Get("custom_args"))
			p.Del("container")
			p.Del("custom_args")
		}},
		{"a value swallows a parameter okauth reads", func(p url.Values) {
			p.Set("session_key", p.Get("session_key")+"session_secret_key="+p.Get("session_secret_key"))
			p.Del("session_secret_key")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var signIns atomic.Int32
			e := newLaunchEnv(t, &signIns)
			p := e.OK.LaunchParams(launchUser)
			sig := p.Get("sig")
			tt.cut(p)
			p.Del("sig")
			require.Equal(t, sig, okauth.Sign(p, fakeSecret), "the cut signs as OK's launch")
			p.Set("sig", sig)

			resp := launch(t, e, e.Browser(t), p.Encode())
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body(t, resp))
			assert.Empty(t, resp.Header.Values("Set-Cookie"), "no session written")
			assert.Zero(t, signIns.Load())
			assert.Zero(t, e.OK.APICalls())
		})
	}
}

// TestAppLaunchAsOKWritesIt: a launch's values may hold ';', '+', spaces,
// Cyrillic and JSON, raw as OK sends them (custom_args carries an
// invite's arguments); sig is over the values as sent, and the launch
// signs the user in.
func TestAppLaunchAsOKWritesIt(t *testing.T) {
	tests := []struct{ name, value string }{
		{"a raw ;", "a=1;b=2"},
		{"a +", "1+1"},
		{"spaces", "from friend list"},
		{"Cyrillic", "Привет — «друг»"},
		{"JSON with all of them", `{"invite":"a;b +c","имя":"Вера","n":[1,2]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var signIns atomic.Int32
			e := newLaunchEnv(t, &signIns)
			p := e.OK.LaunchParams(launchUser)
			p.Set("custom_args", tt.value)
			e.OK.SignLaunch(p)
			raw := oktest.RawQuery(p)
			if strings.Contains(tt.value, ";") {
				require.Contains(t, raw, ";", "the ; is sent raw")
			}
			resp := launch(t, e, e.Browser(t), raw)
			assert.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
			assert.Equal(t, int32(1), signIns.Load())
		})
	}
}

// TestAppLaunchEveryParameterOKSends: every parameter OK documents for a
// launch, and clientLog seen in real ones, passes the name rules.
func TestAppLaunchEveryParameterOKSends(t *testing.T) {
	var signIns atomic.Int32
	e := newLaunchEnv(t, &signIns)
	p := e.OK.LaunchParams(launchUser)
	for k, v := range map[string]string{"mob": "0", "mob_platform": "web", "refplace": "catalog", "payment_promo_active": "0",
		"ip_geo_location": "RU,48,Москва", "clientLog": "0"} {
		p.Set(k, v)
	}
	e.OK.SignLaunch(p)
	resp := launch(t, e, e.Browser(t), p.Encode())
	assert.Equal(t, http.StatusOK, resp.StatusCode, body(t, resp))
	assert.Equal(t, int32(1), signIns.Load())
}
