package okauth

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/okauth/okauth/internal/faillog"
)

// Failed sign-ins and logouts are mostly what visitors sent, and anyone
// can send many. failureLog writes the first failLogBurst of each
// failLogInterval one record each, then one record at the interval's end
// with how many it left out, so a flood leaves a few lines, not one per
// request. Failures of OK itself are always written.
const (
	failLogBurst    = 10
	failLogInterval = time.Minute
)

type failureLog struct {
	logger   *slog.Logger
	burst    int
	interval time.Duration

	once    sync.Once
	limiter *faillog.Limiter
}

// allow reports whether one more failure may be written now, and counts
// it for the summary if not.
func (f *failureLog) allow() bool {
	f.once.Do(func() {
		f.limiter = &faillog.Limiter{Logger: f.logger, Burst: f.burst, Interval: f.interval,
			Summary: "okauth: more failed requests, not logged one by one"}
	})
	return f.limiter.Allow()
}

// okFault reports whether err is OK's failure rather than the visitor's:
// OK unreachable, answering nonsense, or reporting its own outage.
func okFault(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrBadResponse) || errors.Is(err, ErrOutage)
}

// secretRefused reports whether err is OK's 104 (PARAM_SIGNATURE) on a
// call signed with Config.AppSecret: the app's secret, not the visitor, is
// then at fault. (Without AppSecret the token flow makes it
// ErrSecretMismatch, the visitor's.)
func (a *Auth) secretRefused(err error) bool {
	return a.cfg.AppSecret != "" && apiCode(err) == CodeSignature && !errors.Is(err, ErrSecretMismatch)
}

// fail logs err once as msg, without secrets, and hands the request to the
// failure handler, with next for its "Try again" link. What a visitor can
// cause is a WARN, and past the first few a minute only counted (see
// failureLog); OK's own failures, a full replay memory and OK refusing a
// signature made with AppSecret (see secretRefused) are an ERROR.
func (a *Auth) fail(w http.ResponseWriter, r *http.Request, msg string, err error, next string) {
	a.logFailure(r, msg, err)
	a.failure.ServeHTTP(w, withError(r, err, next))
}

// logFailure logs err once as msg, as fail says, and returns its status.
func (a *Auth) logFailure(r *http.Request, msg string, err error) int {
	status := StatusOf(err)
	level := slog.LevelWarn
	attrs := []slog.Attr{slog.Int("status", status), slog.Int("ok_error_code", apiCode(err)), slog.String("error", err.Error())}
	appFault := a.secretRefused(err)
	if appFault {
		attrs = append(attrs, slog.String("cause", "OK refused the signature made with AppSecret: AppSecret is likely wrong"))
	}
	if appFault || okFault(err) || errors.Is(err, ErrReplayFull) || errors.Is(err, ErrNativeDisabled) || errors.Is(err, ErrStoreUnavailable) || errors.Is(err, ErrWriteSessionFailed) || errors.Is(err, errSessionNotSaved) {
		level = slog.LevelError
	}
	if appFault || okFault(err) || a.failures.allow() {
		a.cfg.Logger.LogAttrs(r.Context(), level, msg, attrs...)
	}
	return status
}

// storeDown answers a request whose session the SessionStore could not
// check, and reports whether it did: 503, rather than sending a signed-in
// user to sign in again (the store logged its failure, once a minute);
// through the failure handler to a browser (wantsHTML), else as JSON with
// the code store_unavailable.
func (a *Auth) storeDown(w http.ResponseWriter, r *http.Request) bool {
	err := storeError(r.Context())
	if err == nil {
		return false
	}
	if !a.wantsHTML(r) {
		a.writeJSONError(w, r, http.StatusServiceUnavailable, a.errorBody(r, err))
		return true
	}
	w.Header().Set("Cache-Control", "no-store")
	a.failure.ServeHTTP(w, withError(r, err, ""))
	return true
}
