package okauth

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/okauth/okauth/internal/acceptlang"
)

// Messages are the words of every page okauth shows, in one language: the
// relay page, the error page and the sign-in button. The built-in languages
// are Russian ("ru") and English ("en"); [DefaultMessages] returns a copy to
// change, and Config.Messages adds or replaces languages.
type Messages struct {
	// Lang is the language's BCP 47 tag, such as "ru", written in the
	// pages' <html lang>. In Config.Messages it is set to the map key.
	Lang string

	// SignIn is the sign-in button's and links' text: "Sign in with OK.ru".
	SignIn string

	// RelayTitle is the relay page's title; RelayWorking is shown while its
	// script finishes the sign-in; RelayEmpty when the page was opened with
	// nothing to finish; NoScript when JavaScript is off.
	RelayTitle, RelayWorking, RelayEmpty, NoScript string

	// TryAgain and Home label the error page's links; Status, followed by
	// the HTTP status, is its last line ("Error 403").
	TryAgain, Home, Status string

	// ConfirmTitle heads the page that asks a user who opened the App
	// link at top level whether to sign in; ConfirmText comes before the
	// name of the user they would be (with ProfileID, followed by their
	// OK.ru ID, which no one else can take, unlike a name), and
	// ConfirmWarning after it; ConfirmSwitch, followed by the name of the
	// user the browser is signed in as now, warns that continuing
	// changes who that is. Its
	// buttons are ContinueAs, followed by the name, and Cancel.
	ConfirmTitle, ConfirmText, ProfileID, ConfirmWarning, ConfirmSwitch, ContinueAs, Cancel string

	// SignOutTitle heads the page a sign-out link opens (GET of the
	// logout route), SignOutText says what signing out does, and SignOut
	// labels its button, which signs out.
	SignOutTitle, SignOutText, SignOut string

	// LaunchOpening is shown for the moment the App link takes to open the
	// app inside ok.ru, with a Continue link in case it does not.
	LaunchOpening, Continue string

	// Errors say what went wrong, checked in order: the first whose Err
	// matches the failure with [errors.Is] is shown. Put a more specific
	// error before a more general one (ErrDeniedByUser before ErrRefusedByOK).
	Errors []ErrorText

	// ByStatus is for failures none of Errors matches, by the status
	// [StatusOf] gives them: the exact status, else its class (400, 500).
	ByStatus map[int]ErrorText
}

// ErrorText is what a page tells a person about one kind of failure.
type ErrorText struct {
	Err    error  // the failure it explains, matched with errors.Is; nil in Messages.ByStatus
	Title  string // the page's heading, such as "Sign-in cancelled"
	Detail string // one or two sentences: what happened, what to do
}

// Built-in languages.
const (
	LangRussian = "ru"
	LangEnglish = "en"
)

// builtin are the languages okauth ships, by tag.
var builtin = map[string]*Messages{LangRussian: &russian, LangEnglish: &english}

// DefaultMessages returns a copy of a built-in language's messages, "ru" or
// "en", to change or extend for Config.Messages; any other tag gets
// English. Changing the copy changes nothing else.
func DefaultMessages(lang string) *Messages {
	m, ok := builtin[lang]
	if !ok {
		m = &english
	}
	return m.clone()
}

func (m *Messages) clone() *Messages {
	c := *m
	c.Errors = slices.Clone(m.Errors)
	c.ByStatus = maps.Clone(m.ByStatus)
	return &c
}

// text is what the messages say about err: the first of m.Errors that
// matches it, else the text for its status, else the text for 400 or 500.
// It never includes anything the browser or OK sent.
func (m *Messages) text(err error) ErrorText {
	for _, t := range m.Errors {
		if t.Err != nil && errors.Is(err, t.Err) {
			return t
		}
	}
	status := StatusOf(err)
	for _, s := range []int{status, status / 100 * 100, 500, 400} {
		if t, ok := m.ByStatus[s]; ok && (s >= 500) == (status >= 500) {
			return t
		}
	}
	return english.ByStatus[status/100*100]
}

// languages are an Auth's messages by tag, built-in ones included.
type languages struct {
	fixed string               // Config.Language, or ""
	tags  []string             // supported tags, English first ("*" picks it)
	byTag map[string]*Messages // every tag in tags
}

// newLanguages merges the built-in languages with Config.Messages.
func newLanguages(fixed string, extra map[string]*Messages) (*languages, error) {
	l := &languages{fixed: fixed, byTag: map[string]*Messages{}}
	for tag, m := range builtin {
		l.byTag[tag] = m
	}
	for tag, m := range extra {
		if tag == "" || m == nil {
			return nil, fieldErr("Messages", "has an empty language tag or nil messages")
		}
		c := m.clone()
		c.Lang = tag
		l.byTag[tag] = c
	}
	l.tags = append(l.tags, LangEnglish)
	for _, tag := range slices.Sorted(maps.Keys(l.byTag)) {
		if tag != LangEnglish {
			l.tags = append(l.tags, tag)
		}
	}
	if fixed != "" && l.byTag[fixed] == nil {
		return nil, fieldErr("Language", "is "+strconv.Quote(fixed)+"; want one of "+strings.Join(l.tags, ", ")+" (or add it to Messages)")
	}
	return l, nil
}

// forRequest is the messages for r: Config.Language if set, else the
// language r's Accept-Language prefers, else English.
func (l *languages) forRequest(r *http.Request) *Messages {
	if l.fixed != "" {
		return l.byTag[l.fixed]
	}
	if tag := acceptlang.Prefer(r.Header.Get("Accept-Language"), l.tags...); tag != "" {
		return l.byTag[tag]
	}
	return l.byTag[LangEnglish]
}

// Language is the tag of the language okauth shows r's pages in, such as
// "ru", so an app can show its own pages in the same one.
func (a *Auth) Language(r *http.Request) string { return a.langs.forRequest(r).Lang }

// Message is what okauth's error page would say about err to r, in its
// language and with Config.Messages applied: a custom FailureHandler shows
// the same words with it.
func (a *Auth) Message(r *http.Request, err error) ErrorText {
	return a.langs.forRequest(r).text(err)
}

// with is t for err, for texts several errors share.
func (t ErrorText) with(err error) ErrorText {
	t.Err = err
	return t
}
