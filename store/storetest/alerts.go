package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// RunAlerts runs the contract suite of store.Alerts and store.Cases.
func RunAlerts(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture, store.Alerts, store.Cases)
	}{
		{"RaiseClearIdempotent", testAlertRaiseClear},
		{"ListAlerts", testListAlerts},
		{"ScanSubjects", testScanSubjects},
		{"Notices", testAlertNotices},
		{"LaneHistory", testLaneHistory},
		{"Settings", testAlertSettings},
		{"CaseFlow", testCaseFlow},
		{"FollowUps", testFollowUps},
		{"AlertTenantIsolation", testAlertIsolation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			a, ok := s.(store.Alerts)
			c, ok2 := s.(store.Cases)
			if !ok || !ok2 {
				t.Fatalf("%T does not implement store.Alerts and store.Cases", s)
			}
			tc.fn(t, newFixture(t, s), a, c)
		})
	}
}

func raise(tenantID, shipmentID int64, kind string, at time.Time) store.AlertRaise {
	return store.AlertRaise{TenantID: tenantID, ShipmentID: shipmentID, Kind: kind, Carrier: "dhl", Detail: "d", At: at}
}

func testAlertRaiseClear(t *testing.T, f *fixture, a store.Alerts, c store.Cases) {
	tn, sh, _ := f.setup()
	ch, err := a.ApplyAlerts(f.ctx, []store.AlertRaise{raise(tn.ID, sh.ID, "stalled", base), raise(tn.ID, sh.ID, "late", base)}, nil)
	if err != nil || len(ch.Raised) != 2 {
		t.Fatalf("raise: %v, %d raised", err, len(ch.Raised))
	}
	// The same kind again while open is no change.
	ch2, err := a.ApplyAlerts(f.ctx, []store.AlertRaise{raise(tn.ID, sh.ID, "stalled", base.Add(time.Hour))}, nil)
	if err != nil || len(ch2.Raised) != 0 {
		t.Fatalf("second raise: %v, %d raised, want 0", err, len(ch2.Raised))
	}
	id := ch.Raised[0].ID
	cl := store.AlertClear{TenantID: tn.ID, AlertID: id, Reason: "new_scan", At: base.Add(2 * time.Hour)}
	ch3, err := a.ApplyAlerts(f.ctx, nil, []store.AlertClear{cl, cl})
	if err != nil || len(ch3.Cleared) != 1 {
		t.Fatalf("clear: %v, %d cleared, want 1", err, len(ch3.Cleared))
	}
	got, err := a.GetAlert(f.ctx, tn.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Open() || got.ClearedReason != "new_scan" || !got.ClearedAt.Equal(base.Add(2*time.Hour)) || !got.RaisedAt.Equal(base) {
		t.Errorf("cleared alert = %+v", got)
	}
	// Once cleared, the kind can be raised again: a new row, history kept.
	ch4, err := a.ApplyAlerts(f.ctx, []store.AlertRaise{raise(tn.ID, sh.ID, "stalled", base.Add(3*time.Hour))}, nil)
	if err != nil || len(ch4.Raised) != 1 || ch4.Raised[0].ID == id {
		t.Fatalf("raise after clear: %v, %+v", err, ch4.Raised)
	}
	page, err := a.ListAlerts(f.ctx, tn.ID, store.AlertQuery{All: true, ShipmentID: sh.ID})
	if err != nil || len(page.Alerts) != 3 {
		t.Fatalf("all alerts: %v, %d, want 3", err, len(page.Alerts))
	}
	h, err := c.History(f.ctx, tn.ID, id, 0)
	if err != nil || len(h) != 2 || h[0].Action != "alert.raised" || h[1].Action != "alert.cleared" || h[1].Detail != "new_scan" {
		t.Fatalf("history = %+v, %v", h, err)
	}
	// A raise for a shipment of no such tenant is dropped.
	ch5, err := a.ApplyAlerts(f.ctx, []store.AlertRaise{raise(tn.ID+1000, sh.ID, "lost", base)}, nil)
	if err != nil || len(ch5.Raised) != 0 {
		t.Fatalf("foreign raise: %v, %+v", err, ch5.Raised)
	}
}

func testListAlerts(t *testing.T, f *fixture, a store.Alerts, _ store.Cases) {
	tn := f.tenant()
	var raises []store.AlertRaise
	for i := range 7 {
		sh := f.shipment(tn.ID, fmt.Sprintf("L-%d", i))
		r := raise(tn.ID, sh.ID, "stalled", base.Add(time.Duration(i)*time.Hour))
		if i%2 == 1 {
			r.Kind, r.Carrier = "customs_delay", "ups"
		}
		raises = append(raises, r)
	}
	if _, err := a.ApplyAlerts(f.ctx, raises, nil); err != nil {
		t.Fatal(err)
	}
	var got []store.Alert
	q := store.AlertQuery{Limit: 3}
	for {
		p, err := a.ListAlerts(f.ctx, tn.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Alerts...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if len(got) != 7 {
		t.Fatalf("paged %d alerts, want 7", len(got))
	}
	for i := 1; i < len(got); i++ {
		if !got[i].RaisedAt.Before(got[i-1].RaisedAt) {
			t.Errorf("not newest first at %d", i)
		}
	}
	p, err := a.ListAlerts(f.ctx, tn.ID, store.AlertQuery{Kind: "customs_delay"})
	if err != nil || len(p.Alerts) != 3 {
		t.Errorf("by kind: %d, %v; want 3", len(p.Alerts), err)
	}
	p, err = a.ListAlerts(f.ctx, tn.ID, store.AlertQuery{Carrier: "dhl"})
	if err != nil || len(p.Alerts) != 4 {
		t.Errorf("by carrier: %d, %v; want 4", len(p.Alerts), err)
	}
	if _, err := a.ListAlerts(f.ctx, tn.ID, store.AlertQuery{Cursor: "!!"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("bad cursor: %v", err)
	}
}

func testScanSubjects(t *testing.T, f *fixture, a store.Alerts, _ store.Cases) {
	tn, sh, p := f.setup()
	p2 := f.parcel(tn.ID, sh.ID, "deutsche-post", "RR123456785CN")
	_ = p2
	f.ingest(tn.ID, []shipment.Event{ev(p.ID, 1, status.InTransitAccepted, "accepted")})
	done := f.shipment(tn.ID, "done")
	dp := f.parcel(tn.ID, done.ID, "ups", "1Z5R89390357567127")
	f.ingest(tn.ID, []shipment.Event{ev(dp.ID, 1, status.DeliveredDelivered, "delivered")})
	other := f.tenant()
	osh := f.shipment(other.ID, "o")

	var subs []store.AlertSubject
	var after int64
	for {
		page, err := a.ScanAlertSubjects(f.ctx, after, 1)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, page...)
		if len(page) < 1 {
			break
		}
		after = page[len(page)-1].ShipmentID
	}
	ids := map[int64]store.AlertSubject{}
	for _, s := range subs {
		ids[s.ShipmentID] = s
	}
	if _, ok := ids[done.ID]; ok {
		t.Error("delivered shipment without alert scanned")
	}
	s, ok := ids[sh.ID]
	if !ok || s.TenantID != tn.ID || s.Carrier != "deutsche-post" || s.Substatus != status.InTransitAccepted || s.OriginCountry != "CN" {
		t.Errorf("subject = %+v (ok %v)", s, ok)
	}
	if o, ok := ids[osh.ID]; !ok || o.TenantID != other.ID {
		t.Errorf("other tenant's subject missing or wrong: %+v", o)
	}
	// An open alert brings a delivered shipment back into the scan.
	if _, err := a.ApplyAlerts(f.ctx, []store.AlertRaise{raise(tn.ID, done.ID, "late", base)}, nil); err != nil {
		t.Fatal(err)
	}
	page, err := a.ScanAlertSubjects(f.ctx, done.ID-1, 1)
	if err != nil || len(page) != 1 || page[0].ShipmentID != done.ID || len(page[0].Open) != 1 || page[0].Open[0].Kind != "late" {
		t.Fatalf("delivered with open alert: %+v, %v", page, err)
	}
	one, err := a.GetAlertSubject(f.ctx, tn.ID, done.ID)
	if err != nil || one.Carrier != "ups" || one.Status != status.Delivered || len(one.Open) != 1 {
		t.Errorf("GetAlertSubject = %+v, %v", one, err)
	}
	if _, err := a.GetAlertSubject(f.ctx, other.ID, done.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant's subject: %v, want not found", err)
	}
}

func testAlertNotices(t *testing.T, f *fixture, a store.Alerts, _ store.Cases) {
	tn, sh, _ := f.setup()
	ch, err := a.ApplyAlerts(f.ctx, []store.AlertRaise{raise(tn.ID, sh.ID, "lost", base)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := ch.Raised[0].ID
	pending := func() []store.Alert {
		t.Helper()
		list, err := a.PendingAlertNotices(f.ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	if l := pending(); len(l) != 1 || l[0].ID != id || l[0].NoticesSent != 0 {
		t.Fatalf("pending after raise = %+v", l)
	}
	if err := a.MarkAlertNotices(f.ctx, tn.ID, id, 1); err != nil {
		t.Fatal(err)
	}
	if l := pending(); len(l) != 0 {
		t.Fatalf("pending after raised notice = %+v", l)
	}
	if _, err := a.ApplyAlerts(f.ctx, nil, []store.AlertClear{{TenantID: tn.ID, AlertID: id, Reason: "found"}}); err != nil {
		t.Fatal(err)
	}
	if l := pending(); len(l) != 1 || l[0].NoticesSent != 1 || l[0].Open() {
		t.Fatalf("pending after clear = %+v", l)
	}
	if err := a.MarkAlertNotices(f.ctx, tn.ID, id, 2); err != nil {
		t.Fatal(err)
	}
	if l := pending(); len(l) != 0 {
		t.Fatalf("pending after cleared notice = %+v", l)
	}
	// Digests.
	ts, err := a.UndigestedAlerts(f.ctx, 0, 10)
	if err != nil || len(ts) != 1 || ts[0].TenantID != tn.ID {
		t.Fatalf("undigested tenants = %+v, %v", ts, err)
	}
	list, err := a.UndigestedAlerts(f.ctx, tn.ID, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("undigested = %+v, %v", list, err)
	}
	if err := a.MarkAlertsDigested(f.ctx, tn.ID, base, id); err != nil {
		t.Fatal(err)
	}
	if list, _ := a.UndigestedAlerts(f.ctx, tn.ID, 10); len(list) != 0 {
		t.Fatalf("still undigested: %+v", list)
	}
}

func testLaneHistory(t *testing.T, f *fixture, a store.Alerts, _ store.Cases) {
	tn := f.tenant()
	for i := range 3 {
		sh := f.shipment(tn.ID, fmt.Sprintf("H-%d", i))
		p := f.parcel(tn.ID, sh.ID, "dhl", fmt.Sprintf("JD%018d", seq.Add(1)))
		evs := []shipment.Event{
			ev(p.ID, 0, status.InTransitAccepted, "accepted"),
			ev(p.ID, 30, status.InTransitDepartedOriginCountry, "departed"),
			ev(p.ID, 31, "", "notice"),
		}
		if i < 2 {
			evs = append(evs, ev(p.ID, 90, status.DeliveredDelivered, "delivered"))
		}
		f.ingest(tn.ID, evs)
	}
	js, err := a.LaneHistory(f.ctx, tn.ID, base.Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 2 {
		t.Fatalf("%d journeys, want the 2 delivered", len(js))
	}
	for _, j := range js {
		if j.OriginCountry != "CN" || j.DestinationCountry != "DE" || len(j.Events) != 3 {
			t.Fatalf("journey = %+v", j)
		}
		if j.Events[0].Carrier != "dhl" || j.Events[1].At.Sub(j.Events[0].At) != 30*time.Hour ||
			j.Events[2].Substatus != string(status.DeliveredDelivered) {
			t.Errorf("events = %+v", j.Events)
		}
	}
	if js, _ := a.LaneHistory(f.ctx, tn.ID, base.Add(100*time.Hour), 10); len(js) != 0 {
		t.Errorf("deliveries before since returned: %d", len(js))
	}
	if js, _ := a.LaneHistory(f.ctx, f.tenant().ID, base.Add(-time.Hour), 10); len(js) != 0 {
		t.Errorf("another tenant's history returned: %d", len(js))
	}
}

func testAlertSettings(t *testing.T, f *fixture, a store.Alerts, _ store.Cases) {
	tn := f.tenant()
	s := store.AlertSetting{TenantID: tn.ID, Kind: "stalled", Carrier: "dhl", Threshold: 36 * time.Hour}
	if err := a.PutAlertSetting(f.ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Threshold, s.Disabled = 48*time.Hour, true
	if err := a.PutAlertSetting(f.ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := a.PutAlertSetting(f.ctx, store.AlertSetting{TenantID: tn.ID, Kind: "late", Destination: "DE"}); err != nil {
		t.Fatal(err)
	}
	list, err := a.ListAlertSettings(f.ctx, tn.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("settings = %+v, %v", list, err)
	}
	if got := list[1]; got.Kind != "stalled" || got.Threshold != 48*time.Hour || !got.Disabled || got.Carrier != "dhl" {
		t.Errorf("replaced setting = %+v", got)
	}
	if err := a.PutAlertSetting(f.ctx, store.AlertSetting{TenantID: tn.ID + 1000, Kind: "late"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("setting for missing tenant: %v", err)
	}
	if err := a.PutAlertSetting(f.ctx, store.AlertSetting{TenantID: tn.ID}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("setting without kind: %v", err)
	}
	if err := a.DeleteAlertSetting(f.ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteAlertSetting(f.ctx, s); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if other, _ := a.ListAlertSettings(f.ctx, f.tenant().ID); len(other) != 0 {
		t.Errorf("another tenant sees %d settings", len(other))
	}
}

func testCaseFlow(t *testing.T, f *fixture, a store.Alerts, c store.Cases) {
	tn, sh, _ := f.setup()
	ch, err := a.ApplyAlerts(f.ctx, []store.AlertRaise{raise(tn.ID, sh.ID, "damaged", base)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	alertID := ch.Raised[0].ID
	cs := store.Case{ShipmentID: sh.ID, AlertID: alertID, Title: "Damaged parcel", Owner: "agent@example.com"}
	if err := c.CreateCase(f.ctx, tn.ID, &cs, "agent@example.com"); err != nil {
		t.Fatal(err)
	}
	if cs.ID == 0 || cs.State != "open" || cs.CreatedAt.IsZero() {
		t.Fatalf("created case = %+v", cs)
	}
	dup := store.Case{ShipmentID: sh.ID, AlertID: alertID}
	if err := c.CreateCase(f.ctx, tn.ID, &dup, ""); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second open case for one alert: %v, want conflict", err)
	}
	if _, err := c.MoveCase(f.ctx, tn.ID, cs.ID, "open", store.CaseMove{State: "waiting_on_carrier", Actor: "agent", Note: "claim filed"}); err != nil {
		t.Fatal(err)
	}
	// A stale move (the case is no longer open) is a conflict.
	if _, err := c.MoveCase(f.ctx, tn.ID, cs.ID, "open", store.CaseMove{State: "waiting_on_buyer"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale move: %v, want conflict", err)
	}
	if err := c.AddCaseNote(f.ctx, tn.ID, cs.ID, "agent", "carrier asked for photos"); err != nil {
		t.Fatal(err)
	}
	if err := c.AddCaseNote(f.ctx, tn.ID, cs.ID, "agent", "  "); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("empty note: %v", err)
	}
	att := store.CaseAttachment{CaseID: cs.ID, Name: "box.png", ContentType: "image/png", SHA256: "x", Data: []byte("\x89PNG...."), UploadedBy: "agent"}
	if err := c.AddCaseAttachment(f.ctx, tn.ID, &att); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListCaseAttachments(f.ctx, tn.ID, cs.ID)
	if err != nil || len(list) != 1 || list[0].Size != 8 || list[0].Data != nil {
		t.Fatalf("attachments = %+v, %v", list, err)
	}
	got, err := c.GetCaseAttachment(f.ctx, tn.ID, att.ID)
	if err != nil || string(got.Data) != "\x89PNG...." {
		t.Fatalf("attachment content = %q, %v", got.Data, err)
	}
	res, err := c.MoveCase(f.ctx, tn.ID, cs.ID, "waiting_on_carrier", store.CaseMove{State: "resolved", Resolution: "claim_paid",
		Actor: "agent", ClearAlert: true, ClearReason: "case_resolved"})
	if err != nil {
		t.Fatal(err)
	}
	if res.State != "resolved" || res.Resolution != "claim_paid" || res.ResolvedAt.IsZero() {
		t.Errorf("resolved case = %+v", res)
	}
	al, _ := a.GetAlert(f.ctx, tn.ID, alertID)
	if al.Open() || al.ClearedReason != "case_resolved" {
		t.Errorf("alert after resolution = %+v", al)
	}
	h, err := c.History(f.ctx, tn.ID, 0, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range h {
		actions = append(actions, e.Action)
	}
	want := "[case.opened case.state case.note case.note case.attachment case.state alert.cleared]"
	if fmt.Sprint(actions) != want {
		t.Errorf("case history = %v, want %s", actions, want)
	}
	// A resolved case frees the alert for a new case.
	again := store.Case{ShipmentID: sh.ID, AlertID: alertID}
	if err := c.CreateCase(f.ctx, tn.ID, &again, ""); err != nil {
		t.Errorf("case after resolution: %v", err)
	}
	cases, err := c.ListCases(f.ctx, tn.ID, store.CaseQuery{State: "resolved"})
	if err != nil || len(cases) != 1 || cases[0].ID != cs.ID {
		t.Errorf("resolved cases = %+v, %v", cases, err)
	}
}

func testFollowUps(t *testing.T, f *fixture, _ store.Alerts, c store.Cases) {
	tn, sh, _ := f.setup()
	due := base.Add(time.Hour)
	cs := store.Case{ShipmentID: sh.ID, Owner: "agent@example.com", NextFollowUpAt: due}
	if err := c.CreateCase(f.ctx, tn.ID, &cs, ""); err != nil {
		t.Fatal(err)
	}
	if l, _ := c.DueFollowUps(f.ctx, base, 10); len(l) != 0 {
		t.Fatalf("due before time: %+v", l)
	}
	l, err := c.DueFollowUps(f.ctx, due, 10)
	if err != nil || len(l) != 1 || !l[0].NextFollowUpAt.Equal(due) {
		t.Fatalf("due = %+v, %v", l, err)
	}
	next := due.Add(48 * time.Hour)
	if ok, err := c.AdvanceFollowUp(f.ctx, tn.ID, cs.ID, due, next); err != nil || !ok {
		t.Fatalf("advance: %v %v", ok, err)
	}
	// A second node that saw the same due time does nothing.
	if ok, err := c.AdvanceFollowUp(f.ctx, tn.ID, cs.ID, due, next); err != nil || ok {
		t.Fatalf("second advance: %v %v", ok, err)
	}
	if l, _ := c.DueFollowUps(f.ctx, due.Add(time.Hour), 10); len(l) != 0 {
		t.Fatalf("due after advance: %+v", l)
	}
	if _, err := c.MoveCase(f.ctx, tn.ID, cs.ID, "open", store.CaseMove{State: "resolved", Resolution: "delivered", NextFollowUpAt: next}); err != nil {
		t.Fatal(err)
	}
	if l, _ := c.DueFollowUps(f.ctx, next.Add(time.Hour), 10); len(l) != 0 {
		t.Fatalf("resolved case still reminds: %+v", l)
	}
}

func testAlertIsolation(t *testing.T, f *fixture, a store.Alerts, c store.Cases) {
	tn, sh, _ := f.setup()
	other := f.tenant()
	ch, err := a.ApplyAlerts(f.ctx, []store.AlertRaise{raise(tn.ID, sh.ID, "lost", base)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := ch.Raised[0].ID
	if _, err := a.GetAlert(f.ctx, other.ID, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant GetAlert: %v", err)
	}
	if p, _ := a.ListAlerts(f.ctx, other.ID, store.AlertQuery{All: true}); len(p.Alerts) != 0 {
		t.Errorf("other tenant lists %d alerts", len(p.Alerts))
	}
	ch2, err := a.ApplyAlerts(f.ctx, nil, []store.AlertClear{{TenantID: other.ID, AlertID: id, Reason: "x"}})
	if err != nil || len(ch2.Cleared) != 0 {
		t.Errorf("other tenant cleared: %+v %v", ch2, err)
	}
	if err := a.MarkAlertNotices(f.ctx, other.ID, id, 2); err != nil {
		t.Fatal(err)
	}
	if l, _ := a.PendingAlertNotices(f.ctx, 10); len(l) != 1 {
		t.Errorf("other tenant marked notices: %d pending", len(l))
	}
	// Cases: another tenant's shipment, alert and case are not found.
	bad := store.Case{ShipmentID: sh.ID}
	if err := c.CreateCase(f.ctx, other.ID, &bad, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("case on other tenant's shipment: %v", err)
	}
	osh := f.shipment(other.ID, "x")
	bad = store.Case{ShipmentID: osh.ID, AlertID: id}
	if err := c.CreateCase(f.ctx, other.ID, &bad, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("case on other tenant's alert: %v", err)
	}
	cs := store.Case{ShipmentID: sh.ID, AlertID: id}
	if err := c.CreateCase(f.ctx, tn.ID, &cs, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCase(f.ctx, other.ID, cs.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant GetCase: %v", err)
	}
	if _, err := c.MoveCase(f.ctx, other.ID, cs.ID, "open", store.CaseMove{State: "resolved", Resolution: "refunded"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant MoveCase: %v", err)
	}
	if err := c.AddCaseNote(f.ctx, other.ID, cs.ID, "x", "y"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant note: %v", err)
	}
	if err := c.SetCaseOwner(f.ctx, other.ID, cs.ID, "x", "y"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant owner: %v", err)
	}
	att := store.CaseAttachment{CaseID: cs.ID, Name: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF-")}
	if err := c.AddCaseAttachment(f.ctx, other.ID, &att); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant attachment: %v", err)
	}
	if err := c.AddCaseAttachment(f.ctx, tn.ID, &att); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCaseAttachment(f.ctx, other.ID, att.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant reads attachment: %v", err)
	}
	if h, _ := c.History(f.ctx, other.ID, 0, cs.ID); len(h) != 0 {
		t.Errorf("other tenant sees %d history entries", len(h))
	}
}
