package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

func contextCancelled(f *fixture) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	return ctx, cancel
}

// testTenantIsolation checks every tenant-scoped method: tenant A cannot
// see or change tenant B's rows, and gets ErrNotFound as if they did not
// exist.
func testTenantIsolation(t *testing.T, f *fixture) {
	a := f.tenant()
	b, shB, pB := f.setup()
	f.ingest(b.ID, []shipment.Event{ev(pB.ID, 0, status.InTransitAccepted, "")})
	claimed, err := f.s.ClaimDue(f.ctx, time.Now().Add(time.Minute), 100, "node-b", time.Hour)
	if err != nil || len(claimed) == 0 {
		t.Fatalf("claim: %v %d", err, len(claimed))
	}
	ctx := f.ctx

	_, err = f.s.GetShipment(ctx, a.ID, shB.ID)
	wantErr(t, "GetShipment", err, store.ErrNotFound)
	_, err = f.s.FindShipmentByReference(ctx, a.ID, shB.Reference)
	wantErr(t, "FindShipmentByReference", err, store.ErrNotFound)
	_, err = f.s.FindShipmentsByTrackingNumber(ctx, a.ID, pB.TrackingNumber)
	wantErr(t, "FindShipmentsByTrackingNumber", err, store.ErrNotFound)
	pg, err := f.s.ListShipments(ctx, a.ID, store.ListQuery{})
	if err != nil || len(pg.Shipments) != 0 {
		t.Errorf("ListShipments shows %d shipments of another tenant (%v)", len(pg.Shipments), err)
	}
	intruder := shipment.Parcel{ShipmentID: shB.ID, Carrier: "ups", TrackingNumber: "1ZINTRUDER"}
	wantErr(t, "CreateParcel", f.s.CreateParcel(ctx, a.ID, &intruder), store.ErrNotFound)
	_, err = f.s.GetParcel(ctx, a.ID, pB.ID)
	wantErr(t, "GetParcel", err, store.ErrNotFound)
	_, err = f.s.ListParcels(ctx, a.ID, shB.ID)
	wantErr(t, "ListParcels", err, store.ErrNotFound)
	wantErr(t, "ReleaseLease", f.s.ReleaseLease(ctx, a.ID, pB.ID, "node-b"), store.ErrNotFound)
	wantErr(t, "Reschedule", f.s.Reschedule(ctx, a.ID, pB.ID, "node-b", store.CheckResult{Result: "ok"}), store.ErrNotFound)
	_, err = f.s.IngestEvents(ctx, a.ID, []shipment.Event{ev(pB.ID, 5, status.DeliveredDelivered, "forged")})
	wantErr(t, "IngestEvents", err, store.ErrNotFound)
	_, err = f.s.ListEvents(ctx, a.ID, shB.ID)
	wantErr(t, "ListEvents", err, store.ErrNotFound)

	// Nothing of B changed.
	got := f.getShipment(b.ID, shB.ID)
	if got.Status != status.InTransit {
		t.Errorf("B's shipment status %s", got.Status)
	}
	if n := len(f.events(b.ID, shB.ID)); n != 1 {
		t.Errorf("B has %d events, want 1", n)
	}
	pb, err := f.s.GetParcel(ctx, b.ID, pB.ID)
	if err != nil || pb.LeaseOwner != "node-b" || pb.ShipmentID != shB.ID {
		t.Errorf("B's parcel changed: %v %+v", err, pb)
	}
	// B can still use its lease.
	if err := f.s.ReleaseLease(ctx, b.ID, pB.ID, "node-b"); err != nil {
		t.Errorf("B's own release: %v", err)
	}
}
