// Package okauth adds "Sign in with OK.ru" (Odnoklassniki) to any net/http
// app: mount one handler, wrap the app in one middleware.
//
// OK's client-side OAuth flow (response_type=token) returns the access
// token after "#" in the redirect URL, where a server never sees it. okauth
// serves a tiny relay page at the callback URL whose script (fragment.js)
// removes the fragment from the address bar and POSTs its parameters to the
// server. The server checks the sign-in's state against a cookie of this
// browser, verifies the token with one signed call to OK's
// users.getCurrentUser, and starts a session holding the user OK named.
//
//	keys, err := okauth.DeriveKeys(os.Getenv("SESSION_KEY"))
//	…
//	auth, err := okauth.New(okauth.Config{
//		AppID:       "512000000000",
//		AppKey:      "CBA…",
//		RedirectURL: "https://example.com/auth/ok/callback",
//		SessionKeys: keys,
//	})
//	mux.Handle("/auth/ok/", auth)
//	mux.Handle("/account", auth.RequireLogin(account))
//	http.ListenAndServe(addr, auth.Middleware(mux))
//
// Handlers read the user with [UserFrom] and call OK's REST API as the user
// with [Auth.Call]; methods that need no user go through [Auth.CallApp],
// signed with the app secret (OK accepts those only from the app's
// registered server IPs). Payment callbacks (the app's Callback link) are
// package [github.com/okauth/okauth/okpay]. A page for signed-out visitors
// shows [Auth.Button], a "Sign in with OK.ru" link. An app that opens inside
// ok.ru sets Config.AppLink and registers Prefix + "/app" as its App link:
// OK's signed launch, in OK's frame, signs the user in there, once, in a
// partitioned cookie that counts only for the app's own requests (a launch
// opened in a tab of its own asks the user first), and [Auth.Frameable]
// lets the app's pages be framed by ok.ru.
//
// # Languages
//
// Every page okauth shows (the relay page, the error pages, the button) is
// in Russian or English, as the request's Accept-Language prefers, unless
// Config.Language fixes one. The words are [Messages], data an app changes
// or extends with Config.Messages; [Auth.Message] gives a custom
// Config.FailureHandler the same words.
//
// With Config.Flow set to [FlowCode], sign-in takes OK's server flow
// instead: OK redirects to the callback with a one-time code in the query,
// which the server exchanges, with the app's secret key, for an access
// token and a refresh token, so no token reaches the browser and no
// JavaScript is needed.
//
// # Sessions and tokens
//
// A session lasts Config.SessionLifetime (7 days) whatever becomes of OK's
// access token, which matters only for calls to OK ([User.TokenExpires]).
// When the token has expired, [Auth.Call] refreshes it in the code flow
// (once, however many calls need it at that moment) and otherwise returns
// [ErrTokenExpired] without calling OK; [Auth.RequireToken] sends a browser
// through OK's dialog for a new one. Config.OnSignIn lets the app refuse a
// sign-in or attach its own account ID, and [Auth.HasPermission] asks OK,
// rather than the browser, whether a permission was granted. A site with
// sessions of its own sets Config.WriteSession instead: it writes the
// site's session for the user OK verified, and okauth writes none.
//
// Sessions live in the cookie by default. With Config.SessionStore (one
// instance: [NewMemorySessions]; several: the okredis module) the cookie
// holds a sealed ID, and [Auth.Logout] and [Auth.SignOutEverywhere] end
// sessions for every copy of the cookie.
//
// # Native apps
//
// A phone app that signed the user in with OK's Android or iOS SDK posts
// OK's token (or a code, with the SDK's redirect URI) as JSON to POST
// {Prefix}/token, which needs Config.AppSecret. okauth asks OK who the
// token's user is, as for any sign-in, and answers with the user and a
// bearer session: a sealed value, like the session cookie's but under a
// name no cookie can have, that the app sends back as
// "Authorization: Bearer <session>". [Auth.Middleware], [Auth.RequireLogin]
// and [UserFrom] read it as they read the cookie; when a request has both,
// the header's counts. With Config.SessionStore the phone signs out this
// device with DELETE {Prefix}/token (or [Auth.Logout] on its request):
// the session is ended in the store, for every instance. Without one the
// bearer value is the whole session and ends only when it expires.
// Errors to API clients are JSON, {"error": code, "message": text}, with
// WWW-Authenticate: Bearer on a 401.
//
// # Security
//
//   - Identity: only the uid that OK returns for the token is trusted;
//     nothing the browser says about who the user is counts.
//   - Login CSRF and token injection: each sign-in has a fresh 32-byte
//     state, listed in this browser's one signed, encrypted state cookie
//     (SameSite=Lax, scoped to Config.Prefix, 10 minutes), compared in
//     constant time. Up to 8 tabs can sign in at once; however often
//     /login is hit, the cookie stays within 2 KB.
//   - Replay: a state is reserved in a [ReplayStore] before OK is asked,
//     so it finishes one sign-in only; a failed sign-in releases it.
//   - Open redirects: the next path must be a same-site path ([SafeNext]).
//   - Session fixation: a successful sign-in always starts a new session.
//   - Token leakage: the token never travels in a URL to the server (the
//     relay page POSTs it, API calls are POSTs), the relay page clears it
//     from history and sends no Referer, and [Secret] keeps tokens out of
//     logs and JSON.
//   - XSS on the relay page: no inline script; a strict
//     Content-Security-Policy allows only fragment.js from this origin.
//   - Logout CSRF: sign-out is a POST (or DELETE of the token route) and
//     refuses cross-origin requests ([net/http.CrossOriginProtection]); a
//     GET of the logout route only shows a page whose button posts.
//   - Native apps: the token route sets no cookie, reads only
//     application/json and refuses a browser's cross-site request; a bearer
//     value is sealed for bearer use only, so it is no session cookie, nor
//     a cookie's value a bearer.
//   - Cookies: HttpOnly, Secure (unless Config.InsecureCookies, which the
//     App link's cookies ignore), SameSite=Lax,
//     HMAC-SHA256 signed and AES encrypted with keys that rotate. The
//     session cookie is __Host-okauth, so a sibling subdomain cannot plant
//     one.
//   - Claims of the browser: expires_in is believed for OK's short default
//     at most (30 days with LONG_ACCESS_TOKEN) and never sets the session's
//     length; permissions_granted is only a claim ([Auth.HasPermission]).
//   - Code flow: the code is exchanged only after the state checked out,
//     with the app's secret and the dialog's redirect_uri; a token posted by
//     a browser to a code-flow app is refused.
//
// Sessions are trusted until Config.SessionLifetime passes, or, with
// Config.SessionStore, until they are ended.
package okauth
