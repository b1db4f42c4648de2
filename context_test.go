package okauth_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
)

// TestWithUser lets handlers be tested without a sign-in.
func TestWithUser(t *testing.T) {
	_, ok := okauth.UserFrom(t.Context())
	assert.False(t, ok)
	ctx := okauth.WithUser(t.Context(), okauth.User{UID: "42", Permissions: []string{okauth.ScopeGetEmail}})
	u, ok := okauth.UserFrom(ctx)
	require.True(t, ok)
	assert.Equal(t, "42", u.UID)
	assert.True(t, u.HasPermission(okauth.ScopeGetEmail))
	assert.False(t, u.HasPermission(okauth.ScopeSetStatus))
}
