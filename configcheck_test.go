package okauth_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/internal/flowtest"
)

// TestScopesOKDoesNotDocumentWarn: New accepts a scope OK does not
// document (OK may add some) and logs one warning naming it, with the
// permission it likely means when that is a slip of case or another
// provider's word; documented scopes log nothing.
func TestScopesOKDoesNotDocumentWarn(t *testing.T) {
	logs := &flowtest.LogBuffer{}
	_, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://example.com/auth/ok/callback",
		SessionKeys: testKeys, Logger: flowtest.Logger(logs),
		Scopes: []string{"email", okauth.ScopeGetEmail, "valuable_access", "NEW_THING", okauth.ScopeLongAccessToken}})
	require.NoError(t, err, "an undocumented scope is not refused")
	out := logs.String()
	const msg = `level=WARN msg="okauth: Config.Scopes has a permission OK does not document"`
	assert.Equal(t, 3, strings.Count(out, msg), out)
	assert.Contains(t, out, msg+" scope=email did_you_mean=GET_EMAIL\n")
	assert.Contains(t, out, msg+" scope=valuable_access did_you_mean=VALUABLE_ACCESS\n")
	assert.Contains(t, out, msg+" scope=NEW_THING\n")
	assert.NotContains(t, out, "scope=GET_EMAIL")
	assert.NotContains(t, out, "scope=LONG_ACCESS_TOKEN")
}
