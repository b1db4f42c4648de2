package okauth_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// pictureSignIn signs u in through ok with cfg's Picture and returns the
// User okauth made and how many calls reached OK's REST API.
func pictureSignIn(t *testing.T, ok *oktest.Server, picture okauth.PictureSize, u oktest.User) (okauth.User, int) {
	t.Helper()
	var got okauth.User
	auth, err := okauth.New(okauth.Config{
		AppID: ok.AppID, AppKey: ok.AppKey, RedirectURL: "https://app.example/auth/ok/callback",
		SessionKeys: testKeys, Endpoint: ok.Endpoint(), Picture: picture, Logger: slog.New(slog.DiscardHandler),
		OnSignIn: func(_ *http.Request, u *okauth.User) error { got = *u; return nil },
	})
	require.NoError(t, err)
	req, err := ok.CallbackRequest(auth, "/auth/ok/login", u)
	require.NoError(t, err)
	before := ok.APICalls()
	rec := httptest.NewRecorder()
	auth.ServeHTTP(rec, req)
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	return got, ok.APICalls() - before
}

// Config.Picture picks which of OK's picture fields User.Picture holds;
// sign-in still makes one call, which asks for that field and for empty
// pictures.
func TestPictureSize(t *testing.T) {
	answer := map[string]any{
		"uid": "574385021466", "name": "Иван Петров",
		"pic_1": "https://i.mycdn.me/i?r=1", "pic_2": "https://i.mycdn.me/i?r=2", "pic_3": "https://i.mycdn.me/i?r=3",
		"pic190x190": "https://i.mycdn.me/i?r=190", "pic640x480": "https://i.mycdn.me/i?r=640", "pic1024x768": "https://i.mycdn.me/i?r=1024",
	}
	for _, tc := range []struct {
		picture okauth.PictureSize
		want    string
	}{
		{"", "https://i.mycdn.me/i?r=3"},
		{okauth.Pic50x50, "https://i.mycdn.me/i?r=1"},
		{okauth.Pic128Max, "https://i.mycdn.me/i?r=2"},
		{okauth.Pic128x128, "https://i.mycdn.me/i?r=3"},
		{okauth.Pic190x190, "https://i.mycdn.me/i?r=190"},
		{okauth.Pic640x480, "https://i.mycdn.me/i?r=640"},
		{okauth.Pic1024x768, "https://i.mycdn.me/i?r=1024"},
	} {
		t.Run(string(tc.picture), func(t *testing.T) {
			ok := oktest.NewServer()
			defer ok.Close()
			var asked map[string]string
			ok.HandleMethod("users.getCurrentUser", func(_ *oktest.Token, p map[string]string) (any, error) {
				asked = p
				return answer, nil
			})
			u, calls := pictureSignIn(t, ok, tc.picture, oktest.DefaultUser)
			assert.Equal(t, tc.want, u.Picture)
			assert.Equal(t, 1, calls, "one call to OK")
			field := string(tc.picture)
			if field == "" {
				field = "pic_3"
			}
			assert.Contains(t, asked["fields"], field)
			assert.Equal(t, "true", asked["emptyPictures"])
			assert.Empty(t, u.Extra, "the picture field is not Extra")
		})
	}
}

// A user without a photo has an empty Picture: whether OK leaves the field
// empty (emptyPictures) or answers its stub image anyway. Other pictures,
// on OK's hosts or not, are kept.
func TestPictureEmptyWithoutPhoto(t *testing.T) {
	for _, tc := range []struct{ answered, want string }{
		{"https://api.ok.ru/img/stub/user/male/128.png", ""},
		{"https://api.ok.ru/img/stub/user/female/190.png", ""},
		{"https://i.mycdn.me/res/stub_128x96.gif", ""},
		{"http://i500.mycdn.me/res/stub_50x50.gif", ""},
		{"https://itest.mycdn.me/res/stub_128x128.gif", ""},
		{"", ""},
		{"https://i.mycdn.me/i?r=AzEPZsRbOZEK&fn=sqr_128", "https://i.mycdn.me/i?r=AzEPZsRbOZEK&fn=sqr_128"},
		{"https://cdn.example/img/stub/user/male/128.png", "https://cdn.example/img/stub/user/male/128.png"},
		{"https://i.mycdn.me/image?id=915381793412&t=34", "https://i.mycdn.me/image?id=915381793412&t=34"},
		{"javascript:alert(1)", ""},
	} {
		t.Run(tc.answered, func(t *testing.T) {
			ok := oktest.NewServer()
			defer ok.Close()
			ok.HandleMethod("users.getCurrentUser", func(_ *oktest.Token, _ map[string]string) (any, error) {
				return map[string]any{"uid": "574385021466", "pic_3": tc.answered}, nil
			})
			u, _ := pictureSignIn(t, ok, "", oktest.DefaultUser)
			assert.Equal(t, tc.want, u.Picture)
		})
	}
	t.Run("the fake's user without a photo", func(t *testing.T) {
		ok := oktest.NewServer()
		defer ok.Close()
		noPhoto := oktest.User{UID: "575000111222", Name: "Анна Смирнова"}
		u, calls := pictureSignIn(t, ok, okauth.Pic190x190, noPhoto)
		assert.Empty(t, u.Picture)
		assert.Equal(t, 1, calls)
	})
}

// New refuses a picture field OK does not have.
func TestPictureSizeUnknown(t *testing.T) {
	for _, p := range []okauth.PictureSize{"pic_4", "PIC_3", "pic_9", "photo"} {
		_, err := okauth.New(okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: testKeys, Picture: p})
		assert.True(t, errors.Is(err, okauth.ErrConfig), "%s: %v", p, err)
		assert.ErrorContains(t, err, "Picture")
	}
}

// New refuses a Picture that the Fields set do not ask for, which would
// leave every User.Picture empty; Fields without any picture field and the
// default Picture still mean no picture.
func TestPictureNotInFields(t *testing.T) {
	cfg := okauth.Config{AppID: "1", AppKey: "K", RedirectURL: "https://app.example/auth/ok/callback", SessionKeys: testKeys,
		Fields: []string{"uid", "name", "pic_3"}, Picture: okauth.Pic190x190}
	_, err := okauth.New(cfg)
	assert.True(t, errors.Is(err, okauth.ErrConfig), "%v", err)
	assert.ErrorContains(t, err, "pic190x190")

	cfg.Fields = []string{"uid", "name", "pic190x190"}
	_, err = okauth.New(cfg)
	assert.NoError(t, err)

	cfg.Fields, cfg.Picture = []string{"uid", "name"}, ""
	_, err = okauth.New(cfg)
	assert.NoError(t, err, "no picture asked for, none wanted")
}
