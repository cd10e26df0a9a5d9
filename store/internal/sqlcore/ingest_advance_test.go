package sqlcore_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store/sqlite"
)

// TestIngestLateEventsRefold ingests, one batch at a time, events that
// arrive late or at the same instant as the current status, the cases
// where progress is merged or, when a tie leaves the order to the event
// hashes, derived again from the stored events. After every batch the
// stored progress of parcel and shipment must equal a fresh Derive over
// everything ingested so far.
func TestIngestLateEventsRefold(t *testing.T) {
	ctx := context.Background()
	s := testdb.OpenSQLite(t, sqlite.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	tn := shipment.Tenant{Slug: "late"}
	if err := s.CreateTenant(ctx, &tn); err != nil {
		t.Fatal(err)
	}
	sh := shipment.Shipment{Reference: "late-1"}
	if err := s.CreateShipment(ctx, tn.ID, &sh); err != nil {
		t.Fatal(err)
	}
	p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "ups", TrackingNumber: "1ZLATE0001"}
	if err := s.CreateParcel(ctx, tn.ID, &p); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	at := func(h int, sub status.Substatus, text string) shipment.Event {
		return shipment.Event{ParcelID: p.ID, Time: base.Add(time.Duration(h) * time.Hour), Status: sub.Status(), Substatus: sub, Text: text}
	}
	batches := [][]shipment.Event{
		{at(5, status.InTransitArrivedFacility, "arrived")},
		{at(1, status.InfoReceivedInfoReceived, "label")},                                      // late: milestone only
		{at(5, status.ExceptionDelayed, "delayed")},                                            // same instant and phase: tie
		{at(5, status.InTransitDepartedFacility, "departed")},                                  // another tie
		{at(3, status.DeliveredDelivered, "delivered, reported late")},                         // late but a further phase
		{at(4, status.OutForDeliveryOutForDelivery, "late OFD scan")},                          // late, earlier phase
		{at(2, status.ExceptionReturning, "return"), at(6, status.InTransitInTransit, "scan")}, // mixed
	}
	var all []shipment.Event
	for i, b := range batches {
		res, err := s.IngestEvents(ctx, tn.ID, b)
		if err != nil || res.Inserted != len(b) {
			t.Fatalf("batch %d: %+v %v", i, res, err)
		}
		all = append(all, b...)
		stored, err := s.ListEvents(ctx, tn.ID, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := shipment.Derive(stored) // with the stored hashes, which break ties
		gotS, err := s.GetShipment(ctx, tn.ID, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		gotP, err := s.GetParcel(ctx, tn.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, gotS.Progress); d != "" {
			t.Errorf("batch %d: shipment progress (-derived +stored):\n%s", i, d)
		}
		if d := cmp.Diff(want, gotP.Progress); d != "" {
			t.Errorf("batch %d: parcel progress (-derived +stored):\n%s", i, d)
		}
	}
	if len(all) != 8 {
		t.Fatalf("%d events", len(all))
	}
}
