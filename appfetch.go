package okauth

import (
	"fmt"
	"net/http"
	"net/url"
)

// The App link's cookie is SameSite=None and kept in OK's partition, so
// the browser sends it with every request any frame under ok.ru makes to
// the app: OK's own frame of the app, but also another app's or an ad's.
// Only the browser's Fetch Metadata tells them apart, so the App link decides
// from it which requests the App link's session counts for, and which
// requests may start one.

// launchPlace is where a launch was opened.
type launchPlace int

const (
	// launchInOKFrame is a frame whose parent is one of OK's pages: a
	// session starts at once.
	launchInOKFrame launchPlace = iota + 1
	// launchTopLevel is a page of its own (a link, a bookmark, a web
	// view): the user confirms whom they sign in as first.
	launchTopLevel
)

// appSessionCounts reports whether the App link's session cookie counts
// for r: for a request the app's own pages made (Sec-Fetch-Site:
// same-origin), or for a top-level page load (a GET or HEAD navigation of
// the whole tab, which SameSite=Lax would allow too: at top level the
// partition is the app's own, never ok.ru's). A request another site
// caused (an image, a form, a fetch, a frame of the app under some other
// page), and any request without Fetch Metadata, reads as signed out.
func appSessionCounts(r *http.Request) bool {
	h := r.Header
	if h.Get("Sec-Fetch-Site") == "same-origin" {
		return true
	}
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		h.Get("Sec-Fetch-Mode") == "navigate" && h.Get("Sec-Fetch-Dest") == "document"
}

// launchPlaceOf tells where the launch r was opened, or why it cannot
// start a session: only a navigation can, either of a frame whose parent
// page is in frameAncestors (its Referer shows it) or of a whole tab. An
// image, a fetch, an embed, a frame nested under another site, and a
// browser that sends no Fetch Metadata are refused before OK is asked.
func launchPlaceOf(r *http.Request, frameAncestors []string) (launchPlace, error) {
	h := r.Header
	switch {
	case h.Get("Sec-Fetch-Site") == "" || h.Get("Sec-Fetch-Mode") == "":
		return 0, fmt.Errorf("%w: the browser sent no Fetch Metadata", ErrBadLaunch)
	case h.Get("Sec-Fetch-Mode") != "navigate":
		return 0, fmt.Errorf("%w: not a navigation (Sec-Fetch-Mode %.20q)", ErrBadLaunch, h.Get("Sec-Fetch-Mode"))
	}
	switch dest := h.Get("Sec-Fetch-Dest"); dest {
	case "document":
		return launchTopLevel, nil
	case "iframe", "frame":
		ref, err := url.Parse(r.Referer())
		if err != nil || ref.Host == "" || !originAllowed(ref.Scheme+"://"+ref.Host, frameAncestors) {
			return 0, fmt.Errorf("%w: framed by a page that is not OK's", ErrBadLaunch)
		}
		return launchInOKFrame, nil
	default:
		return 0, fmt.Errorf("%w: opened as %.20q, not as a page or frame", ErrBadLaunch, dest)
	}
}
