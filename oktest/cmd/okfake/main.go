// Command okfake serves a fake OK.ru ([oktest.Server]) on an address of
// its own, for a phone app, a script or a test in another process: OK's
// OAuth dialog, token endpoint and REST endpoint, checked as OK checks
// them, plus routes that mint what OK's SDKs would hand an app.
//
//	go run github.com/okauth/okauth/oktest/cmd/okfake -addr 127.0.0.1:8099
//
// It prints the app's keys and endpoints as NAME=value lines, the Go
// [okauth.Endpoint] to paste, and last "okfake: listening on URL". Point
// the app's Config at them (Endpoint: oktest.EndpointAt(URL)). The fake's
// keys are fixed and public, as a test's are; set others with -app-id,
// -app-key and -app-secret (a secret given so is not printed).
//
// Its own routes, under /okfake/, take form or query parameters: uid,
// name, first_name, last_name and email describe the user (the default is
// [oktest.DefaultUser]), scope lists permissions separated by ";". They
// answer a script, curl or a phone; a browser's post from a page on
// another site is refused (403).
//
//   - POST /okfake/token answers the JSON OK's Android and iOS SDKs hold
//     after sign-in: access_token, session_secret_key, expires_in,
//     permissions_granted and logged_user_id. A phone app posts the first
//     two to its backend's token route, as after a real sign-in.
//   - POST /okfake/code (redirect_uri required, such as okauth://ok{app_id})
//     answers {"code": …}, as the Android SDK's server OAuth does.
//   - POST /okfake/launch (app: the App link's URL) answers, as text, the
//     URL OK opens in its iframe: the App link with a signed launch.
//   - POST /okfake/user makes the dialog sign in that user from now on.
//
// Stop it with Ctrl+C. Nothing it holds outlives it.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/okauth/okauth/oktest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "okfake:", err)
		os.Exit(1)
	}
}

// run serves the fake until SIGINT or SIGTERM.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("okfake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8099", "address to listen on (port 0 picks a free one)")
	appID := fs.String("app-id", "", "the app's ID (default: the fake's)")
	appKey := fs.String("app-key", "", "the app's application_key (default: the fake's)")
	appSecret := fs.String("app-secret", "", "the app's secret (default: the fake's)")
	consent := fs.Bool("consent", false, "show an Allow / Deny page in the dialog instead of approving at once")
	lifetime := fs.Duration("token-lifetime", 30*time.Minute, "expires_in of the tokens the fake issues")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		fmt.Fprintf(stderr, "okfake: warning: listening on %s, not loopback: anyone who reaches it can sign in as anyone\n", ln.Addr())
	}
	fake := oktest.NewUnstartedServer()
	fake.URL = "http://" + ln.Addr().String()
	fake.AppID = cmp.Or(*appID, fake.AppID)
	fake.AppKey = cmp.Or(*appKey, fake.AppKey)
	fake.AppSecret = cmp.Or(*appSecret, fake.AppSecret)
	fake.Consent = *consent
	fake.TokenLifetime = *lifetime

	srv := &http.Server{
		Handler:           newMux(fake),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(slog.NewTextHandler(stderr, nil).WithAttrs([]slog.Attr{slog.String("component", "okfake")}), slog.LevelWarn),
	}
	printEndpoints(stdout, fake, *appSecret != "")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// printEndpoints writes what an app needs to reach the fake: NAME=value
// lines a script can read, the Go Endpoint, and last the line that says
// the fake is serving. A secret given with -app-secret (secretGiven) is
// not printed: it may be the app's real one, and output is kept in logs.
func printEndpoints(w io.Writer, fake *oktest.Server, secretGiven bool) {
	e := fake.Endpoint()
	for _, kv := range [][2]string{
		{"OK_APP_ID", fake.AppID},
		{"OK_APP_KEY", fake.AppKey},
		{"OK_APP_SECRET", fake.AppSecret},
		{"OK_AUTH_URL", e.AuthURL},
		{"OK_API_URL", e.APIURL},
		{"OK_TOKEN_URL", e.TokenURL},
		{"OKFAKE_TOKEN", fake.URL + tokenRoute},
		{"OKFAKE_CODE", fake.URL + codeRoute},
		{"OKFAKE_LAUNCH", fake.URL + launchRoute},
		{"OKFAKE_USER", fake.URL + userRoute},
	} {
		if kv[0] == "OK_APP_SECRET" && secretGiven {
			fmt.Fprintln(w, "# OK_APP_SECRET: the one given with -app-secret, not printed")
			continue
		}
		fmt.Fprintf(w, "%s=%s\n", kv[0], kv[1])
	}
	fmt.Fprintf(w, "# Go: Endpoint: oktest.EndpointAt(%q), or\n", fake.URL)
	fmt.Fprintf(w, "# Go: Endpoint: okauth.Endpoint{AuthURL: %q, APIURL: %q, TokenURL: %q},\n", e.AuthURL, e.APIURL, e.TokenURL)
	fmt.Fprintf(w, "okfake: listening on %s\n", fake.URL)
}
