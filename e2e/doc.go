// Package e2e tests okauth in a real browser: headless Chromium, driven
// with chromedp, signs in to the example server (../example) against the
// fake OK.ru of package oktest.
//
// It is its own module so that the browser driver never becomes a
// dependency of okauth. Run it with
//
//	cd e2e && go test ./...
//
// It needs Chromium (apt-get install -y chromium, or set CHROMIUM to the
// browser's path). Without it the tests skip, unless CI=true, where they
// fail. Screenshots go to out/; go test -docs also writes the six the
// README shows to ../docs.
package e2e
