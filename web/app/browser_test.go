package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/app"
	"github.com/waypost/waypost/web/webtest"
)

// TestBrowser drives the dashboard in headless Chromium the way a support
// agent does: sign in, filter, open a shipment, resolve a case, import a
// file; it saves a screenshot of each main view.
func TestBrowser(t *testing.T) {
	b := webtest.Start(t)
	e := newEnv(t, app.Config{})
	tn := e.tenant()
	e.user(tn.ID, "ada@example.com", store.RoleAdmin)
	ctx := context.Background()
	var held shipment.Shipment
	for i := range 24 {
		dest := []string{"DE", "FR", "GB"}[i%3]
		sh := e.shipment(tn.ID, fmt.Sprintf("ORD-%03d", i), fmt.Sprintf("buyer%d@example.com", i),
			fmt.Sprintf("LX%09dCN", 100000000+i), "china-post", dest)
		if i%5 == 0 {
			ps, _ := e.st.ListParcels(ctx, tn.ID, sh.ID)
			at := time.Now().Add(-time.Duration(i+2) * time.Hour)
			_, err := e.st.IngestEvents(ctx, tn.ID, []shipment.Event{
				{ParcelID: ps[0].ID, Time: at.Add(-48 * time.Hour), Text: "Accepted", Status: status.InTransit, Substatus: status.InTransitAccepted, Location: shipment.Location{City: "Shenzhen", Country: "CN"}},
				{ParcelID: ps[0].ID, Time: at, Text: "Held by customs", Status: status.Exception, Substatus: "exception.customs_held", Location: shipment.Location{City: "Paris", Country: "FR"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			held = sh
		}
	}
	// Delivered shipments for the analytics page (none to FR, so the
	// filter below still finds one), tracking-page views and an estimate
	// for the forecast, and an alert on one of the held shipments.
	seedJourneys(t, e, tn.ID, []journey{analyticsFixture[0], analyticsFixture[1], analyticsFixture[3]})
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for i := range 10 {
		if err := e.st.(store.TrackingPages).AddPageCounts(ctx, tn.ID, today.AddDate(0, 0, -i), store.PageCounts{Views: int64(50 + 7*i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := e.st.(store.Estimates).SaveEstimate(ctx, tn.ID, store.DeliveryEstimate{ShipmentID: held.ID,
		MostLikely: today.AddDate(0, 0, 2), Earliest: today.AddDate(0, 0, 1), Latest: today.AddDate(0, 0, 4),
		Earliest50: today.AddDate(0, 0, 2), Latest50: today.AddDate(0, 0, 3), Earliest95: today.AddDate(0, 0, 1), Latest95: today.AddDate(0, 0, 6),
		Confidence: 0.8, Stage: "customs", Basis: "lane", Samples: 40}); err != nil {
		t.Fatal(err)
	}
	first, err := e.st.FindShipmentByReference(ctx, tn.ID, "ORD-000")
	if err != nil {
		t.Fatal(err)
	}
	raised, err := e.st.(store.Alerts).ApplyAlerts(ctx, []store.AlertRaise{{TenantID: tn.ID, ShipmentID: first.ID,
		Kind: "customs_delay", Carrier: "china-post", Substatus: "exception.customs_held", Detail: "held by customs for 4 days", At: time.Now()}}, nil)
	if err != nil || len(raised.Raised) != 1 {
		t.Fatalf("raise alert: %+v %v", raised, err)
	}
	cases, ok := e.st.(store.Cases)
	if !ok {
		t.Fatal("the store keeps no cases")
	}
	kase := store.Case{ShipmentID: held.ID, Title: "Customs hold " + held.Reference}
	if err := cases.CreateCase(ctx, tn.ID, &kase, "test"); err != nil {
		t.Fatal(err)
	}

	tab := b.Tab(t)
	run := func(what string, acts ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tab, acts...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(tab, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	run("sign in",
		chromedp.Navigate(e.srv.URL+"/app"),
		chromedp.WaitVisible("#login-form"),
		chromedp.SendKeys("#shop", tn.Slug),
		chromedp.SendKeys("#email", "ada@example.com"),
		chromedp.SendKeys("#password", password),
		chromedp.Click("#sign-in"),
		chromedp.WaitVisible("#shipments"),
	)
	if got := text("#shipments"); !strings.Contains(got, "ORD-023") {
		t.Fatalf("the list after sign-in does not show the newest shipment: %.200s", got)
	}
	webtest.Screenshot(t, tab, "shipments")

	run("filter",
		chromedp.SetValue("#destination", "FR"),
		chromedp.SetValue("#status", "exception"),
		chromedp.Click("#apply"),
		// The old list stays visible until the filtered page replaces it;
		// only the new page has the filter in the field's attribute (the
		// old one has it in the field's value alone).
		chromedp.WaitVisible(`#destination[value="FR"]`),
		chromedp.WaitVisible(`#shipments tbody tr[data-id]`),
	)
	rows, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#shipments tbody tr[data-id] td:nth-child(3)')).map(td => td.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	// i%5==0 and i%3==1 (FR): i = 10 only.
	if len(rows) != 1 || !strings.HasSuffix(rows[0], "FR") {
		t.Fatalf("FR exceptions: lanes %q, want exactly one CN → FR", rows)
	}
	webtest.Screenshot(t, tab, "filtered")

	run("open shipment",
		chromedp.Click(`#shipments tbody tr[data-id] a`),
		chromedp.WaitVisible("#timeline"),
	)
	if got := text("#shipment-title"); !strings.Contains(got, "ORD-010") || !strings.Contains(got, "exception") {
		t.Errorf("shipment title %q, want ORD-010 in exception", got)
	}
	if got := text("#timeline"); !strings.Contains(got, "Held by customs") || !strings.Contains(got, "Accepted") {
		t.Errorf("timeline %q misses the events", got)
	}
	webtest.Screenshot(t, tab, "shipment")

	run("exceptions", chromedp.Navigate(e.srv.URL+"/app/exceptions"), chromedp.WaitVisible("#ex-exception"))
	if got := text("#ex-exception"); !strings.Contains(got, held.Reference) {
		t.Errorf("exceptions queue misses %s: %.200s", held.Reference, got)
	}
	if got := text("#open-alerts"); !strings.Contains(got, "Held at customs longer than usual") || !strings.Contains(got, "commercial invoice") {
		t.Errorf("the alert shows no playbook: %.300s", got)
	}
	webtest.Screenshot(t, tab, "exceptions")
	run("open case from alert",
		chromedp.Click(fmt.Sprintf(`[data-alert="%d"] form.open-case button`, raised.Raised[0].ID)),
		chromedp.WaitVisible("#case"),
	)
	if got := text("#case"); !strings.Contains(got, "Held at customs longer than usual") {
		t.Errorf("the shipment's case after opening it from the alert: %q", got)
	}
	if got := text("#shipment-title"); !strings.Contains(got, "ORD-000") {
		t.Errorf("opening the case led to %q, want ORD-000", got)
	}
	webtest.Screenshot(t, tab, "shipment-case")

	run("resolve case",
		chromedp.Navigate(e.srv.URL+"/app/cases"),
		chromedp.WaitVisible("#board"),
		chromedp.SetValue(fmt.Sprintf(`#col-open [data-case="%d"] select[name=resolution]`, kase.ID), "delivered"),
		chromedp.SendKeys(fmt.Sprintf(`#col-open [data-case="%d"] input[name=note]`, kase.ID), "duties paid"),
		chromedp.Click(fmt.Sprintf(`#col-open [data-case="%d"] form.resolve button`, kase.ID)),
		chromedp.WaitVisible(fmt.Sprintf(`#col-resolved [data-case="%d"]`, kase.ID)),
	)
	got, err := cases.GetCase(ctx, tn.ID, kase.ID)
	if err != nil || got.State != "resolved" || got.Resolution != "delivered" {
		t.Errorf("case after resolving in the browser: %+v, %v", got, err)
	}
	webtest.Screenshot(t, tab, "cases")

	csvPath := filepath.Join(t.TempDir(), "orders.csv")
	csv := "order,tracking_number,customer_name,email,destination_country\n" +
		"WEB-1,1Z5R89390357567127,Web Buyer,web@example.com,US\n" +
		"WEB-2,,Nobody,nobody@example.com,US\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	run("import",
		chromedp.Navigate(e.srv.URL+"/app/import"),
		chromedp.WaitVisible("#import-form"),
		chromedp.SetUploadFiles("#file", []string{csvPath}),
		chromedp.Click("#upload"),
		chromedp.WaitVisible("#import-result"),
	)
	if c, r := text("#r-created"), text("#r-rejected"); c != "1" || r != "1" {
		t.Errorf("import result: created %s, rejected %s; want 1 and 1", c, r)
	}
	if got := text("#import-errors"); !strings.Contains(got, "missing_tracking_number") || !strings.Contains(got, "3") {
		t.Errorf("import errors %q: want line 3 missing_tracking_number", got)
	}
	if _, err := e.st.FindShipmentByReference(ctx, tn.ID, "WEB-1"); err != nil {
		t.Errorf("imported shipment not stored: %v", err)
	}
	webtest.Screenshot(t, tab, "import")

	run("analytics", chromedp.Navigate(e.srv.URL+"/app/analytics"), chromedp.WaitVisible("#charts"))
	n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('#charts svg.chart').length`))
	if err != nil || n != 6 {
		t.Errorf("analytics shows %d charts (%v), want 6", n, err)
	}
	if got := text("#carriers"); !strings.Contains(got, "china-post") || !strings.Contains(got, "50.0 %") {
		t.Errorf("carrier comparison %q: want china-post on time 50.0 %%", got)
	}
	if got := text("#forecast-table"); !strings.Contains(got, held.DestinationCountry+"\t1") {
		t.Errorf("forecast %q misses the estimated shipment", got)
	}
	webtest.Screenshot(t, tab, "analytics")

	run("settings", chromedp.Navigate(e.srv.URL+"/app/settings/users"), chromedp.WaitVisible("#users"))
	webtest.Screenshot(t, tab, "settings-users")

	run("branding",
		chromedp.Navigate(e.srv.URL+"/app/settings/branding"),
		chromedp.WaitVisible("#branding-form"),
		chromedp.SetValue("#display_name", "Browser Shop"),
		chromedp.SetValue("#primary_color", "#123456"),
		chromedp.Click("#save-branding"),
		chromedp.WaitVisible("#settings-notice"),
	)
	if b, err := e.st.(store.TrackingPages).GetBranding(ctx, tn.ID); err != nil || b.DisplayName != "Browser Shop" || b.PrimaryColor != "#123456" {
		t.Errorf("branding after saving in the browser: %+v, %v", b, err)
	}
	webtest.Screenshot(t, tab, "settings-branding")

	run("api key",
		chromedp.Navigate(e.srv.URL+"/app/settings/keys"),
		chromedp.WaitVisible("#add-key"),
		chromedp.SendKeys("#key-name", "warehouse"),
		chromedp.Click("#create-key"),
		chromedp.WaitVisible("#secret"),
	)
	if got := text("#secret"); !strings.HasPrefix(got, "wp_live_") {
		t.Errorf("new key shown as %q", got)
	}
	webtest.Screenshot(t, tab, "settings-keys")

	run("template editor",
		chromedp.Navigate(e.srv.URL+"/app/settings/notifications/template?moment=delivered&part=body&lang=de"),
		chromedp.WaitVisible("#template-editor"),
		chromedp.SetValue("#template-text", "Hallo {{.Customer}}, Ihre Bestellung {{.Ref}} ist angekommen."),
		chromedp.Click("#preview-template"),
		chromedp.WaitVisible("#template-editor[data-unsaved] #template-preview"),
	)
	if got := text("#template-preview"); !strings.Contains(got, "Hallo Alex Doe, Ihre Bestellung #1001 ist angekommen.") {
		t.Errorf("template preview %q", got)
	}
	webtest.Screenshot(t, tab, "settings-template")
}
