package okauth

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
)

// CallApp invokes a REST method that needs no user, such as
// users.getInfo with uids, as the app itself: no access token, signed with
// AppSecret alone. It decodes OK's JSON answer into out (unless out is
// nil) and fails as [Client.Call] does. Without AppSecret it returns an
// error wrapping [ErrConfig] that names the field.
//
// OK accepts these calls only from the server IP addresses registered for
// the app (the "server IP addresses" field of its settings); from anywhere
// else it refuses them. Call them from the app's servers, never on behalf
// of a browser's input without checking it: the app secret vouches for
// every call.
func (c *Client) CallApp(ctx context.Context, method string, params url.Values, out any) error {
	if c.AppSecret == "" {
		return fmt.Errorf("%w: AppSecret is required for calls signed by the app (%s)", ErrConfig, method)
	}
	form := c.form(method, params)
	form.Set("sig", Sign(form, c.AppSecret))
	return c.send(ctx, method, form, out)
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
