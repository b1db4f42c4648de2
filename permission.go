package okauth

import (
	"context"
	"net/url"
)

// HasPermission asks OK whether the user signed in on ctx granted this app
// perm, such as [ScopeGetEmail], with one signed call to
// users.hasAppPermission. Unlike [User.HasPermission], which reads what the
// browser reported at sign-in, its answer is OK's; gate features on it.
// Errors are those of [Auth.Call].
func (a *Auth) HasPermission(ctx context.Context, perm string) (bool, error) {
	var granted bool
	err := a.Call(ctx, "users.hasAppPermission", url.Values{"ext_perm": {perm}}, &granted)
	return granted && err == nil, err
}
