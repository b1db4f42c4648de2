package okauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
)

// OK.ru permissions (scopes) an app can ask for in [Config.Scopes]. The
// identity call users.getCurrentUser needs none of them.
const (
	ScopeValuableAccess  = "VALUABLE_ACCESS"
	ScopeLongAccessToken = "LONG_ACCESS_TOKEN"
	ScopePhotoContent    = "PHOTO_CONTENT"
	ScopeGroupContent    = "GROUP_CONTENT"
	ScopeVideoContent    = "VIDEO_CONTENT"
	ScopeAppInvite       = "APP_INVITE"
	ScopeGetEmail        = "GET_EMAIL"
	ScopeSetStatus       = "SET_STATUS"
)

// Layouts of OK's authorization dialog, for [Config.Layout].
const (
	LayoutWeb          = "w" // the standard window of the full site
	LayoutMobile       = "m" // the mobile window
	LayoutMobileNoHead = "a" // the simplified mobile window without a header
)

// Endpoint names OK's hosts. Tests point it at a fake such as
// [github.com/okauth/okauth/oktest].
type Endpoint struct {
	// AuthURL is the OAuth authorization dialog.
	AuthURL string
	// APIURL is the REST endpoint that takes the method in a parameter (fb.do).
	APIURL string
	// TokenURL is the token endpoint of the code flow ([FlowCode]), where
	// codes are exchanged and tokens refreshed.
	TokenURL string
}

// DefaultEndpoint is OK.ru's production endpoint.
var DefaultEndpoint = Endpoint{
	AuthURL:  "https://connect.ok.ru/oauth/authorize",
	APIURL:   "https://api.ok.ru/fb.do",
	TokenURL: "https://api.ok.ru/oauth/token.do",
}

// Config configures an [Auth]. Only AppID, AppKey, RedirectURL and
// SessionKeys are required; every other field has a secure default, stated
// on it.
type Config struct {
	// The OK app: what OK knows it by, and how it signs in.
	//
	// AppID is the application ID OK sent on registration (client_id).
	// Required.
	AppID string

	// AppKey is the public application key (application_key) used in every
	// REST call. Required.
	AppKey string

	// AppSecret is the application's secret key. When set, REST calls are
	// signed with the server rule md5(access_token+AppSecret) instead of
	// the session_secret_key the browser relayed, and a callback may then
	// omit session_secret_key. FlowCode, AppLink, the token route of native
	// apps and [Auth.CallApp] need it. It is never sent to a browser. The
	// default value is "".
	AppSecret string

	// RedirectURL is the absolute URL of the callback route, exactly as
	// registered for the app at OK, for example
	// "https://example.com/auth/ok/callback". Its path must be Prefix +
	// "/callback". It must be https unless InsecureCookies is set.
	// Required.
	RedirectURL string

	// Scopes are the permissions to ask for, such as [ScopeGetEmail]. They
	// are joined with ";" as OK expects. The default value is none.
	Scopes []string

	// Layout is the look of OK's dialog: [LayoutWeb], [LayoutMobile] or
	// [LayoutMobileNoHead]. The default value is [LayoutWeb].
	Layout string

	// Flow is how OK hands over the token: [FlowToken], the client-side flow
	// whose token arrives after "#" and is relayed by a small page, or
	// [FlowCode], the server flow, where the callback gets a one-time code
	// that the server exchanges for a token and a refresh token. FlowCode
	// needs AppSecret. The default value is [FlowToken].
	Flow Flow

	// Fields are the user fields asked of users.getCurrentUser. It must
	// include "uid". Fields beyond uid, name, first_name, last_name, email
	// and the picture field Picture names reach the app in [User.Extra],
	// each at most 256 bytes and all together at most 512, so the session
	// stays small. The default value is uid, name, first_name, last_name,
	// Picture's field and email.
	Fields []string

	// Picture is which of OK's picture fields [User.Picture] holds, such
	// as [Pic190x190]; with Fields set, list that field in them too ([New]
	// refuses a Picture they do not ask for). The default value is
	// [Pic128x128] (pic_3).
	Picture PictureSize

	// Routes.
	//
	// Prefix is where the routes live: Prefix+"/login", "/callback",
	// "/logout" and the others [Auth.ServeHTTP] lists. The default value
	// is "/auth/ok".
	Prefix string

	// LandingPath is where a user goes after signing in when the login
	// request named no acceptable next path. The default value is "/".
	LandingPath string

	// LogoutPath is where a user goes after signing out. The default value
	// is "/".
	LogoutPath string

	// Sessions.
	//
	// SessionKeys are the cookie keys, in pairs as for
	// [github.com/gorilla/securecookie.CodecsFromPairs]: a hash key of at
	// least 32 bytes, then a block key of 16, 24 or 32 bytes (AES-128, -192
	// or -256). The first pair signs new cookies; later pairs are still
	// accepted, so keys rotate by putting a new pair first. [DeriveKeys]
	// makes one pair from a passphrase. Required, whatever keeps the
	// sessions: the short-lived state cookie of a sign-in uses them too.
	SessionKeys [][]byte

	// SessionName is the name of the session cookie. The default value is
	// "__Host-okauth", or "okauth" with InsecureCookies: the __Host- prefix
	// makes browsers refuse the cookie unless this host set it over https
	// with Path=/ and no Domain, so a sibling subdomain cannot plant a
	// session of its choosing. A name without it gives that up.
	SessionName string

	// SessionLifetime is how long a sign-in lasts: the user stays signed in
	// for this long whatever becomes of OK's access token, which only
	// matters for calls to OK's API (see [User.TokenExpires]). No session
	// lasts longer, and older session cookies are refused. It must be at
	// least a minute. The default value is 7 days, or 24 hours with
	// SessionEndsWithToken.
	SessionLifetime time.Duration

	// SessionEndsWithToken also ends each session when OK's access token
	// expires, if that comes first. The default value is false.
	SessionEndsWithToken bool

	// SessionCache is how many signed-in users the built-in cookie store
	// remembers as already verified, keyed by their whole cookie value, so
	// their next requests skip the HMAC and AES work. It changes no answer,
	// only the cost: a hit needs the exact bytes that verified, and expiry is
	// checked on each hit. Each entry takes about 1.5 KB. Negative disables
	// it; it does not apply to GorillaStore. The default value is 4096.
	SessionCache int

	// InsecureCookies drops the Secure flag from the session and sign-in
	// state cookies so that sign-in works over plain http://localhost
	// during development. The App link's cookies stay Secure, with their
	// __Host- prefix: a partitioned cookie must be Secure. Never set it in
	// production. The default value is false.
	InsecureCookies bool

	// SessionStore, when set, keeps sessions on the server so that they
	// can be ended from anywhere: the cookie, and a native app's bearer
	// value, hold only a sealed random ID. [Auth.Logout] then ends the
	// session for every copy of the cookie, and [Auth.SignOutEverywhere]
	// ends all of a user's sessions. Every signed-in request asks the
	// store; if it cannot answer, the request is not signed in
	// ([Auth.RequireLogin] answers 503) and a sign-in is refused with 503.
	// [NewMemorySessions] is one for a single instance; the okredis module
	// shares one between instances. Not with GorillaStore. The default
	// value is nil: sessions live in one encrypted cookie under 1 KB, read
	// without gob on every request, and end when it does.
	SessionStore SessionStore

	// GorillaStore, when set, keeps browsers' sessions in any gorilla
	// [sessions.Store] (filesystem, Redis, a database) instead of the
	// built-in cookie; a native app's bearer sessions stay sealed values.
	// Not with SessionStore. The default value is nil.
	GorillaStore sessions.Store

	// Shared stores: several instances of an app share them, with
	// SessionStore.
	//
	// ReplayStore remembers finished sign-ins for the rest of their
	// state's lifetime (10 minutes), so a replayed callback is refused,
	// and used App link launches. The default value is
	// NewMemoryReplay(0), which is per process.
	ReplayStore ReplayStore

	// TokenStore keeps the access tokens [Auth.Call] gets by refreshing
	// (code flow), because a request's session cookie cannot be rewritten
	// from inside a call. A shared store lets instances reuse each other's
	// refreshes. The default value is an in-memory store of this process.
	TokenStore TokenStore

	// Hooks and pages.
	//
	// OnSignIn, when set, is called after OK has verified the user and
	// before the session is written, with the callback request and the
	// user. It may set u.AccountID (the app's own account for this OK user,
	// kept in the session) and nothing else. An error refuses the sign-in:
	// no session is written, an existing one is left alone, and the failure
	// handler gets an error matching [ErrRefusedByOnSignIn] that wraps it
	// (the default page offers no "Try again": it would be refused again).
	// The default value is nil: every verified user signs in.
	OnSignIn func(r *http.Request, u *User) error

	// WriteSession, when set, hands each verified browser sign-in to the
	// site's own sessions, and okauth writes no session of its own. It is
	// called after everything okauth checks (the state, a replay, OK's
	// verification of the user, OnSignIn), with the callback request and
	// the user, tokens included, and writes the site's session to w (a
	// cookie, say). What it writes to w is held back: its headers, and a
	// status or body if it answers itself, reach the browser only when it
	// returns nil. Then, unless it answered itself, okauth redirects to the
	// page the sign-in was to return to (or LandingPath), as it does with
	// its own sessions. An error writes nothing: the failure handler
	// answers with an error matching [ErrWriteSessionFailed] that wraps it
	// (500, or as the error says, such as 503 for [ErrStoreUnavailable]);
	// refuse a user in OnSignIn instead. It serves the token flow and the
	// code flow; with it, the token route of native apps answers
	// [ErrNativeDisabled], and New refuses AppLink, SessionStore and
	// GorillaStore, which keep okauth's own sessions. [UserFrom],
	// [Auth.RequireLogin], [Auth.Call] and [Auth.Logout] then know no user
	// (the site's own sessions do), and the logout route is not served (the
	// site signs out itself). The default value is nil: okauth keeps the
	// session.
	WriteSession func(w http.ResponseWriter, r *http.Request, u *User) error

	// Unauthenticated answers what [Auth.RequireLogin] and
	// [Auth.RequireToken] refuse for want of a sign-in, such as an app's own
	// "choose how to sign in" page; [Auth.LoginURL] gives the URL that signs
	// in with OK. The default value sends a browser's GET or HEAD that
	// accepts HTML to sign in and answers anything else 401 with JSON.
	Unauthenticated http.Handler

	// FailureHandler answers a failed sign-in or logout. It finds the error
	// with [ErrorFrom] and the suggested status with [StatusOf]. The default
	// value renders an error page with that status, in the language of
	// [Auth.Language]; [Auth.Message] gives a custom handler the same words.
	FailureHandler http.Handler

	// Language fixes the language of every page okauth shows, such as
	// [LangRussian], [LangEnglish] or a key of Messages. The default value
	// is "": each request's Accept-Language chooses among the languages
	// there are (q-values honoured), and English when it names none.
	Language string

	// Messages adds languages, or replaces built-in ones, by BCP 47 tag
	// ("uk", "ru"). Start from [DefaultMessages] to change a few words.
	// The default value is nil: Russian and English as built in.
	Messages map[string]*Messages

	// Inside ok.ru.
	//
	// AppLink, when set, turns on the App link (see [AppLink]). It needs
	// AppSecret. The default value is nil: the App link's route answers
	// 404.
	AppLink *AppLink

	// Transport and logs.
	//
	// Endpoint is OK's hosts. The default value is [DefaultEndpoint].
	Endpoint Endpoint

	// HTTPClient makes the calls to OK. The default value is a client with
	// Timeout as its timeout.
	HTTPClient *http.Client

	// Timeout bounds each call to OK. The default value is 10 seconds.
	Timeout time.Duration

	// Logger receives one record per failed sign-in and per failed call to
	// OK. Tokens and secrets are never logged. The default value is
	// [slog.Default].
	Logger *slog.Logger
}

// AppLink is the App link's settings ([Config.AppLink]). The App link is
// the route Prefix + "/app": the URL an app registers in the "App link"
// field of its settings at OK, for OK to load inside an iframe on ok.ru
// with the signed-in user. A launch starts a session only in a frame whose
// parent page is one of FrameAncestors; opened in a tab of its own, it
// asks the user to confirm first; each launch signs in once (marked in
// Config.ReplayStore). The session counts only for the app's own requests
// (Sec-Fetch-Site: same-origin) and a tab's page loads.
type AppLink struct {
	// LandingPath is where the App link sends a user it signed in, inside
	// the iframe. The default value is Config.LandingPath. It opens with
	// the launch's query but OK's session and signatures (session_key,
	// session_secret_key, auth_sig and sig are dropped): api_server,
	// apiconnection, custom_args and the rest, as OK's JS SDK reads them.
	// Anyone can open it with any query, so its handler takes the user
	// from [UserFrom] and custom_args as input to check.
	LandingPath string

	// FrameAncestors are the origins allowed to frame the App link's
	// pages (its error page) and the pages wrapped in [Auth.Frameable], and
	// the only pages whose frame may start an App link session (as the
	// launch's Referer shows). The default value is OK's pages:
	// "https://ok.ru" and "https://*.ok.ru".
	FrameAncestors []string
}

// Flow is the OAuth flow a sign-in takes; see [Config.Flow].
type Flow string

// The flows of [Config.Flow].
const (
	// FlowToken is OK's client-side flow (response_type=token): the token
	// comes back after "#" and a relay page forwards it to the server.
	FlowToken Flow = "token"
	// FlowCode is OK's server flow (response_type=code): the callback gets
	// a code in its query, and the server exchanges it, with AppSecret, for
	// an access token and a refresh token.
	FlowCode Flow = "code"
)

// defaultFields are the users.getCurrentUser fields a session keeps.
var defaultFields = []string{"uid", "name", "first_name", "last_name", "pic_3", "email"}

const (
	defaultPrefix             = "/auth/ok"
	defaultSessionName        = "okauth"
	defaultTokenBoundLifetime = 24 * time.Hour // with SessionEndsWithToken
	defaultLifetime           = 7 * 24 * time.Hour
	defaultTimeout            = 10 * time.Second
)

// DeriveKeys makes one SessionKeys pair (an HMAC-SHA256 hash key and an
// AES-256 block key) from a secret of at least 32 bytes, such as a
// passphrase kept in the environment. The same secret gives the same keys,
// so sessions survive restarts.
func DeriveKeys(secret string) ([][]byte, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("%w: DeriveKeys: the secret is %d bytes; want at least 32", ErrConfig, len(secret))
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte("okauth session " + label))
		return m.Sum(nil)
	}
	return [][]byte{derive("hash key"), derive("block key")}, nil
}
