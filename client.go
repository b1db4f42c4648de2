package okauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxAPIResponse bounds what is read of one answer from OK.
const maxAPIResponse = 8 << 20

// maxErrorMsg bounds OK's error_msg as kept in an [APIError], and so in
// logs and pages.
const maxErrorMsg = 200

// Client calls OK's REST API for a signed-in user. Requests are POSTed as a
// form, so the access token never appears in a URL. Most apps use
// [Auth.Call], which takes the user from the request context.
type Client struct {
	// AppKey is the public application key (application_key).
	AppKey string
	// AppSecret, when set, signs calls with [ServerSecret] of the token
	// instead of the user's session secret.
	AppSecret string
	// APIURL is the fb.do endpoint. The default value is
	// DefaultEndpoint.APIURL.
	APIURL string
	// HTTPClient sends the requests. The default value is
	// http.DefaultClient, which has no timeout.
	HTTPClient *http.Client
}

// Call invokes the REST method, such as "friends.get", as u, with params
// (which may be nil), and decodes OK's JSON answer into out (unless out is
// nil). OK's error answers come back as an [*APIError]; a transport failure
// or an HTTP error status wraps [ErrUnreachable]; an answer that is not
// JSON wraps [ErrBadResponse].
func (c *Client) Call(ctx context.Context, u User, method string, params url.Values, out any) error {
	token := u.AccessToken.Reveal()
	secret := u.SessionSecret.Reveal()
	if u.InsideOK {
		// The App link's session_key: OK's JS SDK signs it with the rest,
		// with session_secret_key as the secret.
		form := c.form(method, params)
		form.Set("session_key", token)
		form.Set("sig", Sign(form, secret))
		return c.send(ctx, method, form, out)
	}
	if c.AppSecret != "" {
		secret = ServerSecret(token, c.AppSecret)
	}
	form := c.form(method, params)
	form.Set("sig", Sign(form, secret))
	form.Set("access_token", token)
	return c.send(ctx, method, form, out)
}

// form is the request for method with params (the first value of each):
// application_key, method and format=json added, and no session_key or
// access_token, which the caller adds after signing if the call has one.
func (c *Client) form(method string, params url.Values) url.Values {
	form := make(url.Values, len(params)+5)
	for k, v := range params {
		if len(v) > 0 {
			form[k] = []string{v[0]}
		}
	}
	form.Del("session_key")
	form.Del("access_token")
	form.Set("application_key", c.AppKey)
	form.Set("method", method)
	form.Set("format", "json")
	return form
}

// send POSTs the signed form and decodes OK's answer into out (unless out
// is nil), returning OK's error answer as an [*APIError].
func (c *Client) send(ctx context.Context, method string, form url.Values, out any) error {
	body, err := c.post(ctx, method, form)
	if err != nil {
		return err
	}
	if err := apiError(body); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadResponse, method, err)
	}
	return nil
}

// post sends form to the API and returns the body of a 200 answer.
func (c *Client) post(ctx context.Context, method string, form url.Values) ([]byte, error) {
	api := c.APIURL
	if api == "" {
		api = DefaultEndpoint.APIURL
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, method, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, method, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, fmt.Errorf("%w: %s: HTTP %d", ErrUnreachable, method, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIResponse+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: reading answer: %w", ErrUnreachable, method, err)
	}
	if len(body) > maxAPIResponse {
		return nil, fmt.Errorf("%w: %s: answer over %d bytes", ErrBadResponse, method, maxAPIResponse)
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("%w: %s: answer is not JSON", ErrBadResponse, method)
	}
	return body, nil
}

// apiError returns the *APIError that body holds, if it is one.
func apiError(body []byte) error {
	if b := bytes.TrimLeft(body, " \t\r\n"); len(b) == 0 || b[0] != '{' {
		return nil
	}
	var e struct {
		Code *int   `json:"error_code"`
		Msg  string `json:"error_msg"`
	}
	if json.Unmarshal(body, &e) != nil || e.Code == nil {
		return nil
	}
	return &APIError{Code: *e.Code, Msg: clip(e.Msg, maxErrorMsg)}
}

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
