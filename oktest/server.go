// Package oktest is a fake OK.ru for tests, in the manner of
// net/http/httptest: [NewServer] starts an OAuth dialog (both flows), a
// token endpoint and a REST endpoint on loopback that check requests
// exactly as OK does, with users and failures a test sets. It also
// delivers payments to an app's Callback link as OK does
// ([Server.DeliverPayment], over [Server.Client]).
//
// [Server.SignIn] signs a user in to an app as OK's dialog would, with
// the scopes the app's login route asks for. The okfake command
// (github.com/okauth/okauth/oktest/cmd/okfake) serves the same fake on an
// address of its own, for a phone app or a test in another process, and
// [EndpointAt] points an app at it.
//
//	srv := oktest.NewServer()
//	defer srv.Close()
//	auth, err := okauth.New(okauth.Config{
//		AppID: srv.AppID, AppKey: srv.AppKey, Endpoint: srv.Endpoint(), …
//	})
package oktest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/okauth/okauth"
)

// User is a user of the fake OK.
type User struct {
	UID       string // OK's user id, a string of digits
	Name      string // full name (name)
	FirstName string // first_name
	LastName  string // last_name
	// Picture is the URL of the user's picture, answered for each of OK's
	// picture fields (pic_1 … pic1024x768). A path, such as [AvatarPath],
	// is answered as a URL on the fake itself. Empty is a user without a
	// photo: users.getCurrentUser answers [StubPicture] for them, as OK
	// answers its stub image, unless asked emptyPictures=true.
	Picture string
	Email   string // returned only when the token has GET_EMAIL
	// Extra are more fields users.getCurrentUser returns when asked, such
	// as "birthday" or "location"; values are any JSON.
	Extra map[string]any
}

// DefaultUser is who the dialog signs in until [Server.SetUser] is called.
// Their picture is served by the fake ([AvatarPath]), so it loads with no
// network.
var DefaultUser = User{
	UID:       "574385021466",
	Name:      "Иван Петров",
	FirstName: "Иван",
	LastName:  "Петров",
	Picture:   AvatarPath,
	Email:     "ivan.petrov@example.ru",
}

// Token is what the fake dialog or token endpoint issued. Tokens of the
// code flow have a RefreshToken and no SessionSecret.
type Token struct {
	AccessToken   string    // access_token: the REST API accepts it until Expires
	SessionSecret string    // session_secret_key: signs REST calls made with AccessToken (token flow)
	RefreshToken  string    // refresh_token: gets a new AccessToken at the token endpoint (code flow)
	Expires       time.Time // when the REST API starts answering 102 for it
	Permissions   []string  // permissions_granted: the scopes the dialog was asked for
	User          User      // who the token signs in
	// AppKey is the application_key of the app the token was issued to.
	// As on OK, the REST API accepts the token only in calls with that
	// key, signed with that app's secrets.
	AppKey string
}

// Fault is a failure the fake's REST endpoint can be told to show.
type Fault int

const (
	// NoFault answers normally.
	NoFault Fault = iota
	// FaultHTTP500 answers HTTP 500.
	FaultHTTP500
	// FaultHTTP503 answers HTTP 503.
	FaultHTTP503
	// FaultHTML answers 200 with an HTML page instead of JSON.
	FaultHTML
	// FaultTruncated answers 200 with JSON cut off in the middle.
	FaultTruncated
	// FaultNoUID answers users.getCurrentUser without a uid.
	FaultNoUID
	// FaultHang answers only after the request's context ends or a minute
	// passes; a client with a shorter timeout sees a timeout.
	FaultHang
	// FaultReset closes the connection without answering.
	FaultReset
)

// Faults other than FaultNoUID hit the token endpoint too.

// Server is a fake OK.ru. Its exported fields are set by [NewServer] and
// may be changed before the first request.
type Server struct {
	// URL is the base URL of the fake, such as http://127.0.0.1:34567.
	URL string
	// AppID, AppKey and AppSecret are the one app the fake knows.
	AppID, AppKey, AppSecret string
	// TokenLifetime is the expires_in of issued tokens. The default value
	// is 30 minutes.
	TokenLifetime time.Duration
	// Consent shows an Allow / Deny page in the dialog instead of
	// approving at once, for people trying the example in a browser.
	Consent bool
	// PaymentTries and PaymentRetryInterval are how often and how far
	// apart [Server.DeliverPayment] tries. The default values are OK's:
	// 3 tries, 5 seconds apart. PaymentTimeout bounds each try; the
	// default value is 10 seconds.
	PaymentTries         int
	PaymentRetryInterval time.Duration
	PaymentTimeout       time.Duration
	// Client sends the payment callbacks of [Server.DeliverPayment]. Set
	// it to reach an app served over TLS by a test, such as the Client of
	// an [httptest.NewTLSServer], which trusts that server's certificate.
	// The default value is [http.DefaultClient]. The client's own Timeout,
	// if any, bounds each try along with PaymentTimeout.
	Client *http.Client

	srv        *httptest.Server
	apiCalls   atomic.Int64
	tokenCalls atomic.Int64

	mu         sync.Mutex
	user       User
	authError  string
	fault      Fault
	apiErrCode int
	tokens     map[string]*Token
	codes      map[string]*pendingCode
	refresh    map[string]*refreshGrant
	methods    map[string]func(tok *Token, params map[string]string) (any, error)
	apps       map[string]App // other apps, by AppKey

	portal   portalState // the ok.ru app page's app and launches
	lastConn int64       // the newest launch's apiconnection time, in ms
}

// NewServer starts a fake OK on a loopback port. Close it when done.
func NewServer() *Server {
	s := newServer()
	s.srv = httptest.NewServer(s.routes())
	s.URL = s.srv.URL
	return s
}

// NewUnstartedServer returns a fake OK whose handler is ready but that
// listens nowhere: serve [Server.Handler] yourself and set URL.
func NewUnstartedServer() *Server { return newServer() }

func newServer() *Server {
	return &Server{
		AppID:         "1234567890",
		AppKey:        "CBAFAKEAPPKEY",
		AppSecret:     "FAKESECRET0123456789ABCDEF",
		TokenLifetime: 30 * time.Minute,
		user:          DefaultUser,
		tokens:        map[string]*Token{},
		codes:         map[string]*pendingCode{},
		refresh:       map[string]*refreshGrant{},
		methods:       map[string]func(*Token, map[string]string) (any, error){},
		apps:          map[string]App{},
	}
}

// Handler is the fake's HTTP handler: /oauth/authorize,
// /oauth/token.do, /fb.do and AvatarPath.
func (s *Server) Handler() http.Handler { return s.routes() }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/authorize", s.authorize)
	mux.HandleFunc("/fb.do", s.api)
	mux.HandleFunc("GET "+AvatarPath, serveAvatar)
	mux.HandleFunc("/oauth/token.do", s.token)
	s.portalRoutes(mux)
	return mux
}

// Close shuts the fake down.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.CloseClientConnections()
		s.srv.Close()
	}
}

// Endpoint is the okauth.Endpoint that points at this fake.
func (s *Server) Endpoint() okauth.Endpoint { return EndpointAt(s.URL) }

// EndpointAt is the okauth.Endpoint of a fake OK served at baseURL, such
// as "http://127.0.0.1:8099" for the okfake command's default address:
// its dialog, REST and token endpoints, at OK's paths under baseURL.
func EndpointAt(baseURL string) okauth.Endpoint {
	base := strings.TrimRight(baseURL, "/")
	return okauth.Endpoint{AuthURL: base + "/oauth/authorize", APIURL: base + "/fb.do", TokenURL: base + "/oauth/token.do"}
}

// SetUser sets who the dialog signs in from now on.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

// SetAuthError makes the dialog redirect with #error=code (such as
// "access_denied") instead of a token; "" restores sign-in.
func (s *Server) SetAuthError(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authError = code
}

// SetFault makes the REST endpoint, and the token endpoint for faults
// other than FaultNoUID, fail as f until it is set to NoFault.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// SetAPIError makes every REST call answer OK's JSON error with code (such
// as 102 or 9999) until it is set to 0.
func (s *Server) SetAPIError(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiErrCode = code
}

// HandleMethod adds a REST method to the fake. f gets the caller's token
// and the request parameters; it returns the JSON answer or an
// [*okauth.APIError].
func (s *Server) HandleMethod(method string, f func(tok *Token, params map[string]string) (any, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.methods[method] = f
}

// IssueToken issues a token for u as the dialog would, for tests that
// start after sign-in.
func (s *Server) IssueToken(u User, permissions ...string) Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.issueLocked(u, permissions)
}

func (s *Server) issueLocked(u User, permissions []string) *Token {
	return s.issueForLocked(s.AppKey, u, permissions)
}

func (s *Server) issueForLocked(appKey string, u User, permissions []string) *Token {
	t := &Token{
		AppKey:        appKey,
		AccessToken:   "-s-" + randomHex(32),
		SessionSecret: randomHex(16),
		Expires:       time.Now().Add(s.TokenLifetime),
		Permissions:   permissions,
		User:          u,
	}
	s.tokens[t.AccessToken] = t
	return t
}

// ExpireTokens makes every token issued so far expired: calls with them
// answer error 102.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.Expires = time.Now().Add(-time.Second)
	}
}

// APICalls is how many requests reached the REST endpoint.
func (s *Server) APICalls() int { return int(s.apiCalls.Load()) }

// TokenCalls is how many requests reached the token endpoint.
func (s *Server) TokenCalls() int { return int(s.tokenCalls.Load()) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
