package okauth

import (
	"bytes"
	"fmt"
	"net/http"
)

// browserAnswer is how the token flow and the code flow answer a
// browser's sign-in: with okauth's session, or with the site's own
// (Config.WriteSession).
func (a *Auth) browserAnswer() answer {
	p := pageAnswer{a: a, msg: signInFailed}
	if a.cfg.WriteSession == nil {
		return p
	}
	return &ownAnswer{pageAnswer: p}
}

// ownAnswer answers a sign-in whose session the site writes itself
// (Config.WriteSession): what the hook writes is held until it has
// succeeded, then sent with okauth's redirect or as the hook's own answer.
// One is made per request.
type ownAnswer struct {
	pageAnswer
	held *heldResponse
}

func (o *ownAnswer) write(_ http.ResponseWriter, r *http.Request, u *User) (string, error) {
	o.held = &heldResponse{header: http.Header{}}
	c := *u
	err := o.a.cfg.WriteSession(o.held, r, &c)
	if err == nil && o.held.bad != 0 {
		err = fmt.Errorf("it wrote status %d, which is not an HTTP status", o.held.bad)
	}
	if err != nil {
		o.held = nil
		return "", fmt.Errorf("%w: %w", ErrWriteSessionFailed, err)
	}
	return "", nil
}

func (o *ownAnswer) signedIn(w http.ResponseWriter, r *http.Request, u *User, value, next string) {
	if !o.held.commit(w) {
		o.pageAnswer.signedIn(w, r, u, value, next)
		return
	}
	o.logSignedIn(r, u)
}

// heldResponse is the ResponseWriter Config.WriteSession writes to: its
// headers, status and body reach the real response only by commit, once
// the hook has succeeded. It has no Unwrap, so the hook cannot reach the
// real response past it.
type heldResponse struct {
	header http.Header
	status int
	bad    int // a status net/http would panic on, if the hook wrote one
	body   bytes.Buffer
}

// Header is the held response's header map.
func (h *heldResponse) Header() http.Header { return h.header }

// WriteHeader holds the first final status.
func (h *heldResponse) WriteHeader(code int) {
	if code < 100 || code > 999 {
		h.bad = code
		return
	}
	if h.status == 0 && code >= 200 {
		h.status = code
	}
}

// Write holds p, after status 200 if none was written.
func (h *heldResponse) Write(p []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return h.body.Write(p)
}

// commit sends what was held to w: cookies are added to the ones okauth
// set, other headers replace okauth's of the same name, and a status or
// body, if the hook wrote one, is the answer. It reports whether the hook
// answered itself.
func (h *heldResponse) commit(w http.ResponseWriter) bool {
	dst := w.Header()
	for k, vs := range h.header {
		if k == "Set-Cookie" {
			dst[k] = append(dst[k], vs...)
			continue
		}
		dst[k] = vs
	}
	if h.status == 0 {
		return false
	}
	w.WriteHeader(h.status)
	_, _ = h.body.WriteTo(w)
	return true
}
