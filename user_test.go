package okauth_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// TestSecretNeverPrints: a user's token and session secret stay out of
// fmt, log/slog and encoding/json output.
func TestSecretNeverPrints(t *testing.T) {
	u := okauth.User{UID: "1", Name: "N", AccessToken: "TOKEN-VALUE", SessionSecret: "SECRET-VALUE"}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&out, verb+"\n", u)
		fmt.Fprintf(&out, verb+"\n", u.AccessToken)
	}
	slog.New(slog.NewTextHandler(&out, nil)).Info("user", "u", u, "tok", u.AccessToken)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("user", "u", u, "tok", u.AccessToken)
	b, err := json.Marshal(u)
	require.NoError(t, err)
	out.Write(b)

	assert.NotContains(t, out.String(), "TOKEN-VALUE")
	assert.NotContains(t, out.String(), "SECRET-VALUE")
	assert.Contains(t, out.String(), "[redacted]")
	assert.Equal(t, "TOKEN-VALUE", u.AccessToken.Reveal())
}
