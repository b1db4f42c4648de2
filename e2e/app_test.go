package e2e

import (
	"bufio"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okauth/okauth/internal/flowtest"
	"github.com/okauth/okauth/oktest"
)

const (
	// readyPrefix starts the line the example prints once it listens.
	readyPrefix = "okauth example: open "
	// sessionKey is the example's SESSION_KEY in every test.
	sessionKey = "e2e-session-key-0123456789abcdefghij"
	// fakeHost is the host name the browser uses for a fake OK that a test
	// controls. Chromium maps it to 127.0.0.1 (see newBrowser), so the
	// dialog is on another site than the example, as OK.ru is, and the
	// cookies must survive a real cross-site redirect.
	fakeHost = "ok.test"
)

// exampleApp is a running example server.
type exampleApp struct {
	// URL is where the example serves, such as http://127.0.0.1:41234.
	URL string
	out *flowtest.LogBuffer // its stdout and stderr
}

// callbackURL is the relay page's address. The browser sends every cookie
// of the example there, the state cookie included.
func (a *exampleApp) callbackURL() string { return a.URL + "/auth/ok/callback" }

// newFake starts a fake OK.ru in the test process, so the test can make it
// refuse or fail, and closes it when the test ends.
func newFake(t *testing.T) *oktest.Server {
	fake := oktest.NewServer()
	t.Cleanup(fake.Close)
	return fake
}

// startExample runs the example server until the test ends. With a fake,
// the example signs in against it, and the browser reaches its dialog as
// http://ok.test:PORT. With nil, the example starts its own fake, whose
// dialog asks Allow or Deny, as for someone who runs `go run ./example`.
// env adds NAME=value entries to the example's environment.
func startExample(t *testing.T, fake *oktest.Server, env ...string) *exampleApp {
	t.Helper()
	noteExampleSources()
	// A free port can be taken between the check and the example's
	// listen by another process on this machine; try a few.
	var errs []error
	for range 3 {
		app, err := tryStartExample(t, fake, env)
		if err == nil {
			return app
		}
		errs = append(errs, err)
	}
	t.Fatalf("the example did not start: %v", errors.Join(errs...))
	return nil
}

func tryStartExample(t *testing.T, fake *oktest.Server, extra []string) (*exampleApp, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	base := "http://127.0.0.1:" + port
	env := []string{
		"ADDR=127.0.0.1:" + port,
		"OK_REDIRECT_URL=" + base + "/auth/ok/callback",
		"SESSION_KEY=" + sessionKey,
	}
	if fake != nil {
		ep := fake.Endpoint()
		auth, err := url.Parse(ep.AuthURL)
		if err != nil {
			return nil, err
		}
		auth.Host = net.JoinHostPort(fakeHost, auth.Port())
		env = append(env, "OK_APP_ID="+fake.AppID, "OK_APP_KEY="+fake.AppKey,
			"OK_AUTH_URL="+auth.String(), "OK_API_URL="+ep.APIURL)
	}
	out := &flowtest.LogBuffer{}
	cmd := exec.Command(exampleBin)
	cmd.Env = append(append(inheritedEnv(), env...), extra...)
	cmd.Stderr = out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan string, 1)
	exited := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if u, ok := strings.CutPrefix(line, readyPrefix); ok {
				select {
				case ready <- u:
				default:
				}
			}
		}
		// Wait only once nothing reads stdout any more.
		exited <- cmd.Wait()
	}()
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	select {
	case u := <-ready:
		if u != base+"/" {
			stop()
			return nil, errors.New("the example says it serves " + u + ", not " + base + "/")
		}
	case err := <-exited:
		return nil, errors.New("the example exited: " + errString(err) + "\n" + out.String())
	case <-time.After(30 * time.Second):
		stop()
		return nil, errors.New("the example did not print its address within 30s\n" + out.String())
	}
	app := &exampleApp{URL: base, out: out}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("example output:\n%s", out.String())
		}
	})
	return app, nil
}

// freePort is a TCP port on 127.0.0.1 that nothing listened on just now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// inheritedEnv is this process's environment without the variables the
// example reads, so that only what a test sets reaches it.
func inheritedEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "OK_") || name == "ADDR" || name == "SESSION_KEY" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func errString(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
