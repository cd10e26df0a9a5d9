package alert_test

import (
	"testing"
	"time"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// The journeys below follow the sandbox's cross-border scripts
// (carrier/sandbox/journey.go): the same steps, as taxonomy substatuses.

func TestJourneyStall(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("china-post", time.Time{})
	e.scan(p, step{0, status.InfoReceivedInfoReceived}, step{10, status.InTransitAccepted}, step{30, status.InTransitDepartedOriginCountry})
	e.evaluate(sh, 30+3*24)
	e.wantOpen(sh, "3 days on a flight leg (default normal 5 days)")
	e.evaluate(sh, 30+5*24+1)
	e.wantOpen(sh, "5 days without a scan", alert.Stalled)
	e.evaluate(sh, 30+7*24+1)
	e.wantOpen(sh, "7 days without a scan", alert.Stalled, alert.InvestigationDue)
	// Raised once: evaluating again changes nothing.
	if ch := e.evaluate(sh, 30+7*24+2); len(ch.Raised)+len(ch.Cleared) != 0 {
		t.Errorf("re-evaluation changed %+v", ch)
	}
	e.scan(p, step{30 + 7*24 + 3, status.InTransitArrivedDestinationCountry})
	e.evaluate(sh, 30+7*24+4)
	e.wantOpen(sh, "after a new scan")
	e.wantCleared(sh, alert.Stalled, "new_scan")
	e.wantCleared(sh, alert.InvestigationDue, "new_scan")
	if a := e.all(sh)[alert.Stalled][0]; !a.RaisedAt.Equal(hours(30+5*24+1)) || !a.ClearedAt.Equal(hours(30+7*24+4)) {
		t.Errorf("stall history raised %v cleared %v", a.RaisedAt, a.ClearedAt)
	}
}

func TestJourneyCustomsDuties(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("dhl", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted}, step{20, status.InTransitDepartedOriginCountry},
		step{40, status.InTransitArrivedDestinationCountry}, step{41, status.InTransitCustomsProcessing},
		step{50, status.ExceptionDutiesDue})
	e.evaluate(sh, 41+2*24)
	e.wantOpen(sh, "two days in customs")
	e.evaluate(sh, 41+3*24+1)
	e.wantOpen(sh, "three days in customs, duties unpaid", alert.CustomsDelay)
	if a := e.open(sh)[alert.CustomsDelay]; a.Substatus != string(status.ExceptionDutiesDue) || a.Carrier != "dhl" {
		t.Errorf("customs alert = %+v", a)
	}
	e.scan(p, step{41 + 3*24 + 5, status.InTransitCustomsCleared})
	e.evaluate(sh, 41+3*24+6)
	e.wantOpen(sh, "released")
	e.wantCleared(sh, alert.CustomsDelay, "customs_released")
	e.scan(p, step{41 + 4*24, status.OutForDeliveryOutForDelivery}, step{41 + 4*24 + 5, status.DeliveredDelivered})
	e.evaluate(sh, 41+4*24+6)
	e.wantOpen(sh, "delivered")
}

func TestJourneyDocumentsRequired(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("ups", time.Time{})
	e.scan(p, step{0, status.InTransitArrivedDestinationCountry}, step{2, status.ExceptionDocumentsRequired})
	e.evaluate(sh, 3)
	e.wantOpen(sh, "documents asked", alert.DocumentsRequired)
	e.scan(p, step{30, status.InTransitCustomsCleared})
	e.evaluate(sh, 31)
	e.wantCleared(sh, alert.DocumentsRequired, "customs_released")
}

func TestJourneyFailedAttemptThenPickup(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("deutsche-post", time.Time{})
	e.scan(p, step{0, status.InTransitArrivedDestinationCountry}, step{20, status.OutForDeliveryOutForDelivery},
		step{26, status.AttemptFailRecipientUnavailable})
	e.evaluate(sh, 27)
	e.wantOpen(sh, "attempt failed", alert.FailedDelivery)
	if a := e.open(sh)[alert.FailedDelivery]; a.Detail != "recipient_unavailable" {
		t.Errorf("detail %q", a.Detail)
	}
	e.scan(p, step{40, status.AvailableForPickupAvailableForPickup})
	e.evaluate(sh, 41)
	e.wantOpen(sh, "at the pickup point")
	e.wantCleared(sh, alert.FailedDelivery, "available_for_pickup")
	e.evaluate(sh, 40+4*24)
	e.wantOpen(sh, "4 days at the pickup point")
	e.evaluate(sh, 40+5*24+1)
	e.wantOpen(sh, "5 days at the pickup point", alert.PickupUncollected)
	e.scan(p, step{40 + 5*24 + 2, status.DeliveredPickedUp})
	e.evaluate(sh, 40+5*24+3)
	e.wantOpen(sh, "collected")
	e.wantCleared(sh, alert.PickupUncollected, "delivered")
}

func TestJourneyLoss(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("royal-mail", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted}, step{100, status.ExceptionLost})
	e.evaluate(sh, 101)
	e.wantOpen(sh, "declared lost", alert.Lost)
	// A lost parcel is not also a stall: silence is expected.
	e.evaluate(sh, 100+10*24)
	e.wantOpen(sh, "ten days after loss", alert.Lost)
	// Found after all.
	e.scan(p, step{100 + 10*24 + 1, status.InTransitArrivedFacility})
	e.evaluate(sh, 100+10*24+2)
	e.wantCleared(sh, alert.Lost, "found")
}

func TestJourneyReturn(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("la-poste", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted}, step{50, status.AttemptFailAddressIssue})
	e.evaluate(sh, 51)
	e.wantOpen(sh, "address problem", alert.FailedDelivery)
	e.scan(p, step{60, status.ExceptionReturning})
	e.evaluate(sh, 61)
	e.wantOpen(sh, "returning", alert.Returning)
	e.wantCleared(sh, alert.FailedDelivery, "status_changed")
	e.scan(p, step{200, status.ExceptionReturned})
	e.evaluate(sh, 201)
	e.wantOpen(sh, "returned", alert.Returned)
	e.wantCleared(sh, alert.Returning, "returned")
	// Returned stays until someone deals with it.
	e.evaluate(sh, 201+30*24)
	e.wantOpen(sh, "a month later", alert.Returned)
}

func TestJourneyDamagedIsSticky(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("ups", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted}, step{20, status.ExceptionDamaged})
	e.evaluate(sh, 21)
	e.wantOpen(sh, "damaged", alert.Damaged)
	e.scan(p, step{30, status.DeliveredDelivered})
	e.evaluate(sh, 31)
	e.wantOpen(sh, "delivered damaged", alert.Damaged)
}

func TestJourneyLate(t *testing.T) {
	e := newEnv(t)
	promised := t0.Add(72 * time.Hour).Truncate(24 * time.Hour)
	sh, p := e.parcel("fedex", promised)
	e.scan(p, step{0, status.InTransitAccepted}, step{20, status.InTransitArrivedFacility})
	e.evaluate(sh, 47)
	e.wantOpen(sh, "before the promised day ends")
	late := promised.Add(25 * time.Hour).Sub(t0).Hours()
	e.evaluate(sh, late)
	e.wantOpen(sh, "after the promised day", alert.Late)
	e.scan(p, step{late + 1, status.DeliveredDelivered})
	e.evaluate(sh, late+2)
	e.wantOpen(sh, "delivered late", alert.Late)
	// A shipment delivered late, seen only after delivery (change feed).
	sh2, p2 := e.parcel("fedex", promised)
	e.scan(p2, step{0, status.InTransitAccepted}, step{late, status.DeliveredDelivered})
	e.evaluate(sh2, late+1)
	e.wantOpen(sh2, "seen delivered late", alert.Late)
}

func TestSettingsOverrideDefaults(t *testing.T) {
	e := newEnv(t)
	sh, p := e.parcel("dhl", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted}, step{10, status.InTransitDepartedOriginCountry})
	put := func(s store.AlertSetting) {
		t.Helper()
		s.TenantID = e.tenant.ID
		if err := e.st.PutAlertSetting(e.ctx, s); err != nil {
			t.Fatal(err)
		}
		e.eng.Forget(e.tenant.ID)
	}
	// The lane-wide setting loses to the carrier-specific one.
	put(store.AlertSetting{Kind: "stalled", Destination: "DE", Threshold: 4 * 24 * time.Hour})
	put(store.AlertSetting{Kind: "stalled", Carrier: "dhl", Destination: "DE", Threshold: 36 * time.Hour})
	e.evaluate(sh, 10+30)
	e.wantOpen(sh, "30 h, threshold 36 h")
	e.evaluate(sh, 10+37)
	e.wantOpen(sh, "37 h, threshold 36 h", alert.Stalled)

	sh2, p2 := e.parcel("dhl", time.Time{})
	e.scan(p2, step{0, status.InTransitAccepted}, step{1, status.ExceptionLost})
	put(store.AlertSetting{Kind: "lost", Carrier: "dhl", Disabled: true})
	e.evaluate(sh2, 2)
	e.wantOpen(sh2, "lost alerts disabled for dhl")
}

func TestLearnedNormals(t *testing.T) {
	e := newEnv(t)
	// 25 delivered shipments whose flight leg takes 8 days without a scan.
	for range 25 {
		_, p := e.parcel("china-post", time.Time{})
		e.scan(p, step{0, status.InTransitAccepted}, step{10, status.InTransitDepartedOriginCountry},
			step{10 + 8*24, status.InTransitArrivedDestinationCountry}, step{10 + 9*24, status.DeliveredDelivered})
	}
	js, err := e.st.LaneHistory(e.ctx, e.tenant.ID, t0.Add(-time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	n := alert.LearnNormals(js, 0.9)
	d, ok := n.Dwell("CN", "DE", "china-post", alert.StageLineHaul)
	if !ok || d != 8*24*time.Hour {
		t.Fatalf("learned line-haul dwell = %v, %v; want 192h", d, ok)
	}
	if _, ok := n.Dwell("CN", "DE", "china-post", alert.StageLastMile); ok {
		t.Error("a stage with no samples has a normal")
	}
	// An active shipment 6 days into the flight leg: the default (5 days)
	// would call it stalled; this seller's lane says that is normal.
	sh, p := e.parcel("china-post", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted}, step{10, status.InTransitDepartedOriginCountry})
	e.evaluate(sh, 10+6*24)
	e.wantOpen(sh, "6 days on a lane whose normal is 8")
	// The normal is capped by the 7-day investigation ceiling.
	e.evaluate(sh, 10+7*24+1)
	e.wantOpen(sh, "past the ceiling", alert.Stalled, alert.InvestigationDue)
}

func TestChangeFeedRaisesAlerts(t *testing.T) {
	e := newEnv(t)
	if ok, err := e.eng.Subscribe(e.ctx); err != nil || !ok {
		t.Fatalf("subscribe: %v %v", ok, err)
	}
	sh, p := e.parcel("usps", time.Time{})
	e.scan(p, step{0, status.InTransitAccepted}, step{5, status.AttemptFailBusinessClosed})
	e.at(hours(6))
	n, err := e.eng.ProcessTasks(e.ctx, 100)
	if err != nil || n == 0 {
		t.Fatalf("ProcessTasks = %d, %v", n, err)
	}
	e.wantOpen(sh, "after the change task", alert.FailedDelivery)
	if n, err := e.eng.ProcessTasks(e.ctx, 100); err != nil || n != 0 {
		t.Errorf("tasks left after completion: %d, %v", n, err)
	}
}

func TestScanIsSetBasedAndIdempotent(t *testing.T) {
	e := newEnv(t)
	eng := e.engine(alert.Options{ScanPage: 3, WriteBatch: 2})
	var stalled []int64
	for i := range 10 {
		sh, p := e.parcel("dhl", time.Time{})
		if i%2 == 0 {
			e.scan(p, step{0, status.InTransitAccepted})
			stalled = append(stalled, sh.ID)
		} else {
			e.scan(p, step{0, status.InTransitAccepted}, step{24 * 5, status.InTransitArrivedFacility})
		}
	}
	e.at(hours(24*5 + 1))
	st, err := eng.Scan(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Shipments != 10 || st.Raised != len(stalled) || st.Cleared != 0 {
		t.Fatalf("first scan = %+v, want 10 read, %d raised", st, len(stalled))
	}
	st, err = eng.Scan(e.ctx)
	if err != nil || st.Raised != 0 || st.Cleared != 0 {
		t.Fatalf("second scan = %+v, %v; want no changes", st, err)
	}
	page, _ := e.st.ListAlerts(e.ctx, e.tenant.ID, store.AlertQuery{Kind: "stalled", Limit: 100})
	got := map[int64]bool{}
	for _, a := range page.Alerts {
		got[a.ShipmentID] = true
	}
	for _, id := range stalled {
		if !got[id] {
			t.Errorf("shipment %d without a scan for 5 days has no stalled alert", id)
		}
	}
	if len(got) != len(stalled) {
		t.Errorf("%d stalled alerts, want %d", len(got), len(stalled))
	}
}
