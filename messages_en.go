package okauth

// english is the built-in English. To add a message for a new error, add
// one line to Errors here and in the built-in Russian, before any more general
// error it also matches.
var english = Messages{
	Lang:         LangEnglish,
	SignIn:       "Sign in with OK.ru",
	RelayTitle:   "Signing in with OK.ru",
	RelayWorking: "Signing you in with OK.ru…",
	RelayEmpty:   "This page finishes a sign-in with OK.ru and has nothing to finish.",
	NoScript:     "JavaScript is needed to finish signing in with OK.ru. Please turn it on and try again.",
	TryAgain:     "Try again",
	Home:         "Home",
	Status:       "Error",

	ConfirmTitle:   "Sign in to this app?",
	ConfirmText:    "This app was opened from a link. You would be signed in to it with this OK.ru account:",
	ProfileID:      "OK.ru ID",
	ConfirmSwitch:  "You are signed in here now as",
	ConfirmWarning: "If this is not you, or you did not open the link yourself, choose Cancel: nothing will change.",
	ContinueAs:     "Continue as",
	Cancel:         "Cancel",
	SignOutTitle:   "Sign out?",
	SignOutText:    "You will be signed out of this site in this browser.",
	SignOut:        "Sign out",
	LaunchOpening:  "Opening the app…",
	Continue:       "Continue",
	Errors: []ErrorText{
		{ErrRefusedByOnSignIn, "Sign-in refused", "This site did not accept this sign-in. Nothing was saved."},
		{ErrDeniedByUser, "Sign-in cancelled", "You did not allow this site to use your OK.ru account. Nothing was saved."},
		{ErrAppRejectedByOK, "OK.ru refused this site", "OK.ru did not accept this site's sign-in request. The site's OK.ru app settings need attention."},
		{ErrRefusedByOK, "OK.ru could not sign you in", "OK.ru reported a problem with this sign-in. Please try again."},
		{ErrStateExpired, "Sign-in took too long", "The sign-in was not finished within 10 minutes. Please start again."},
		{ErrStateReused, "Sign-in already used", "This sign-in was already completed. Please start again."},
		enNotRecognised.with(ErrStateMissing),
		enNotRecognised.with(ErrStateMismatch),
		enUnreachable.with(ErrOutage),
		enUnreachable.with(ErrUnreachable),
		enUnreachable.with(ErrBadResponse),
		{ErrSecretMismatch, "OK.ru refused the sign-in", "OK.ru did not accept the sign-in token. Please try again."},
		{ErrAPI, "OK.ru refused the sign-in", "OK.ru did not accept the sign-in token. Please try again."},
		{ErrTokenExpired, "OK.ru sign-in expired", "Your OK.ru sign-in for this site has expired. Please sign in again."},
		{ErrCrossOrigin, "Request refused", "This request came from another site and was refused."},
		{ErrReplayFull, "Too many sign-ins", "This site is handling too many sign-ins right now. Please try again in a few minutes."},
		{ErrNotRevocable, "Cannot sign out here", "This site cannot end the app's session. The app should forget it: it ends by itself when it expires."},
		{ErrSignOutFailed, "Sign-out failed", "This site could not sign you out just now: you are still signed in. Please try again in a minute."},
		{ErrStoreUnavailable, "Sign-in unavailable", "This site cannot check sign-ins right now. Nothing was changed. Please try again in a minute."},
		{ErrWriteSessionFailed, "Sign-in not completed", "This site could not complete the sign-in. Nothing was changed. Please try again in a minute."},
		{ErrLaunchUsed, "Launch link already used", "This link to the app has already been used. Open the app from OK.ru again. Nothing was saved."},
		{ErrLaunchUnauthorized, "App not allowed", "You have not allowed this app on OK.ru. Open it from OK.ru and allow it."},
		{ErrBadLaunch, "Launch not recognised", "This app was not opened by OK.ru, or the link was changed. Open the app from OK.ru again. Nothing was saved."},
		enIncomplete.with(ErrTokenMissing),
		enIncomplete.with(ErrSecretMissing),
		enIncomplete.with(ErrCodeMissing),
		enNotSignedIn.with(ErrNotSignedIn),
		enBadForm.with(ErrBadForm),
		{ErrNativeRequest, "Bad sign-in request", "The app's sign-in request could not be read."},
		{ErrNativeDisabled, "Sign-in from apps is off", "This site does not accept sign-ins from phone apps yet."},
		{errMethodNotAllowed, "Method not allowed", "This address does not take this request method."},
	},
	ByStatus: map[int]ErrorText{
		400: enBadForm,
		401: enNotSignedIn,
		403: {Title: "Request refused", Detail: "This request was refused."},
		429: {Title: "Too many requests", Detail: "Too many sign-ins at once. Please wait a moment and try again."},
		500: {Title: "Something went wrong", Detail: "The site could not finish the sign-in. Please try again in a moment."},
		502: enUnreachable,
		503: {Title: "The site is busy", Detail: "The site has too much to do right now. Please try again in a moment."},
	},
}

// Texts shared by several errors.
var (
	enNotRecognised = ErrorText{Title: "Sign-in not recognised", Detail: "This sign-in was not started in this browser, or its cookie was lost. Please start again."}
	enUnreachable   = ErrorText{Title: "OK.ru could not be reached", Detail: "OK.ru did not answer properly while checking your sign-in. Please try again in a moment."}
	enIncomplete    = ErrorText{Title: "Incomplete sign-in", Detail: "OK.ru's answer was incomplete. Please start again."}
	enNotSignedIn   = ErrorText{Title: "Not signed in", Detail: "Please sign in with OK.ru first."}
	enBadForm       = ErrorText{Title: "Bad sign-in request", Detail: "The sign-in request could not be read. Please start again."}
)
