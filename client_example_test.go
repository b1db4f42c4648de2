package okauth_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/okauth/okauth"
	"github.com/okauth/okauth/oktest"
)

// Call a method that needs no user, signed with the app secret alone. OK
// accepts such calls only from the server IPs registered for the app.
func ExampleClient_CallApp() {
	fake := oktest.NewServer() // in production: okauth.DefaultEndpoint
	defer fake.Close()
	c := &okauth.Client{AppKey: fake.AppKey, AppSecret: fake.AppSecret, APIURL: fake.Endpoint().APIURL}
	var users []struct {
		UID  string `json:"uid"`
		Name string `json:"name"`
	}
	err := c.CallApp(context.Background(), "users.getInfo",
		url.Values{"uids": {oktest.DefaultUser.UID}, "fields": {"uid,name"}}, &users)
	if err != nil {
		panic(err)
	}
	fmt.Println(users[0].UID, users[0].Name)
	// Output: 574385021466 Иван Петров
}
