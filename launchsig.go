package okauth

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/okauth/okauth/internal/signedquery"
)

// authSigOK reports whether the launch's auth_sig, OK's signature of
// logged_user_id and session_key, verifies.
func (a *Auth) authSigOK(q url.Values) bool {
	return equalFold(q.Get("auth_sig"), md5Hex(q.Get("logged_user_id")+q.Get("session_key")+a.cfg.AppSecret))
}

// launchSigFailed logs, once an interval and apart from the refusal's own
// record, a launch refused because err says its sig did not verify, or
// because its auth_sig did not (q is then the launch's query), with which
// check failed, whether the other verified, and whether the launch carried
// new_sig: a change in how OK signs launches then shows at once, even
// among many forged ones. Any other refusal is not logged here.
//
// A launch whose auth_sig verifies, and whose user OK would confirm, is
// still refused when sig alone fails. auth_sig vouches only for the user
// and the session_key; sig is what vouches for everything else: authorized,
// application_key, the session_secret_key that signs the user's calls, what
// OK's page hands the app (api_server, apiconnection, custom_args, referer)
// and the launch's identity, which marks it used. Accepting it would let
// anyone holding one launch URL change those values, and open it again
// under a new sig.
func (a *Auth) launchSigFailed(r *http.Request, err error, q url.Values) {
	check, sigOK := "auth_sig", true
	if q == nil {
		if !errors.Is(err, signedquery.ErrSignature) {
			return
		}
		check, sigOK = "sig", false
		// Only to tell the operator whether auth_sig held: the launch is
		// refused whatever this parse finds.
		q, _ = url.ParseQuery(r.URL.RawQuery)
	}
	if a.launchSigs.allow() {
		a.cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "okauth: App link launch signature did not verify",
			slog.String("check", check), slog.Bool("sig_ok", sigOK), slog.Bool("auth_sig_ok", a.authSigOK(q)),
			slog.Bool("new_sig", q.Has("new_sig")))
	}
}
