// Package webtest runs pages in a real headless Chromium for Go tests.
//
// One browser is started per call to [Start] (usually once per test or per
// package through TestMain); each [Browser.Tab] is a fresh tab in its own
// browser context, so cookies and storage never leak between tabs.
//
// When no Chromium is installed the tests skip with a notice, except under
// CI=true, where a missing browser is a failure: CI must run the browser
// tests, a laptop without Chromium should not block the rest of the suite.
package webtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultTimeout bounds every tab unless the caller gives its own deadline.
// The build machine has two cores shared with other builds, so page loads can
// take seconds; the limit exists to turn a hang into a failure.
const DefaultTimeout = 60 * time.Second

// Browser is one running headless Chromium.
type Browser struct {
	ctx    context.Context // browser context: tabs derive from it
	cancel context.CancelFunc
	dir    string // --user-data-dir, removed on Close
}

// ExecPath finds the Chromium binary: $CHROMIUM, then chromium and
// chromium-browser on PATH, then /usr/bin/chromium. It returns "" when none
// exists.
func ExecPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		return ""
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// Start launches Chromium for t and stops it when t ends. Without a browser it
// skips t (or fails it when CI=true).
func Start(t testing.TB) *Browser {
	t.Helper()
	b, err := Launch(context.Background())
	if errors.Is(err, ErrNoBrowser) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("webtest: %v (CI=true requires it; install the chromium package or set CHROMIUM)", err)
		}
		t.Skipf("webtest: %v; skipping browser test (install the chromium package or set CHROMIUM)", err)
	}
	if err != nil {
		t.Fatalf("webtest: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

// ErrNoBrowser reports that no Chromium binary was found.
var ErrNoBrowser = errors.New("no Chromium binary found")

// Launch starts a browser outside a test (TestMain, benchmarks, tools). The
// caller must call Close.
func Launch(parent context.Context) (*Browser, error) {
	path := ExecPath()
	if path == "" {
		return nil, ErrNoBrowser
	}
	dir, err := os.MkdirTemp("", "waypost-chromium-")
	if err != nil {
		return nil, fmt.Errorf("user data dir: %w", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
	}
	actx, acancel := chromedp.NewExecAllocator(parent, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	// An empty Do starts the browser now, so a broken install fails here
	// and not inside the first test step. It runs without a deadline: the
	// browser lives as long as the context of its first action.
	if err := chromedp.Do(bctx); err != nil {
		bcancel()
		acancel()
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	return &Browser{
		ctx: bctx,
		cancel: func() {
			bcancel()
			acancel()
		},
		dir: dir,
	}, nil
}

// Close stops the browser and removes its profile directory.
func (b *Browser) Close() {
	b.cancel()
	// Chromium's helpers can still write to the profile for a moment after
	// the browser exits, so removal is retried briefly.
	for range 50 {
		if err := os.RemoveAll(b.dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Tab opens a new tab in a fresh browser context (its own cookies and
// storage) that closes when t ends. The returned context is what chromedp.Do
// and chromedp.Run take; it has DefaultTimeout.
func (b *Browser) Tab(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := b.NewTab(DefaultTimeout)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("webtest: open tab: %v", err)
	}
	return ctx
}

// NewTab is Tab outside a test: the caller must call the cancel function.
func (b *Browser) NewTab(timeout time.Duration) (context.Context, context.CancelFunc) {
	tctx, tcancel := context.WithTimeout(b.ctx, timeout)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	return ctx, func() {
		cancel()
		tcancel()
	}
}

// ArtifactsDir is where screenshots go: $WAYPOST_ARTIFACTS when set (CI
// collects it), otherwise testdata/artifacts in the package under test. The
// local directory gets a .gitignore so artefacts are never committed.
func ArtifactsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("WAYPOST_ARTIFACTS")
	local := dir == ""
	if local {
		dir = filepath.Join("testdata", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("webtest: artifacts dir: %v", err)
	}
	if local {
		ign := filepath.Join(dir, ".gitignore")
		if _, err := os.Stat(ign); errors.Is(err, os.ErrNotExist) {
			if err := os.WriteFile(ign, []byte("*\n"), 0o644); err != nil {
				t.Fatalf("webtest: %v", err)
			}
		}
	}
	return dir
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Screenshot saves a full-page PNG of the tab as <artifacts>/<test>-<name>.png
// and returns its path. The image is also checked to be a PNG, so a blank or
// failed capture fails the test rather than leaving a broken artefact.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	img, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("webtest: screenshot %s: %v", name, err)
	}
	return SavePNG(t, name, img)
}

// SavePNG writes img (PNG bytes, e.g. from chromedp.Screenshot of one
// element) as an artefact named after the test and name.
func SavePNG(t testing.TB, name string, img []byte) string {
	t.Helper()
	if len(img) < 8 || string(img[1:4]) != "PNG" {
		t.Fatalf("webtest: screenshot %s is not a PNG (%d bytes)", name, len(img))
	}
	file := unsafeName.ReplaceAllString(t.Name()+"-"+name, "_") + ".png"
	path := filepath.Join(ArtifactsDir(t), file)
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatalf("webtest: save screenshot: %v", err)
	}
	t.Logf("screenshot: %s", path)
	return path
}
