package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/store"
)

func TestExceptionsQueueAndOpenCase(t *testing.T) {
	e, tid, other, c := signedIn(t)
	ships := seedJourneys(t, e, tid, analyticsFixture[2:3]) // C: customs hold in FR, buyer speaks German
	sh := ships["C"]
	theirs := seedJourneys(t, e, other, analyticsFixture[2:3])["C"]
	al := e.st.(store.Alerts)
	now := time.Now().UTC()
	ch, err := al.ApplyAlerts(t.Context(), []store.AlertRaise{
		{TenantID: tid, ShipmentID: sh.ID, Kind: string(alert.CustomsDelay), Carrier: "ups", Detail: "in customs for 4 days", At: now},
		{TenantID: other, ShipmentID: theirs.ID, Kind: string(alert.CustomsDelay), Carrier: "ups", Detail: "secret detail", At: now},
	}, nil)
	if err != nil || len(ch.Raised) != 2 {
		t.Fatalf("raise: %+v %v", ch, err)
	}
	mine, theirAlert := ch.Raised[0], ch.Raised[1]
	if mine.TenantID != tid {
		mine, theirAlert = theirAlert, mine
	}
	res, body := c.get("/app/exceptions")
	wantStatus(t, "exceptions", res, http.StatusOK)
	pb := alert.PlaybookFor(alert.CustomsDelay)
	de := alert.BuyerMessageFor(alert.CustomsDelay, "de", alert.BuyerVars{Name: "Buyer C", Reference: "C"})
	for _, want := range []string{htmlEsc(pb.Title), htmlEsc(pb.Actions[0]), htmlEsc(de.Subject), "Buyer C", fmt.Sprintf(`action="/app/alerts/%d/case"`, mine.ID)} {
		if !strings.Contains(body, want) {
			t.Errorf("the queue misses %q", want)
		}
	}
	if strings.Contains(body, "secret detail") {
		t.Error("the queue shows another tenant's alert")
	}

	res, _ = c.form(fmt.Sprintf("/app/alerts/%d/case", theirAlert.ID))
	wantStatus(t, "open a case on another tenant's alert", res, http.StatusNotFound)
	res, _ = c.post(fmt.Sprintf("/app/alerts/%d/case", mine.ID), nil)
	wantStatus(t, "open case without csrf", res, http.StatusForbidden)
	res, _ = c.form(fmt.Sprintf("/app/alerts/%d/case", mine.ID))
	wantStatus(t, "open case", res, http.StatusSeeOther)
	cases, _ := e.st.(store.Cases).ListCases(t.Context(), tid, store.CaseQuery{ShipmentID: sh.ID})
	if len(cases) != 1 || cases[0].AlertID != mine.ID || cases[0].State != "open" || cases[0].Owner != "ada@example.com" {
		t.Fatalf("cases %+v", cases)
	}
	// Twice is one case.
	res, _ = c.form(fmt.Sprintf("/app/alerts/%d/case", mine.ID))
	wantStatus(t, "open case again", res, http.StatusSeeOther)
	if again, _ := e.st.(store.Cases).ListCases(t.Context(), tid, store.CaseQuery{ShipmentID: sh.ID}); len(again) != 1 {
		t.Errorf("%d cases after opening twice", len(again))
	}
	if _, body := c.get("/app/exceptions"); !strings.Contains(body, fmt.Sprintf("Case #%d is open", cases[0].ID)) {
		t.Error("the queue does not link the open case")
	}

	// The shipment page: alert, estimate with revisions, messages sent.
	today := now.Truncate(24 * time.Hour)
	for i, d := range []int{4, 6} {
		est := store.DeliveryEstimate{ShipmentID: sh.ID, MostLikely: today.AddDate(0, 0, d), Earliest: today.AddDate(0, 0, d-1), Latest: today.AddDate(0, 0, d+2),
			Earliest50: today.AddDate(0, 0, d), Latest50: today.AddDate(0, 0, d+1), Earliest95: today.AddDate(0, 0, d-1), Latest95: today.AddDate(0, 0, d+3),
			Confidence: 0.8, Stage: "customs", Basis: "lane", Samples: 25, Reason: fmt.Sprintf("revision %d", i+1), ComputedAt: now.Add(time.Duration(i) * time.Minute)}
		if _, _, err := e.st.(store.Estimates).SaveEstimate(t.Context(), tid, est); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.st.(store.Outbox).EnqueueMessages(t.Context(), "", 0, []store.OutboxMessage{{MessageID: "m-1", TenantID: tid, ShipmentID: sh.ID,
		Channel: "email", Moment: "customs_held", Target: "c@example.com", Body: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	res, body = c.get(fmt.Sprintf("/app/shipments/%d", sh.ID))
	wantStatus(t, "shipment", res, http.StatusOK)
	for _, want := range []string{today.AddDate(0, 0, 6).Format("2006-01-02"), "revision 1", "revision 2", "customs_held → c@example.com", htmlEsc(pb.Title)} {
		if !strings.Contains(body, want) {
			t.Errorf("the shipment page misses %q", want)
		}
	}
}

func htmlEsc(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

func TestCaseMoves(t *testing.T) {
	e, tid, other, c := signedIn(t)
	sh := seedJourneys(t, e, tid, analyticsFixture[2:3])["C"]
	theirSh := seedJourneys(t, e, other, analyticsFixture[2:3])["C"]
	cs := e.st.(store.Cases)
	mine := store.Case{ShipmentID: sh.ID, Title: "mine"}
	theirs := store.Case{ShipmentID: theirSh.ID, Title: "theirs"}
	if err := cs.CreateCase(t.Context(), tid, &mine, "test"); err != nil {
		t.Fatal(err)
	}
	if err := cs.CreateCase(t.Context(), other, &theirs, "test"); err != nil {
		t.Fatal(err)
	}
	move := func(id int64, kv ...string) *http.Response {
		res, _ := c.form(fmt.Sprintf("/app/cases/%d/move", id), kv...)
		return res
	}
	wantStatus(t, "another tenant's case", move(theirs.ID, "from", "open", "to", "waiting_on_buyer"), http.StatusNotFound)
	wantStatus(t, "wait on the buyer", move(mine.ID, "from", "open", "to", "waiting_on_buyer"), http.StatusSeeOther)
	if _, board := c.get("/app/cases"); !strings.Contains(board, "waiting on the buyer") {
		t.Error("the Waiting column does not show the case waiting on the buyer")
	}
	wantStatus(t, "stale state", move(mine.ID, "from", "open", "to", "waiting_on_carrier"), http.StatusConflict)
	res := move(mine.ID, "from", "waiting_on_buyer", "to", "resolved", "resolution", "duties paid")
	wantStatus(t, "free-text resolution", res, http.StatusBadRequest)
	if res.Header.Get("X-Waypost-Error") != "invalid_resolution" {
		t.Errorf("code %q", res.Header.Get("X-Waypost-Error"))
	}
	wantStatus(t, "resolve", move(mine.ID, "from", "waiting_on_buyer", "to", "resolved", "resolution", "refunded", "note", "paid back"), http.StatusSeeOther)
	got, _ := cs.GetCase(t.Context(), tid, mine.ID)
	if got.State != "resolved" || got.Resolution != "refunded" {
		t.Errorf("case %+v", got)
	}
	if th, _ := cs.GetCase(t.Context(), other, theirs.ID); th.State != "open" {
		t.Errorf("another tenant's case moved: %+v", th)
	}
}
