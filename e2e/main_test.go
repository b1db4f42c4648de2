package e2e

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var writeDocs = flag.Bool("docs", false, "also write the README screenshots to ../docs")

// exampleBin is the example server, built once for all tests.
var exampleBin string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "okauth-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	exampleBin = filepath.Join(dir, "example")
	if err := buildExample(exampleBin); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

// buildExample builds ../example into bin, with the race detector when the
// tests have it.
func buildExample(bin string) error {
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./example")...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the example: %w\n%s", err, out)
	}
	return nil
}

// noteExampleSources looks at the example's sources from inside a test.
// The build runs in a child process, whose reads go test cannot see; only
// files a test itself opens or stats decide whether a cached result of
// this package is still good, so without this an edited example would
// not run the tests again.
var noteExampleSources = sync.OnceFunc(func() {
	for _, pattern := range []string{"example/*.go", "internal/exampleapp/*.go", "*.go", "*.js", "templates/*.html", "oktest/*.go"} {
		sources, _ := filepath.Glob(filepath.Join("..", pattern))
		for _, src := range sources {
			_, _ = os.Stat(src)
		}
	}
})
