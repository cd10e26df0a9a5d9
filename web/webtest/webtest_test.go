package webtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestHarness drives a tiny page through the whole harness: start, tab,
// header injection, typing and clicking, reading text back and a screenshot.
func TestHarness(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>t</title>
<p id="lang">%s</p>
<input id="in" aria-label="in"><button id="go" onclick="document.getElementById('out').textContent=document.getElementById('in').value.toUpperCase()">go</button>
<p id="out"></p>`, r.Header.Get("Accept-Language"))
	}))
	defer srv.Close()

	b := Start(t)
	ctx := b.Tab(t)
	if err := chromedp.Do(ctx,
		AcceptLanguage("de-CH, de;q=0.9"),
		chromedp.Navigate(srv.URL),
		chromedp.SendKeys("#in", "parcel"),
		chromedp.Click("#go"),
	); err != nil {
		t.Fatal(err)
	}
	lang, err := chromedp.Run(ctx, chromedp.Text("#lang"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(lang, "de-CH") {
		t.Errorf("Accept-Language seen by server = %q, want de-CH first", lang)
	}
	out, err := chromedp.Run(ctx, chromedp.Text("#out"))
	if err != nil {
		t.Fatal(err)
	}
	if out != "PARCEL" {
		t.Errorf("script output = %q, want PARCEL", out)
	}

	t.Setenv("WAYPOST_ARTIFACTS", t.TempDir())
	path := Screenshot(t, ctx, "page")
	st, err := os.Stat(path)
	if err != nil || st.Size() < 100 {
		t.Fatalf("screenshot %s: %v (%v)", path, err, st)
	}

	// A second tab has its own browser context: no extra header there.
	ctx2 := b.Tab(t)
	if err := chromedp.Do(ctx2, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	lang2, err := chromedp.Run(ctx2, chromedp.Text("#lang"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(lang2, "de-CH") {
		t.Errorf("second tab inherited the first tab's header: %q", lang2)
	}
}
