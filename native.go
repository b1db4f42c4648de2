package okauth

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// maxNativeBody bounds the JSON body of POST {Prefix}/token.
const maxNativeBody = 8 << 10

// bearerName is what a bearer session's value is sealed for. A space is
// not allowed in a cookie name, so no session cookie can share it: a
// bearer value never works as a cookie, nor a cookie's value as a bearer.
const bearerName = "okauth bearer"

// nativeRequest is the body a phone app posts to {Prefix}/token: OK's
// token (and, optionally, its session secret) from OK's SDK, or a code
// for the backend to exchange, with the redirect URI the SDK used.
type nativeRequest struct {
	AccessToken      string `json:"access_token"`
	SessionSecretKey string `json:"session_secret_key"`
	Code             string `json:"code"`
	RedirectURI      string `json:"redirect_uri"`
}

// nativeUser is the user as the token route shows it: the profile, never
// a token or secret.
type nativeUser struct {
	UID       string `json:"uid"`
	Name      string `json:"name"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Picture   string `json:"picture,omitempty"`
	Email     string `json:"email,omitempty"`
	AccountID string `json:"account_id,omitempty"`
}

// nativeAnswer is the token route's success: the user and the bearer
// session value the app sends back as "Authorization: Bearer <session>".
type nativeAnswer struct {
	User      nativeUser `json:"user"`
	Session   string     `json:"session"`
	TokenType string     `json:"token_type"`
	ExpiresAt time.Time  `json:"expires_at"`
	ExpiresIn int        `json:"expires_in"`
}

// nativeSignIn answers POST {Prefix}/token: a phone app that signed the
// user in with OK's Android or iOS SDK trades OK's token, or a code, for
// a bearer session. OK verifies the token with one users.getCurrentUser
// signed with the app secret, so nothing the phone says about the user
// is believed. It sets no cookie, reads only application/json, which an
// HTML form on another site cannot send, and refuses a browser's request
// from another site. Every answer is JSON.
func (a *Auth) nativeSignIn(w http.ResponseWriter, r *http.Request) {
	a.signIn(w, r, a.readNativeClaim, nativeOutcome{a})
}

// readNativeClaim checks that the route is on and the request is not a
// browser's from another site, then reads its body (see readNative).
func (a *Auth) readNativeClaim(w http.ResponseWriter, r *http.Request) (claim, error) {
	if a.cfg.AppSecret == "" {
		return claim{}, ErrNativeDisabled
	}
	if a.cfg.WriteSession != nil {
		return claim{}, fmt.Errorf("%w: with Config.WriteSession, okauth issues no sessions", ErrNativeDisabled)
	}
	// Phone apps send no Origin; a browser does, and one on another site
	// is refused even if the app's CORS rules would let its JSON through.
	if err := a.logout.Check(r); err != nil {
		return claim{}, fmt.Errorf("%w: %w", ErrCrossOrigin, err)
	}
	req, err := readNative(w, r)
	if err != nil {
		return claim{}, err
	}
	c := claim{user: User{AccessToken: Secret(req.AccessToken), SessionSecret: Secret(req.SessionSecretKey), TokenExpires: a.expiry("")}}
	if req.Code != "" {
		if !a.nativeRedirect(req.RedirectURI) {
			return claim{}, fmt.Errorf("%w: redirect_uri is not one of OK's SDK redirect URIs for this app", ErrNativeRequest)
		}
		c.code, c.redirect = req.Code, req.RedirectURI
	}
	return c, nil
}

// nativeOutcome answers the token route: the session sealed into the
// bearer value, the answer and every failure as JSON.
type nativeOutcome struct{ a *Auth }

func (n nativeOutcome) write(_ http.ResponseWriter, r *http.Request, u *User) (string, error) {
	return n.a.bearer.seal(r.Context(), u)
}

func (n nativeOutcome) signedIn(w http.ResponseWriter, r *http.Request, u *User, value, _ string) {
	n.a.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "okauth: signed in", slog.String("uid", u.UID), slog.String("via", "native"))
	writeJSON(w, http.StatusOK, nativeAnswer{
		User: nativeUser{UID: u.UID, Name: u.Name, FirstName: u.FirstName, LastName: u.LastName,
			Picture: u.Picture, Email: u.Email, AccountID: u.AccountID},
		Session: value, TokenType: "Bearer",
		ExpiresAt: u.Expires.UTC(), ExpiresIn: maxAgeOf(u, n.a.now()),
	})
}

func (n nativeOutcome) failed(w http.ResponseWriter, r *http.Request, err error, _ string) {
	n.a.jsonFail(w, r, "okauth: native sign-in failed", err)
}

// readNative reads the token route's body strictly: application/json,
// at most maxNativeBody bytes, one JSON object with only the known
// fields, each clean text within its limit, and exactly one of
// access_token and code.
func readNative(w http.ResponseWriter, r *http.Request) (nativeRequest, error) {
	var req nativeRequest
	if err := readJSON(w, r, &req); err != nil {
		return req, err
	}
	for _, f := range []struct {
		v   string
		max int
	}{{req.AccessToken, maxTokenLen}, {req.SessionSecretKey, maxSecretLen}, {req.Code, maxTokenLen}, {req.RedirectURI, maxTokenLen}} {
		if len(f.v) > f.max || !cleanText(f.v) {
			return req, fmt.Errorf("%w: a field is too long or not clean text", ErrNativeRequest)
		}
	}
	switch {
	case (req.AccessToken == "") == (req.Code == ""):
		return req, fmt.Errorf("%w: exactly one of access_token and code is needed", ErrNativeRequest)
	case req.Code == "" && req.RedirectURI != "":
		return req, fmt.Errorf("%w: redirect_uri without a code", ErrNativeRequest)
	case req.AccessToken == "" && req.SessionSecretKey != "":
		return req, fmt.Errorf("%w: session_secret_key without an access_token", ErrNativeRequest)
	}
	return req, nil
}

// readJSON decodes r's body into v strictly: application/json, at most
// maxNativeBody bytes, one JSON object with only v's fields.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readBody(w, r, "application/json", maxNativeBody, ErrNativeRequest)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil || dec.More() {
		// Not the decoder's error: it quotes what the client sent.
		return fmt.Errorf("%w: body is not one JSON object with only the known fields", ErrNativeRequest)
	}
	return nil
}

// nativeRedirect reports whether uri is a redirect URI of OK's SDKs for
// this app, as OK's SDKs use them: Android's okauth://ok{app_id} (okauth://auth in the
// 2023 SDK) and iOS's ok{app_id}://authorize. OK checks it against the
// app's registered URIs too; this keeps the route to what phones send.
func (a *Auth) nativeRedirect(uri string) bool {
	return uri == "okauth://ok"+a.cfg.AppID || uri == "okauth://auth" || uri == "ok"+a.cfg.AppID+"://authorize"
}
