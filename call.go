package okauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"
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

// Call invokes the REST method as the user signed in on ctx (see
// [Client.Call]). It returns [ErrNotSignedIn] when there is none.
//
// OK's token may end before the session does. In the code flow Call then
// refreshes it first (one call to OK's token endpoint, shared by every
// call that needs it at the same moment) and keeps the fresh token in
// Config.TokenStore for later calls; it also refreshes once and tries
// again when OK answers that the token is dead. In the token flow, a token
// known to have expired makes Call return [ErrTokenExpired] without
// calling OK. Either way, an error matching [ErrTokenExpired] means the
// user must pass through OK's dialog again to call OK's API (see
// [Auth.RequireToken]); their session is still valid.
func (a *Auth) Call(ctx context.Context, method string, params url.Values, out any) error {
	u, ok := UserFrom(ctx)
	if !ok {
		return ErrNotSignedIn
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	err := a.call(ctx, u, method, params, out)
	if err != nil {
		// An expired token is the normal end of OK's token, not a fault.
		level := slog.LevelWarn
		if errors.Is(err, ErrTokenExpired) {
			level = slog.LevelInfo
		}
		a.cfg.Logger.LogAttrs(ctx, level, "okauth: OK.ru call failed",
			slog.String("method", method), slog.Int("ok_error_code", apiCode(err)), slog.String("error", err.Error()))
	}
	return err
}

// call is Call for u, with a live token.
func (a *Auth) call(ctx context.Context, u User, method string, params url.Values, out any) error {
	if u.RefreshToken == "" {
		if a.tokenExpired(u) {
			return fmt.Errorf("%w: at %s", ErrTokenExpired, u.TokenExpires.UTC().Format(time.RFC3339))
		}
		return a.client.Call(ctx, u, method, params, out)
	}
	tok, refreshed, err := a.tokens.token(ctx, &u, "")
	if err != nil {
		return err
	}
	u.AccessToken = tok
	err = a.client.Call(ctx, u, method, params, out)
	if err == nil || refreshed || !errors.Is(err, ErrTokenExpired) {
		return err
	}
	// OK refused a token that looked live (revoked, or clocks apart):
	// refresh once and try again.
	if tok, _, err = a.tokens.token(ctx, &u, tok); err != nil {
		return err
	}
	u.AccessToken = tok
	return a.client.Call(ctx, u, method, params, out)
}

// tokenExpired reports whether u's token is known to have expired.
func (a *Auth) tokenExpired(u User) bool {
	return !u.TokenExpires.IsZero() && !a.now().Before(u.TokenExpires)
}

// CallApp invokes a REST method that needs no user, as the app (see
// [Client.CallApp]), within Config.Timeout, logging a failure. It needs
// Config.AppSecret.
func (a *Auth) CallApp(ctx context.Context, method string, params url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	err := a.client.CallApp(ctx, method, params, out)
	if err != nil {
		a.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "okauth: OK.ru app call failed",
			slog.String("method", method), slog.Int("ok_error_code", apiCode(err)), slog.String("error", err.Error()))
	}
	return err
}
