package okauth

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// withDefaults returns a copy of c with every unset field at its default.
func (c Config) withDefaults() Config {
	if c.Layout == "" {
		c.Layout = LayoutWeb
	}
	if c.Prefix == "" {
		c.Prefix = defaultPrefix
	}
	if c.Prefix != "/" {
		c.Prefix = strings.TrimRight(c.Prefix, "/")
	}
	if c.LandingPath == "" {
		c.LandingPath = "/"
	}
	if c.LogoutPath == "" {
		c.LogoutPath = "/"
	}
	if c.SessionCache == 0 {
		c.SessionCache = defaultSessionCache
	}
	if c.SessionName == "" {
		c.SessionName = defaultSessionName
		if !c.InsecureCookies {
			c.SessionName = "__Host-" + defaultSessionName
		}
	}
	if c.SessionLifetime == 0 {
		c.SessionLifetime = defaultLifetime
		if c.SessionEndsWithToken {
			c.SessionLifetime = defaultTokenBoundLifetime
		}
	}
	if c.Flow == "" {
		c.Flow = FlowToken
	}
	if c.Endpoint.TokenURL == "" {
		c.Endpoint.TokenURL = DefaultEndpoint.TokenURL
	}
	if c.Endpoint.AuthURL == "" {
		c.Endpoint.AuthURL = DefaultEndpoint.AuthURL
	}
	if c.Endpoint.APIURL == "" {
		c.Endpoint.APIURL = DefaultEndpoint.APIURL
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.Timeout}
	}
	if c.Picture == "" {
		c.Picture = defaultPicture
	}
	if len(c.Fields) == 0 {
		c.Fields = slices.Clone(defaultFields)
		if isPictureField(string(c.Picture)) {
			c.Fields[slices.Index(c.Fields, string(defaultPicture))] = string(c.Picture)
		}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c.appLinkDefaults()
}

// validate reports the first field that is missing or wrong, naming it.
// It expects c to have its defaults.
func (c Config) validate() error {
	if c.AppID == "" {
		return fieldErr("AppID", "is required (the application ID, client_id)")
	}
	if c.AppKey == "" {
		return fieldErr("AppKey", "is required (the public application key)")
	}
	switch c.Layout {
	case LayoutWeb, LayoutMobile, LayoutMobileNoHead:
	default:
		return fieldErr("Layout", fmt.Sprintf("is %q; want %q, %q or %q", c.Layout, LayoutWeb, LayoutMobile, LayoutMobileNoHead))
	}
	if !strings.HasPrefix(c.Prefix, "/") || c.Prefix == "/" {
		return fieldErr("Prefix", fmt.Sprintf("is %q; want a path below / such as %q", c.Prefix, defaultPrefix))
	}
	for _, f := range []struct{ name, path string }{{"LandingPath", c.LandingPath}, {"LogoutPath", c.LogoutPath}} {
		if _, ok := SafeNext(f.path); !ok {
			return fieldErr(f.name, fmt.Sprintf("is %q; want a same-site path such as /", f.path))
		}
	}
	if err := c.validateRedirect(); err != nil {
		return err
	}
	for _, s := range c.Scopes {
		if s == "" || strings.ContainsAny(s, "; ,") {
			return fieldErr("Scopes", fmt.Sprintf("has %q; want one permission per element, such as %q", s, ScopeGetEmail))
		}
	}
	if err := validateKeys(c.SessionKeys); err != nil {
		return err
	}
	if c.InsecureCookies && (strings.HasPrefix(c.SessionName, "__Host-") || strings.HasPrefix(c.SessionName, "__Secure-")) {
		return fieldErr("SessionName", fmt.Sprintf("is %q; browsers keep a __Host- or __Secure- cookie only when Secure, which InsecureCookies turns off", c.SessionName))
	}
	if c.SessionLifetime < time.Minute {
		return fieldErr("SessionLifetime", fmt.Sprintf("is %v; want at least a minute", c.SessionLifetime))
	}
	if c.GorillaStore != nil && c.SessionStore != nil {
		return fieldErr("SessionStore", "is set with GorillaStore; sessions are kept in one of them")
	}
	switch c.Flow {
	case FlowToken:
	case FlowCode:
		if c.AppSecret == "" {
			return fieldErr("AppSecret", "is required with FlowCode (the code is exchanged with the application secret key)")
		}
	default:
		return fieldErr("Flow", fmt.Sprintf("is %q; want okauth.FlowToken or okauth.FlowCode", c.Flow))
	}
	if err := validateFields(c.Fields); err != nil {
		return err
	}
	if !isPictureField(string(c.Picture)) {
		return fieldErr("Picture", fmt.Sprintf("is %q; want one of OK's picture fields, such as okauth.Pic128x128 (pic_3)", c.Picture))
	}
	if err := c.validateAppLink(); err != nil {
		return err
	}
	if err := c.validateWriteSession(); err != nil {
		return err
	}
	if c.Timeout < 0 {
		return fieldErr("Timeout", "is negative")
	}
	for _, f := range []struct{ name, raw string }{{"Endpoint.AuthURL", c.Endpoint.AuthURL}, {"Endpoint.APIURL", c.Endpoint.APIURL}, {"Endpoint.TokenURL", c.Endpoint.TokenURL}} {
		u, err := url.Parse(f.raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fieldErr(f.name, fmt.Sprintf("is %q; want an absolute http(s) URL", f.raw))
		}
	}
	return nil
}

func (c Config) validateRedirect() error {
	if c.RedirectURL == "" {
		return fieldErr("RedirectURL", "is required (the callback URL registered at OK, such as https://example.com"+c.Prefix+"/callback)")
	}
	u, err := url.Parse(c.RedirectURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fieldErr("RedirectURL", fmt.Sprintf("is %q; want an absolute http(s) URL", c.RedirectURL))
	}
	if u.Fragment != "" {
		return fieldErr("RedirectURL", "has a #fragment; OK puts the token there, so it must have none")
	}
	if want := c.Prefix + "/callback"; u.Path != want {
		return fieldErr("RedirectURL", fmt.Sprintf("has path %q; want %q, the callback route under Prefix", u.Path, want))
	}
	if u.Scheme == "http" && !c.InsecureCookies {
		return fieldErr("RedirectURL", "is http://; use https, or set InsecureCookies for local development")
	}
	return nil
}

// validateFields refuses Fields without uid, which every sign-in needs,
// and names that could not be one field of OK's comma list.
func validateFields(fields []string) error {
	hasUID := false
	for _, f := range fields {
		hasUID = hasUID || f == "uid"
		if f == "" || len(f) > 64 || strings.ContainsFunc(f, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.')
		}) {
			return fieldErr("Fields", fmt.Sprintf("has %q; want OK field names such as \"birthday\"", f))
		}
	}
	if !hasUID {
		return fieldErr("Fields", "lacks \"uid\"; every sign-in needs it to know who the user is")
	}
	return nil
}

func validateKeys(keys [][]byte) error {
	if len(keys) == 0 {
		return fieldErr("SessionKeys", "is required: at least one pair of hash key (32+ bytes) and block key (16, 24 or 32 bytes); see DeriveKeys")
	}
	if len(keys)%2 != 0 {
		return fieldErr("SessionKeys", fmt.Sprintf("has %d keys; want pairs of hash key and block key", len(keys)))
	}
	for i := 0; i < len(keys); i += 2 {
		if len(keys[i]) < 32 {
			return fieldErr("SessionKeys", fmt.Sprintf("pair %d has a %d-byte hash key; want at least 32 bytes", i/2, len(keys[i])))
		}
		switch len(keys[i+1]) {
		case 16, 24, 32:
		default:
			return fieldErr("SessionKeys", fmt.Sprintf("pair %d has a %d-byte block key; want 16, 24 or 32 bytes", i/2, len(keys[i+1])))
		}
	}
	return nil
}

// pictureAsked refuses a Picture that Fields, when set, do not ask for:
// User.Picture would always be empty. It checks the Config as the app set
// it, before withDefaults fills Picture in.
func (c Config) pictureAsked() error {
	if c.Picture == "" || len(c.Fields) == 0 || slices.Contains(c.Fields, string(c.Picture)) {
		return nil
	}
	return fieldErr("Fields", fmt.Sprintf("do not include %q, the field Picture names, so User.Picture would always be empty", c.Picture))
}

// fieldErr wraps ErrConfig with the field's name and what is wrong with it.
func fieldErr(field, what string) error {
	return fmt.Errorf("%w: %s %s", ErrConfig, field, what)
}

// okFrameAncestors are the origins of OK's pages that frame an app: the
// default value of AppLink.FrameAncestors.
var okFrameAncestors = []string{"https://ok.ru", "https://*.ok.ru"}

// appLinkDefaults fills in the App link's defaults, on a copy of the
// caller's AppLink.
func (c Config) appLinkDefaults() Config {
	if c.AppLink == nil {
		return c
	}
	l := *c.AppLink
	if l.LandingPath == "" {
		l.LandingPath = c.LandingPath
	}
	if l.FrameAncestors == nil {
		l.FrameAncestors = okFrameAncestors
	}
	l.FrameAncestors = slices.Clone(l.FrameAncestors)
	c.AppLink = &l
	return c
}

// frameAncestors are the origins [Auth.Frameable] lets frame a page.
func (c Config) frameAncestors() []string {
	if c.AppLink == nil {
		return okFrameAncestors
	}
	return c.AppLink.FrameAncestors
}

// validateAppLink checks the App link's fields when it is on.
func (c Config) validateAppLink() error {
	if c.AppLink == nil {
		return nil
	}
	if c.AppSecret == "" {
		return fieldErr("AppSecret", "is required with AppLink (OK signs the launch with the application secret key)")
	}
	if _, ok := SafeNext(c.AppLink.LandingPath); !ok {
		return fieldErr("AppLink.LandingPath", fmt.Sprintf("is %q; want a same-site path such as /", c.AppLink.LandingPath))
	}
	for _, o := range c.AppLink.FrameAncestors {
		if o == "" || strings.ContainsAny(o, " ;,'\"") {
			return fieldErr("AppLink.FrameAncestors", fmt.Sprintf("has %q; want one origin per element, such as %q", o, okFrameAncestors[0]))
		}
	}
	return nil
}

// validateWriteSession refuses, with WriteSession, the fields that keep
// okauth's own sessions. The App link's session lives in a cookie made for
// OK's iframe (SameSite=None, Partitioned, honoured only for the app's own
// requests), which a site's ordinary session cookie cannot stand in for.
func (c Config) validateWriteSession() error {
	if c.WriteSession == nil {
		return nil
	}
	for _, f := range []struct {
		name string
		set  bool
	}{{"AppLink", c.AppLink != nil}, {"SessionStore", c.SessionStore != nil}, {"GorillaStore", c.GorillaStore != nil}} {
		if f.set {
			return fieldErr(f.name, "is set with WriteSession; with WriteSession the site keeps its own sessions, and okauth none")
		}
	}
	return nil
}

// knownScopes are the permissions OK documents.
var knownScopes = []string{ScopeValuableAccess, ScopeLongAccessToken, ScopePhotoContent,
	ScopeGroupContent, ScopeVideoContent, ScopeAppInvite, ScopeGetEmail, ScopeSetStatus}

// scopeAliases are the words other providers use for OK's permissions,
// in lower case, as a slip for the permission they likely mean.
var scopeAliases = map[string]string{
	"email": ScopeGetEmail, "photos": ScopePhotoContent, "photo": ScopePhotoContent,
	"groups": ScopeGroupContent, "group": ScopeGroupContent, "video": ScopeVideoContent,
	"videos": ScopeVideoContent, "offline": ScopeLongAccessToken, "offline_access": ScopeLongAccessToken,
	"status": ScopeSetStatus, "invite": ScopeAppInvite,
}

// warnScopes logs one warning for each scope OK does not document,
// naming the permission it likely means when that is a slip of case or
// another provider's word. It refuses none: OK may add permissions.
func (c Config) warnScopes() {
	for _, s := range c.Scopes {
		if slices.Contains(knownScopes, s) {
			continue
		}
		attrs := []any{"scope", s}
		if want := likelyScope(s); want != "" {
			attrs = append(attrs, "did_you_mean", want)
		}
		c.Logger.Warn("okauth: Config.Scopes has a permission OK does not document", attrs...)
	}
}

// likelyScope is the documented permission s likely means, or "".
func likelyScope(s string) string {
	for _, k := range knownScopes {
		if strings.EqualFold(s, k) {
			return k
		}
	}
	return scopeAliases[strings.ToLower(s)]
}
