package okauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTokenEndpointAnswers: what each answer of a token endpoint becomes.
func TestTokenEndpointAnswers(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		life    time.Duration // of the token, when it works
		wantErr error
		oauth   string // the *OAuthError's code, when OK refused
	}{
		{name: "expires_in a number", status: 200, body: `{"access_token":"a","refresh_token":"r","expires_in":7200}`, life: 2 * time.Hour},
		{name: "expires_in a string", status: 200, body: `{"access_token":"a","expires_in":"3600"}`, life: time.Hour},
		{name: "expires_in absent", status: 200, body: `{"access_token":"a"}`, life: 30 * time.Minute},
		{name: "expires_in beyond 30 days", status: 200, body: `{"access_token":"a","expires_in":99999999}`, life: 30 * 24 * time.Hour},
		{name: "error as JSON, HTTP 400", status: 400, body: `{"error":"invalid_grant","error_description":"code expired"}`, oauth: "invalid_grant"},
		{name: "error as JSON, HTTP 200", status: 200, body: `{"error":"invalid_client"}`, oauth: "invalid_client"},
		{name: "no access_token", status: 200, body: `{"token_type":"session"}`, wantErr: ErrBadResponse},
		{name: "HTML, HTTP 502", status: 502, body: `<html>Bad gateway</html>`, wantErr: ErrUnreachable},
		{name: "HTML, HTTP 200", status: 200, body: `<html>maintenance</html>`, wantErr: ErrBadResponse},
		{name: "JSON without error, HTTP 500", status: 500, body: `{}`, wantErr: ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var form string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				form = string(b)
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			te := &tokenEndpoint{url: srv.URL, clientID: "app", secret: "s3cret", redirect: "https://app.example/cb", hc: srv.Client()}
			ans, err := te.exchange(context.Background(), "the-code", "", now)
			assert.Equal(t, "client_id=app&client_secret=s3cret&code=the-code&grant_type=authorization_code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb", form)
			var oe *OAuthError
			switch {
			case tc.oauth != "":
				require.True(t, errors.As(err, &oe), "%v", err)
				assert.Equal(t, tc.oauth, oe.Code)
			case tc.wantErr != nil:
				assert.ErrorIs(t, err, tc.wantErr)
				assert.NotContains(t, fmt.Sprint(err), "s3cret")
			default:
				require.NoError(t, err)
				assert.Equal(t, Secret("a"), ans.AccessToken)
				assert.Equal(t, now.Add(tc.life), ans.Expires)
			}
		})
	}
}

// TestRefreshRefusalIsExpiry: OK refusing a refresh token means the token
// is gone (ErrTokenExpired), not that a sign-in went wrong.
func TestRefreshRefusalIsExpiry(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant","error_description":"refresh token expired"}`)
	}))
	defer srv.Close()
	te := &tokenEndpoint{url: srv.URL, clientID: "app", secret: "s", hc: srv.Client()}
	_, err := te.refresh(context.Background(), "r", time.Now())
	assert.ErrorIs(t, err, ErrTokenExpired)
	assert.False(t, errors.As(err, new(*OAuthError)), "not an OAuthError, so StatusOf says 401")
	assert.Equal(t, http.StatusUnauthorized, StatusOf(err))
}
