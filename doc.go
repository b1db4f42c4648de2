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
//	auth, err := okauth.New(okauth.Config{
//		AppID:       "512000000000",
//		AppKey:      "CBA…",
//		RedirectURL: "https://example.com/auth/ok/callback",
//		SessionKeys: keys, // okauth.DeriveKeys(os.Getenv("SESSION_KEY"))
//	})
//	mux.Handle("/auth/ok/", auth)
//	mux.Handle("/account", auth.RequireLogin(account))
//	http.ListenAndServe(addr, auth.Middleware(mux))
//
// Handlers read the user with [UserFrom] and call OK's REST API as the user
// with [Auth.Call]; methods that need no user go through [Auth.CallApp],
// signed with the app secret (OK accepts those only from the app's
// registered server IPs). Payment callbacks (the app's Callback link) are
// package [github.com/okauth/okauth/okpay].
//
// # Security
//
//   - Identity: only the uid that OK returns for the token is trusted;
//     nothing the browser says about who the user is counts.
//   - Login CSRF and token injection: each sign-in has a fresh 32-byte
//     state kept in its own signed, encrypted cookie (SameSite=Lax, scoped
//     to the callback path, 10 minutes, single use), compared in constant
//     time. Tabs signing in at once each keep their own.
//   - Open redirects: the next path must be a same-site path ([SafeNext]).
//   - Session fixation: a successful sign-in always starts a new session.
//   - Token leakage: the token never travels in a URL to the server (the
//     relay page POSTs it, API calls are POSTs), the relay page clears it
//     from history and sends no Referer, and [Secret] keeps tokens out of
//     logs and JSON.
//   - XSS on the relay page: no inline script; a strict
//     Content-Security-Policy allows only fragment.js from this origin.
//   - Logout CSRF: logout is POST only and refuses cross-origin requests
//     ([net/http.CrossOriginProtection]).
//   - Cookies: HttpOnly, Secure (unless Config.InsecureCookies), SameSite=Lax,
//     HMAC-SHA256 signed and AES encrypted with keys that rotate.
//
// Sessions are trusted until OK's token expires (expires_in) or
// Config.MaxSessionAge passes, whichever is first.
package okauth
