package e2e

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// testTimeout bounds each test's browser: its actions fail after it. A
// test takes a second or two; a wait that never ends, as when the relay
// page does not post, fails after this.
const testTimeout = 30 * time.Second

// Screenshots are this size, small enough to keep in docs/.
const viewWidth, viewHeight = 800, 600

// chromiumPath is the browser to drive: $CHROMIUM, or Debian's Chromium.
// Without it the test skips, or fails when CI=true.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := cmp.Or(os.Getenv("CHROMIUM"), "/usr/bin/chromium")
	if _, err := exec.LookPath(path); err != nil {
		msg := fmt.Sprintf("no Chromium at %s (%v): install it with `apt-get install -y chromium`, or set CHROMIUM to its path", path, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true, so the browser tests must run")
		}
		t.Skip(msg)
	}
	return path
}

// newBrowser starts a fresh headless Chromium, with its own profile, that
// lives until the test ends or testTimeout passes, and returns the context
// of its first tab and what the tab records. extra adds to its options.
func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) (context.Context, *tabRecorder) {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// Names under .test, such as ok.test for the fake OK.ru, are this
		// machine; every other name fails at once, so the browser never
		// waits on the outside world.
		chromedp.Flag("host-resolver-rules", "MAP *.test 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(viewWidth, viewHeight),
	)
	opts = append(opts, extra...)
	logs := &testLogf{t: t}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), testTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	rec := &tabRecorder{}
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithErrorf(logs.logf), chromedp.WithListener(rec.listen))
	t.Cleanup(func() {
		_ = chromedp.Cancel(tab)
		cancelTab()
		cancelAlloc()
		cancelTimeout()
		logs.stop()
	})
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	enableAudits(t, tab)
	return tab, rec
}

// newTab opens another tab in the browser of ctx, sharing its cookies,
// and returns its context and what it records.
func newTab(t *testing.T, ctx context.Context) (context.Context, *tabRecorder) {
	t.Helper()
	rec := &tabRecorder{}
	tab, cancel := chromedp.NewContext(ctx, chromedp.WithListener(rec.listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	enableAudits(t, tab)
	return tab, rec
}

// enableAudits turns on the Audits domain, where Chromium reports CSP
// issues.
func enableAudits(t *testing.T, tab context.Context) {
	t.Helper()
	_, err := chromedp.Call(tab, audits.Enable, cdp.Empty{})
	require.NoError(t, err, "enabling the Audits domain")
}

// testLogf passes chromedp's messages to t.Logf until the test's cleanup.
type testLogf struct {
	mu      sync.Mutex
	t       *testing.T
	stopped bool
}

func (l *testLogf) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("chromedp: "+format, args...)
	}
}

func (l *testLogf) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}

// tabRecorder records, in the order Chromium reports them, the addresses
// the tab's address bar showed and what its pages report as broken:
// console.error and console.assert calls, uncaught exceptions, browser log
// entries of level error (Chromium logs each script, style or form that a
// Content-Security-Policy refused there), and CSP issues.
type tabRecorder struct {
	mu        sync.Mutex
	addresses []string
	problems  []string
}

func (r *tabRecorder) listen(ev any) {
	var address, problem string
	switch ev := ev.(type) {
	case *page.EventFrameNavigated:
		if ev.Frame.ParentID == "" {
			address = ev.Frame.URL + ev.Frame.URLFragment
		}
	case *page.EventNavigatedWithinDocument:
		// Only the main frame has scripts that change the address.
		address = sameDocument + ev.URL
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, cmp.Or(string(a.Value), a.Description))
			}
			problem = fmt.Sprintf("console.%s(%s)", ev.Type, strings.Join(args, ", "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		problem = "uncaught exception: " + d.Text
		if d.Exception != nil {
			problem += " " + d.Exception.Description
		}
	case *cdplog.EventEntryAdded:
		// The browser asks every site for /favicon.ico on its own; the
		// example has none, and its 404 is no page's fault.
		if e := ev.Entry; e.Level == cdplog.EntryLevelError && !strings.HasSuffix(e.URL, "/favicon.ico") {
			problem = fmt.Sprintf("log error (%s) at %s: %s", e.Source, e.URL, e.Text)
		}
	case *audits.EventIssueAdded:
		if d := ev.Issue.Details.ContentSecurityPolicyIssueDetails; d != nil {
			problem = fmt.Sprintf("CSP issue: %s refused %s", d.ViolatedDirective, d.BlockedURL)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if address != "" {
		r.addresses = append(r.addresses, address)
	}
	if problem != "" {
		r.problems = append(r.problems, problem)
	}
}

// sameDocument starts a recorded address that a script set with the
// History API, without loading a page.
const sameDocument = "(same document) "

// Addresses returns the addresses the tab's address bar showed so far.
func (r *tabRecorder) Addresses() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.addresses)
}

// Problems returns the problems so far and forgets them.
func (r *tabRecorder) Problems() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.problems
	r.problems = nil
	return list
}

// run runs an action that returns a value and fails the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

// do runs actions in order and fails the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

// text is the visible text of the first element that matches css, once
// it is visible.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	wait, cancel := context.WithTimeout(ctx, testTimeout/2)
	defer cancel()
	if err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS(css))); err != nil {
		where, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("waiting for %s on %s: %v", css, redacted([]string{where})[0], err)
	}
	return strings.TrimSpace(run(t, ctx, chromedp.Text(chromedp.CSS(css))))
}

// cookies are the browser's cookies for rawURL, by name.
func cookies(t *testing.T, ctx context.Context, rawURL string) map[string]*network.Cookie {
	t.Helper()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{rawURL}})
	require.NoError(t, err)
	out := map[string]*network.Cookie{}
	for _, c := range res.Cookies {
		out[c.Name] = c
	}
	return out
}

// stateCookies are the names of the state cookies in jar: one, listing
// the sign-ins that started and did not finish, or none.
func stateCookies(jar map[string]*network.Cookie) []string {
	var names []string
	for name := range jar {
		if name == "okauth_state" {
			names = append(names, name)
		}
	}
	return names
}

// readmeShots are the screenshots the README shows, from ../docs.
var readmeShots = []string{"signed-out-ru", "signed-in-ru", "error-ru", "signed-out-en", "signed-in-en", "error-en"}

// screenshot saves the tab's viewport as out/NAME.png and, with -docs, a
// screenshot the README shows as ../docs/NAME.png too.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	do(t, ctx, chromedp.EmulateViewport(viewWidth, viewHeight))
	png := run(t, ctx, chromedp.CaptureScreenshot())
	dirs := []string{"out"}
	if *writeDocs && slices.Contains(readmeShots, name) {
		dirs = append(dirs, filepath.Join("..", "docs"))
	}
	for _, dir := range dirs {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
	}
}
