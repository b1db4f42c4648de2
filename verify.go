package okauth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// verify asks OK who the claim's user is, under one Config.Timeout: it
// exchanges the claim's code first, if there is one (one call to OK's
// token endpoint), then makes one users.getCurrentUser, and lets the claim
// vouch for the answer.
func (a *Auth) verify(ctx context.Context, c claim) (*User, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	u := c.user
	if c.code != "" {
		tok, err := a.endpoint.exchange(ctx, c.code, c.redirect, a.now())
		if err != nil {
			return nil, err
		}
		u = User{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenExpires: tok.Expires}
	}
	err := a.client.currentUser(ctx, &u, a.cfg.Fields, a.cfg.Picture)
	if c.vouch != nil {
		err = c.vouch(&u, err)
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// currentUser asks OK who owns u's token and fills u's profile from the
// answer, u.Picture from the picture field picture (empty for OK's stub
// image). It makes exactly one request, which asks emptyPictures=true.
func (c *Client) currentUser(ctx context.Context, u *User, fields []string, picture PictureSize) error {
	var raw json.RawMessage
	params := url.Values{"fields": {strings.Join(fields, ",")}, emptyPicturesParam: {"true"}}
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
	u.Picture = pictureURL(o.picture(picture))
	u.Extra = extraFields(raw, fields, picture)
	return nil
}

// okUser is the answer of users.getCurrentUser.
type okUser struct {
	UID       json.RawMessage `json:"uid"`
	Name      string          `json:"name"`
	FirstName string          `json:"first_name"`
	LastName  string          `json:"last_name"`
	Email     string          `json:"email"`
	// OK's picture fields; Config.Picture picks one.
	Pic1        string `json:"pic_1"`
	Pic2        string `json:"pic_2"`
	Pic3        string `json:"pic_3"`
	Pic190x190  string `json:"pic190x190"`
	Pic640x480  string `json:"pic640x480"`
	Pic1024x768 string `json:"pic1024x768"`
}

// picture is the answer's picture field that picture names.
func (o *okUser) picture(picture PictureSize) string {
	switch picture {
	case Pic50x50:
		return o.Pic1
	case Pic128Max:
		return o.Pic2
	case Pic190x190:
		return o.Pic190x190
	case Pic640x480:
		return o.Pic640x480
	case Pic1024x768:
		return o.Pic1024x768
	}
	return o.Pic3
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

// builtinFields are the users.getCurrentUser fields User has a place for,
// beside the picture field Config.Picture names.
var builtinFields = map[string]bool{"uid": true, "name": true, "first_name": true, "last_name": true, "email": true}

// extraFields picks the fields asked for beyond the built-in ones out of
// OK's answer: a JSON string as its text, anything else as its JSON. A
// string over maxExtraValue bytes is clipped, other JSON that long is
// dropped, and fields stop being added at maxExtraTotal bytes in all.
func extraFields(raw json.RawMessage, fields []string, picture PictureSize) map[string]string {
	var wanted []string
	for _, f := range fields {
		if !builtinFields[f] && f != string(picture) {
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
