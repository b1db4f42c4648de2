package oktest

import (
	"crypto/md5"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/okauth/okauth"
)

// LaunchParams are the query parameters OK appends to an app's App link
// when it opens the app inside ok.ru for u: a fresh session (session_key
// and session_secret_key, which the fake's REST endpoint then accepts as
// u's), auth_sig and sig signed with the app secret as OK signs them, and
// the other parameters OK sends. Change any and call [Server.SignLaunch]
// to sign them again, or leave them changed to test a tampered launch.
func (s *Server) LaunchParams(u User) url.Values {
	s.mu.Lock()
	t := s.issueLocked(u, nil)
	// OK's apiconnection is the app's ID and a time in ms; two launches
	// in one millisecond still get their own.
	s.lastConn = max(time.Now().UnixMilli(), s.lastConn+1)
	conn := s.AppID + "_" + strconv.FormatInt(s.lastConn, 10)
	s.mu.Unlock()
	p := url.Values{
		"api_server":         {s.URL + "/"},
		"apiconnection":      {conn},
		"application_key":    {s.AppKey},
		"authorized":         {"1"},
		"logged_user_id":     {u.UID},
		"session_key":        {t.AccessToken},
		"session_secret_key": {t.SessionSecret},
		"container":          {"iframe"},
		"first_start":        {"0"},
		"header_widget":      {"1"},
		"new_sig":            {"1"},
		"referer":            {"catalog"},
		"web_server":         {"https://ok.ru"},
		"custom_args":        {"from=test&x=Привет"},
	}
	p.Set("auth_sig", AuthSig(u.UID, t.AccessToken, s.AppSecret))
	s.SignLaunch(p)
	return p
}

// SignLaunch sets p's sig as OK signs a launch: every parameter but sig,
// with the app secret.
func (s *Server) SignLaunch(p url.Values) {
	p.Set("sig", okauth.Sign(p, s.AppSecret))
}

// AuthSig is a launch's auth_sig: md5(logged_user_id + session_key +
// application secret) in lowercase hex.
func AuthSig(uid, sessionKey, appSecret string) string {
	sum := md5.Sum([]byte(uid + sessionKey + appSecret))
	return hex.EncodeToString(sum[:])
}

// LaunchURL is appLink, the URL of an app's App link route (such as
// https://app.example/auth/ok/app), as OK opens it in its iframe for u.
func (s *Server) LaunchURL(appLink string, u User) string {
	return launchURL(appLink, s.LaunchParams(u))
}

// launchURL is appLink with the launch parameters p added to its query.
func launchURL(appLink string, p url.Values) string {
	sep := "?"
	if strings.Contains(appLink, "?") {
		sep = "&"
	}
	return appLink + sep + p.Encode()
}
