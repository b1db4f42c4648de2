package oktest

import (
	"net/http"
	"strings"
)

// AvatarPath is where the fake serves the default user's picture, an SVG
// with their initials, so that pages showing it load nothing from outside
// the machine.
const AvatarPath = "/avatar.svg"

const avatarSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128" width="128" height="128">` +
	`<rect width="128" height="128" fill="#ee8208"/>` +
	`<text x="64" y="82" font-family="DejaVu Sans, Arial, sans-serif" font-size="52" font-weight="600" fill="#111" text-anchor="middle">ИП</text></svg>`

func serveAvatar(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_, _ = w.Write([]byte(avatarSVG))
}

// pictureURL is a user's Picture as OK would answer it: a path such as
// AvatarPath is made absolute on this fake, as r reached it.
func pictureURL(r *http.Request, picture string) string {
	if !strings.HasPrefix(picture, "/") || strings.HasPrefix(picture, "//") {
		return picture
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + picture
}

// StubPicture is the picture the fake's users.getCurrentUser answers for a
// user without one, unless asked emptyPictures=true: OK's stub image.
const StubPicture = "https://api.ok.ru/img/stub/user/male/128.png"

// pictureFields are OK's picture fields, each answered with the user's
// one picture.
var pictureFields = []string{"pic_1", "pic_2", "pic_3", "pic190x190", "pic640x480", "pic1024x768"}
