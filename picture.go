package okauth

import (
	"net/url"
	"slices"
	"strings"
)

// PictureSize is which of OK's picture fields [User.Picture] holds
// ([Config.Picture]): its value is the field's name in OK's answer.
type PictureSize string

// OK's picture fields, as users.getCurrentUser names them.
const (
	Pic50x50       PictureSize = "pic_1"       // 50×50
	Pic128Max      PictureSize = "pic_2"       // at most 128 px on a side
	Pic128x128     PictureSize = "pic_3"       // 128×128; the default
	Pic190x190     PictureSize = "pic190x190"  // 190×190
	Pic640x480     PictureSize = "pic640x480"  // at most 640×480
	Pic1024x768    PictureSize = "pic1024x768" // at most 1024×768
	defaultPicture             = Pic128x128
)

// pictureSizes are the PictureSize values okauth knows.
var pictureSizes = []PictureSize{Pic50x50, Pic128Max, Pic128x128, Pic190x190, Pic640x480, Pic1024x768}

// isPictureField reports whether f names one of OK's picture fields.
func isPictureField(f string) bool { return slices.Contains(pictureSizes, PictureSize(f)) }

// emptyPicturesParam asks OK for an empty picture field, not its stub
// image, for a user without a photo, as users.getInfo documents it.
const emptyPicturesParam = "emptyPictures"

// pictureURL is the picture OK answered, p, as User.Picture keeps it: an
// http(s) URL of at most maxPictureURL bytes, or "" for anything else and
// for OK's stub images of a user without a photo.
func pictureURL(p string) string {
	if len(p) > maxPictureURL || !(strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "http://")) || isStubPicture(p) {
		return ""
	}
	return p
}

// isStubPicture reports whether p is one of OK's stub images, the ones OK
// answers for a user without a photo: https://api.ok.ru/img/stub/user/…
// (such as …/male/128.png) or https://i.mycdn.me/res/stub_… (such as
// stub_128x96.gif) on any of OK's mycdn.me hosts.
func isStubPicture(p string) bool {
	u, err := url.Parse(p)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "api.ok.ru" || host == "ok.ru" || strings.HasSuffix(host, ".ok.ru"):
		return strings.HasPrefix(u.Path, "/img/stub/")
	case host == "mycdn.me" || strings.HasSuffix(host, ".mycdn.me"):
		return strings.HasPrefix(u.Path, "/res/stub_")
	}
	return false
}
