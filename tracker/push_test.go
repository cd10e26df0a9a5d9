package tracker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/tracker"
)

// A push stores its events on every parcel with the number (any tenant),
// resets the schedule from the news, and changes nothing when repeated; a
// retrack makes a finished parcel due now.
func TestPushAndRetrack(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := openSQLite(t, clock)
	ctx := t.Context()
	var parcels []shipment.Parcel
	for _, slug := range []string{"shop-a", "shop-b"} {
		tn := shipment.Tenant{Slug: slug}
		if err := st.CreateTenant(ctx, &tn); err != nil {
			t.Fatal(err)
		}
		sh := shipment.Shipment{DestinationCountry: "DE"}
		if err := st.CreateShipment(ctx, tn.ID, &sh); err != nil {
			t.Fatal(err)
		}
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "cainiao", TrackingNumber: "LP00123456789012", Leg: 1}
		if err := st.CreateParcel(ctx, tn.ID, &p); err != nil {
			t.Fatal(err)
		}
		parcels = append(parcels, p)
	}
	tr, err := tracker.New(tracker.Config{Store: st, Now: clock, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	ev := func(h int, sub string, text string) shipment.Event {
		return shipment.Event{Time: now.Add(time.Duration(-h) * time.Hour), OffsetSource: shipment.OffsetExplicit, Text: text,
			Status: "in_transit", Substatus: status.Substatus(sub)}
	}
	res := []carrier.Result{
		{TrackingNumber: "LP00123456789012", Found: true, Events: []shipment.Event{
			ev(30, "in_transit.departed_origin_country", "Departed"), ev(2, "in_transit.customs_processing", "Import clearance start")}},
		{TrackingNumber: "UNKNOWN123", Found: true, Events: []shipment.Event{ev(1, "in_transit.in_transit", "x")}},
	}
	rep, err := tr.Push(ctx, "17track", res)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Matched != 2 || rep.Unknown != 1 || rep.NewEvents != 4 {
		t.Fatalf("push report %+v, want 2 matched, 1 unknown, 4 new events", rep)
	}
	for _, p0 := range parcels {
		p, err := st.GetParcel(ctx, p0.TenantID, p0.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Customs processing: checked again in about two hours (plus up to
		// 10% jitter), not at once.
		if d := p.NextCheckAt.Sub(now); p.Substatus != "in_transit.customs_processing" ||
			!strings.HasPrefix(p.NextCheckReason, "push from 17track") || d < 2*time.Hour || d > 2*time.Hour+12*time.Minute {
			t.Fatalf("after push: %s next %s (%s)", p.Substatus, p.NextCheckAt.Sub(now), p.NextCheckReason)
		}
	}
	rep, err = tr.Push(ctx, "17track", res)
	if err != nil || rep.NewEvents != 0 {
		t.Fatalf("repeated push: %+v, %v", rep, err)
	}

	// Retrack: make the first parcel due now even after it stopped.
	p := parcels[0]
	if got, _ := st.ClaimDue(ctx, now.Add(5*time.Hour), 10, "x", time.Minute); len(got) != 2 {
		t.Fatalf("claimed %d", len(got))
	}
	for _, q := range parcels {
		if err := st.DeferCheck(ctx, q.TenantID, q.ID, "x", now.Add(100*24*time.Hour), "far away"); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Retrack(ctx, p.TenantID, p.ID); err != nil {
		t.Fatal(err)
	}
	due, err := st.ClaimDue(ctx, now, 10, "y", time.Minute)
	if err != nil || len(due) != 1 || due[0].ID != p.ID || due[0].NextCheckReason != "retrack requested" {
		t.Fatalf("after retrack: %v %+v", err, due)
	}
	if err := tr.Retrack(ctx, p.TenantID+100, p.ID); err == nil {
		t.Fatal("retrack of another tenant's parcel succeeded")
	}
}
