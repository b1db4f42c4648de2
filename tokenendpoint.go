package okauth

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Token lifetimes okauth assumes and allows.
const (
	// defaultTokenLife is OK's token lifetime when expires_in is absent,
	// and the most a browser-relayed expires_in may claim without
	// LONG_ACCESS_TOKEN.
	defaultTokenLife = 30 * time.Minute
	// longTokenLife is the most any expires_in may claim: OK's
	// LONG_ACCESS_TOKEN lives 30 days.
	longTokenLife = 30 * 24 * time.Hour
	// maxTokenAnswer bounds what is read of one token endpoint answer.
	maxTokenAnswer = 64 << 10
)

// tokenEndpoint exchanges codes and refresh tokens at OK's token endpoint
// (the code flow). Every request is a POSTed form carrying the app's
// secret, so nothing secret travels in a URL.
type tokenEndpoint struct {
	url, clientID, secret, redirect string
	hc                              *http.Client
}

// tokenAnswer is what the token endpoint gives: a token, possibly a
// refresh token (not on refresh), and when the token expires.
type tokenAnswer struct {
	AccessToken  Secret
	RefreshToken Secret
	Expires      time.Time
}

// exchange trades a code OK issued for redirect (a phone SDK's; "" is the
// callback's) for a token.
func (t *tokenEndpoint) exchange(ctx context.Context, code, redirect string, now time.Time) (tokenAnswer, error) {
	return t.post(ctx, url.Values{
		"code": {code}, "grant_type": {"authorization_code"}, "redirect_uri": {cmp.Or(redirect, t.redirect)},
	}, now)
}

// refresh trades a refresh token for a new access token. A refusal from OK
// (the refresh token expired or was revoked) matches [ErrTokenExpired].
func (t *tokenEndpoint) refresh(ctx context.Context, refreshToken string, now time.Time) (tokenAnswer, error) {
	ans, err := t.post(ctx, url.Values{"refresh_token": {refreshToken}, "grant_type": {"refresh_token"}}, now)
	var oe *OAuthError
	if errors.As(err, &oe) {
		// Not %w: the refresh token is dead, which is not the user's
		// sign-in going wrong.
		return ans, fmt.Errorf("%w: refresh refused: %v", ErrTokenExpired, oe)
	}
	return ans, err
}

// post sends form with the app's credentials and reads the answer: a
// token, an [*OAuthError] for OK's {"error": …}, or an error wrapping
// [ErrUnreachable] or [ErrBadResponse].
func (t *tokenEndpoint) post(ctx context.Context, form url.Values, now time.Time) (tokenAnswer, error) {
	form.Set("client_id", t.clientID)
	form.Set("client_secret", t.secret)
	grant := form.Get("grant_type")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, strings.NewReader(form.Encode()))
	if err != nil {
		return tokenAnswer{}, fmt.Errorf("%w: token endpoint: %w", ErrUnreachable, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := t.hc.Do(req)
	if err != nil {
		return tokenAnswer{}, fmt.Errorf("%w: token endpoint (%s): %w", ErrUnreachable, grant, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenAnswer+1))
	if err != nil {
		return tokenAnswer{}, fmt.Errorf("%w: token endpoint (%s): reading answer: %w", ErrUnreachable, grant, err)
	}
	var a struct {
		AccessToken  string          `json:"access_token"`
		RefreshToken string          `json:"refresh_token"`
		ExpiresIn    json.RawMessage `json:"expires_in"`
		Error        string          `json:"error"`
		Description  string          `json:"error_description"`
	}
	if len(body) > maxTokenAnswer || json.Unmarshal(body, &a) != nil {
		if resp.StatusCode >= 500 {
			return tokenAnswer{}, fmt.Errorf("%w: token endpoint (%s): HTTP %d", ErrUnreachable, grant, resp.StatusCode)
		}
		return tokenAnswer{}, fmt.Errorf("%w: token endpoint (%s): HTTP %d, not JSON", ErrBadResponse, grant, resp.StatusCode)
	}
	if a.Error != "" {
		return tokenAnswer{}, &OAuthError{Code: clip(a.Error, maxErrorCodeLen), Description: clip(a.Description, maxErrorDescShown)}
	}
	if resp.StatusCode != http.StatusOK {
		return tokenAnswer{}, fmt.Errorf("%w: token endpoint (%s): HTTP %d", ErrUnreachable, grant, resp.StatusCode)
	}
	if a.AccessToken == "" || len(a.AccessToken) > maxTokenLen || len(a.RefreshToken) > maxTokenLen {
		return tokenAnswer{}, fmt.Errorf("%w: token endpoint (%s): no usable access_token", ErrBadResponse, grant)
	}
	life := tokenLife(strings.Trim(string(a.ExpiresIn), `"`), longTokenLife)
	return tokenAnswer{AccessToken: Secret(a.AccessToken), RefreshToken: Secret(a.RefreshToken), Expires: now.Add(life)}, nil
}

// expiry turns the expires_in (seconds) a browser relayed into when the
// token expires ("" when none was relayed, as for the App link and the
// native route). The browser relays it, so it is not proof: it may not
// claim more than OK's short default, or 30 days if the app asked for
// LONG_ACCESS_TOKEN. As in OK's own SDKs, a missing, zero or unreadable
// expires_in means the lifetime is unknown: OK's default applies.
func (a *Auth) expiry(s string) time.Time {
	limit := defaultTokenLife
	if slices.Contains(a.cfg.Scopes, ScopeLongAccessToken) {
		limit = longTokenLife
	}
	return a.now().Add(tokenLife(s, limit))
}

// tokenLife reads expires_in (seconds, as OK sends it) as a lifetime of at
// most limit. Absent or unusable, it is OK's short default, as OK's own
// SDKs take it; so is anything but plain digits, such as "+60".
func tokenLife(s string, limit time.Duration) time.Duration {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || s[0] == '+' {
		return min(defaultTokenLife, limit)
	}
	return min(time.Duration(min(n, int64(limit/time.Second)))*time.Second, limit)
}
