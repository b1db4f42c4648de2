package oktest_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// A user without a photo gets OK's stub image in every picture field,
// unless the call asks emptyPictures=true; a user with one gets it in
// every picture field.
func TestPictureFields(t *testing.T) {
	srv := oktest.NewServer()
	defer srv.Close()
	client := &okauth.Client{AppKey: srv.AppKey, APIURL: srv.Endpoint().APIURL}
	fields := "uid,pic_1,pic_2,pic_3,pic190x190,pic640x480,pic1024x768"
	get := func(u oktest.User, empty bool) map[string]string {
		tok := srv.IssueToken(u)
		params := url.Values{"fields": {fields}}
		if empty {
			params.Set("emptyPictures", "true")
		}
		var out map[string]string
		require.NoError(t, client.Call(context.Background(), okauth.User{AccessToken: okauth.Secret(tok.AccessToken), SessionSecret: okauth.Secret(tok.SessionSecret)}, "users.getCurrentUser", params, &out))
		return out
	}
	noPhoto := oktest.User{UID: "575000111222", Name: "Анна Смирнова"}
	withPhoto := oktest.User{UID: "575000111333", Name: "Олег", Picture: "https://i.mycdn.me/i?r=x"}
	for _, f := range []string{"pic_1", "pic_2", "pic_3", "pic190x190", "pic640x480", "pic1024x768"} {
		assert.Equal(t, oktest.StubPicture, get(noPhoto, false)[f], f)
		assert.Empty(t, get(noPhoto, true)[f], f)
		assert.Equal(t, withPhoto.Picture, get(withPhoto, true)[f], f)
	}

	// users.getInfo, signed with the app secret alone, as OK documents
	// emptyPictures for it.
	app := &okauth.Client{AppKey: srv.AppKey, AppSecret: srv.AppSecret, APIURL: srv.Endpoint().APIURL}
	info := func(empty bool) string {
		params := url.Values{"uids": {noPhoto.UID}, "fields": {"uid,pic_3"}}
		if empty {
			params.Set("emptyPictures", "true")
		}
		var out []map[string]string
		require.NoError(t, app.CallApp(context.Background(), "users.getInfo", params, &out))
		require.Len(t, out, 1)
		return out[0]["pic_3"]
	}
	assert.Equal(t, oktest.StubPicture, info(false))
	assert.Empty(t, info(true))
}
