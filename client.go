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

// okUser is the answer of users.getCurrentUser.
type okUser struct {
	UID       json.RawMessage `json:"uid"`
	Name      string          `json:"name"`
	FirstName string          `json:"first_name"`
	LastName  string          `json:"last_name"`
	Pic3      string          `json:"pic_3"`
	Email     string          `json:"email"`
}

// uid returns the user id, whether OK sent it as a string or a number, if
// it is 1 to 32 digits.
func (o *okUser) uid() (string, bool) {
	s := strings.Trim(string(o.UID), `"`)
	if s == "" || len(s) > 32 {
		return "", false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return s, true
}

// currentUser asks OK who owns u's token and fills u's profile from the
// answer. It makes exactly one request.
func (c *Client) currentUser(ctx context.Context, u *User, fields []string) error {
	var raw json.RawMessage
	params := url.Values{"fields": {strings.Join(fields, ",")}}
	if err := c.Call(ctx, *u, "users.getCurrentUser", params, &raw); err != nil {
		return err
	}
	var o okUser
	if err := json.Unmarshal(raw, &o); err != nil {
		return fmt.Errorf("%w: users.getCurrentUser: %v", ErrBadResponse, err)
	}
	uid, ok := o.uid()
	if !ok {
		return fmt.Errorf("%w: users.getCurrentUser returned no valid uid", ErrBadResponse)
	}
	u.UID = uid
	u.Name = clip(o.Name, maxProfileField)
	u.FirstName = clip(o.FirstName, maxProfileField)
	u.LastName = clip(o.LastName, maxProfileField)
	u.Email = clip(o.Email, maxProfileField)
	if p := o.Pic3; len(p) <= maxPictureURL && (strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "http://")) {
		u.Picture = p
	}
	u.Extra = extraFields(raw, fields)
	return nil
}

// builtinFields are the users.getCurrentUser fields User has a place for.
var builtinFields = map[string]bool{"uid": true, "name": true, "first_name": true, "last_name": true, "pic_3": true, "email": true}

// extraFields picks the fields asked for beyond the built-in ones out of
// OK's answer: a JSON string as its text, anything else as its JSON. A
// string over maxExtraValue bytes is clipped, other JSON that long is
// dropped, and fields stop being added at maxExtraTotal bytes in all.
func extraFields(raw json.RawMessage, fields []string) map[string]string {
	var wanted []string
	for _, f := range fields {
		if !builtinFields[f] {
			wanted = append(wanted, f)
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	var all map[string]json.RawMessage
	if json.Unmarshal(raw, &all) != nil {
		return nil
	}
	var out map[string]string
	total := 0
	for _, f := range wanted {
		v, ok := all[f]
		if !ok || string(v) == "null" {
			continue
		}
		var text string
		if json.Unmarshal(v, &text) == nil {
			text = clip(text, maxExtraValue)
		} else if text = string(v); len(text) > maxExtraValue {
			continue
		}
		if !cleanText(text) || total+len(f)+len(text) > maxExtraTotal {
			continue
		}
		total += len(f) + len(text)
		if out == nil {
			out = map[string]string{}
		}
		out[f] = text
	}
	return out
}
