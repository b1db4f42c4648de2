package okauth

import (
	"net/url"

	"github.com/okauth/okauth/internal/signedquery"
)

// launchKnown are the launch parameters okauth reads: no re-cut of a
// launch's signed text may add, drop or change one (see launchQuery).
var launchKnown = []string{"application_key", "auth_sig", "authorized", "logged_user_id", "session_key", "session_secret_key"}

// launchQuery reads the App link's query as OK writes it (a raw ';' stays
// in its value) and checks sig with the app secret, refusing a name
// outside OK's syntax, a repeated field, text that is not clean UTF-8, an
// overlong session, and any other cut of the signed text that would
// change a parameter okauth reads.
func (a *Auth) launchQuery(raw string) (url.Values, error) {
	return signedquery.Parse(raw, signedquery.Rules{
		Secret: a.cfg.AppSecret,
		Known:  launchKnown,
		Limits: map[string]int{"session_key": maxTokenLen, "session_secret_key": maxSecretLen},
	})
}
