package okauth

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/okauth/okauth/internal/signedquery"
)

// Limits on the callback form. A form beyond them is refused, not cut.
const (
	maxFormBytes      = 64 << 10
	maxTokenLen       = 1024
	maxSecretLen      = 256
	maxStateLen       = 256
	maxErrorCodeLen   = 64
	maxErrorDescShown = 200
	// bodyReadTimeout bounds reading the callback's body, so a client that
	// sends it a byte at a time cannot hold the connection.
	bodyReadTimeout = 10 * time.Second
)

// readForm reads the callback's urlencoded body strictly: one value per
// field, valid UTF-8, no control characters, within the size limits.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	body, err := readBody(w, r, "application/x-www-form-urlencoded", maxFormBytes, ErrBadForm)
	if err != nil {
		return nil, err
	}
	return parseStrict(body)
}

// readBody reads r's body of media type mediaType and at most limit
// bytes, or returns why not, wrapping bad.
func readBody(w http.ResponseWriter, r *http.Request, mediaType string, limit int64, bad error) (string, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != mediaType {
		return "", fmt.Errorf("%w: content type is not %s", bad, mediaType)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return "", fmt.Errorf("%w: %w", bad, err)
	}
	return string(body), nil
}

// parseStrict parses an urlencoded form or query: one value per field,
// valid UTF-8, no control characters, within the size limits.
func parseStrict(s string) (url.Values, error) {
	form, err := url.ParseQuery(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadForm, err)
	}
	limits := map[string]int{"access_token": maxTokenLen, "session_secret_key": maxSecretLen, "refresh_token": maxTokenLen, "state": maxStateLen, "code": maxTokenLen}
	for k, vs := range form {
		if len(vs) != 1 {
			return nil, fmt.Errorf("%w: field %.40q repeated", ErrBadForm, k)
		}
		if !cleanText(k) || !cleanText(vs[0]) {
			return nil, fmt.Errorf("%w: field %.40q is not clean UTF-8 text", ErrBadForm, k)
		}
		if n, ok := limits[k]; ok && len(vs[0]) > n {
			return nil, fmt.Errorf("%w: field %s over %d bytes", ErrBadForm, k, n)
		}
	}
	return form, nil
}

// cleanText reports whether s is valid UTF-8 without control characters.
func cleanText(s string) bool { return signedquery.CleanText(s) }

// clip shortens s to at most n bytes without splitting a UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
