package track

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/web/webtest"
)

// TestBrowser drives the page in headless Chromium the way a buyer does:
// look a parcel up, read customs and the hand-off, switch language,
// subscribe, and look at a parcel held for duties on a phone-sized screen.
// Screenshots go to the artefacts directory.
func TestBrowser(t *testing.T) {
	f := newFixture(t, nil)
	b := webtest.Start(t)
	ctx := b.Tab(t)
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	// Look up by number.
	if err := chromedp.Do(ctx,
		webtest.AcceptLanguage("en-US,en;q=0.9"),
		chromedp.Navigate(f.srv.URL+"/track/nordic-knits"),
		chromedp.WaitVisible("#n"),
		chromedp.SendKeys("#n", numLeg2),
		chromedp.Click("#by-number button"),
		chromedp.WaitVisible("#status"),
	); err != nil {
		t.Fatal(err)
	}
	if got, want := text("#status"), status.Describe(status.DeliveredSigned, "en"); got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	if got := text("#customs"); !strings.Contains(got, "Cleared customs") {
		t.Errorf("customs = %q", got)
	}
	if got := text(".handoff"); !strings.Contains(got, "Handed over from China Post to DHL") {
		t.Errorf("hand-off = %q", got)
	}
	if got := text("#delivery"); strings.Contains(got, custName) || strings.Contains(got, custLine) {
		t.Errorf("unverified page shows the address: %q", got)
	}
	// The carrier's original text is there, folded away.
	open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#events details").open`))
	if err != nil || open {
		t.Errorf("original text unfolded (%v, %v)", open, err)
	}
	webtest.Screenshot(t, ctx, "lookup-en")

	// Switch language with the switcher.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var s=document.querySelector("#lang"); s.value="ja"; s.dispatchEvent(new Event("change")); return true})()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`html[lang="ja"] #status`)); err != nil {
		t.Fatal(err)
	}
	if got, want := text("#status"), status.Describe(status.DeliveredSigned, "ja"); got != want {
		t.Errorf("status in Japanese = %q, want %q", got, want)
	}
	if got := text(".handoff"); !strings.Contains(got, "China Post から DHL") {
		t.Errorf("hand-off in Japanese = %q", got)
	}
	webtest.Screenshot(t, ctx, "lookup-ja")

	// Subscribe to updates.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#sub-email", "buyer@example.org"),
		chromedp.Click("#subscribe button"),
		chromedp.WaitVisible("#notice"),
	); err != nil {
		t.Fatal(err)
	}
	if got := f.subs.emails(); len(got) != 1 || got[0] != "buyer@example.org ja" {
		t.Errorf("subscriptions = %v", got)
	}
	if got := text("#notice"); !strings.Contains(got, "メール") {
		t.Errorf("notice = %q", got)
	}
	webtest.Screenshot(t, ctx, "subscribed")

	// A parcel held for duties, on a phone.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(f.srv.URL+"/track/nordic-knits?lang=en&n="+numHeld),
		chromedp.WaitVisible("#customs"),
	); err != nil {
		t.Fatal(err)
	}
	if got := text("#customs"); !strings.Contains(got, "Import duties or taxes are due") || !strings.Contains(got, "La Poste") {
		t.Errorf("customs (duties) = %q", got)
	}
	// Nothing overflows sideways on a phone.
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil || wide {
		t.Errorf("page wider than a phone screen (%v)", err)
	}
	webtest.Screenshot(t, ctx, "duties-phone")
}
