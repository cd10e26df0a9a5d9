// Package storetest is the contract suite every store.Store implementation
// must pass. Each engine's tests call Run with a function that opens a
// fresh, empty, migrated store, so SQLite and PostgreSQL are held to exactly
// the same behaviour.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// Opener opens a fresh, empty, migrated store for one test and arranges
// (with t.Cleanup) for it to be closed and removed.
type Opener func(t *testing.T) store.Store

// Run runs the whole contract suite. Subtests run in parallel, each on its
// own store.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"Tenants", testTenants},
		{"Shipments", testShipments},
		{"ListShipments", testListShipments},
		{"Parcels", testParcels},
		{"IngestIdempotent", testIngestIdempotent},
		{"IngestConcurrent", testIngestConcurrent},
		{"IngestOutOfOrder", testIngestOutOfOrder},
		{"StatusMonotonic", testStatusMonotonic},
		{"StatusAcrossParcels", testStatusAcrossParcels},
		{"StatuslessEvents", testStatuslessEvents},
		{"BadInput", testBadInput},
		{"BatchAllOrNothing", testBatchAllOrNothing},
		{"TenantIsolation", testTenantIsolation},
		{"ClaimDue", testClaimDue},
		{"ClaimConcurrent", testClaimConcurrent},
		{"LeaseLifecycle", testLeaseLifecycle},
		{"ExtendLeases", testExtendLeases},
		{"ScheduleReason", testScheduleReason},
		{"RescheduleMany", testRescheduleMany},
		{"ScheduleCheck", testScheduleCheck},
		{"FindParcelsByNumber", testFindParcelsByNumber},
		{"CountDue", testCountDue},
		{"MigrationsRerun", testMigrationsRerun},
		{"ChangeTasks", testChangeTasks},
		{"TaskLeases", testTaskLeases},
		{"UpdateShipment", testUpdateShipment},
		{"DeleteShipment", testDeleteShipment},
		{"ListFilters", testListFilters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newFixture(t, open(t)))
		})
	}
}

// fixture bundles a store with helpers that fail the test on error.
type fixture struct {
	t   *testing.T
	s   store.Store
	ctx context.Context
}

var seq atomic.Int64

func newFixture(t *testing.T, s store.Store) *fixture {
	return &fixture{t: t, s: s, ctx: t.Context()}
}

func (f *fixture) tenant() shipment.Tenant {
	f.t.Helper()
	tn := shipment.Tenant{Slug: fmt.Sprintf("tenant-%d", seq.Add(1)), Name: "Shop"}
	if err := f.s.CreateTenant(f.ctx, &tn); err != nil {
		f.t.Fatalf("CreateTenant: %v", err)
	}
	return tn
}

func (f *fixture) shipment(tenantID int64, ref string) shipment.Shipment {
	f.t.Helper()
	sh := shipment.Shipment{Reference: ref, OriginCountry: "CN", DestinationCountry: "DE",
		Customer: shipment.Contact{Name: "Ada", Email: "ada@example.com", Language: "de"}}
	if err := f.s.CreateShipment(f.ctx, tenantID, &sh); err != nil {
		f.t.Fatalf("CreateShipment: %v", err)
	}
	return sh
}

func (f *fixture) parcel(tenantID, shipmentID int64, carrier, number string) shipment.Parcel {
	f.t.Helper()
	p := shipment.Parcel{ShipmentID: shipmentID, Carrier: carrier, TrackingNumber: number}
	if err := f.s.CreateParcel(f.ctx, tenantID, &p); err != nil {
		f.t.Fatalf("CreateParcel: %v", err)
	}
	return p
}

// setup creates one tenant, one shipment and one parcel.
func (f *fixture) setup() (shipment.Tenant, shipment.Shipment, shipment.Parcel) {
	f.t.Helper()
	tn := f.tenant()
	sh := f.shipment(tn.ID, fmt.Sprintf("order-%d", seq.Add(1)))
	p := f.parcel(tn.ID, sh.ID, "dhl", fmt.Sprintf("JD%018d", seq.Add(1)))
	return tn, sh, p
}

func (f *fixture) ingest(tenantID int64, events []shipment.Event) store.IngestResult {
	f.t.Helper()
	res, err := f.s.IngestEvents(f.ctx, tenantID, events)
	if err != nil {
		f.t.Fatalf("IngestEvents: %v", err)
	}
	return res
}

func (f *fixture) getShipment(tenantID, id int64) shipment.Shipment {
	f.t.Helper()
	sh, err := f.s.GetShipment(f.ctx, tenantID, id)
	if err != nil {
		f.t.Fatalf("GetShipment: %v", err)
	}
	return sh
}

func (f *fixture) events(tenantID, shipmentID int64) []shipment.Event {
	f.t.Helper()
	evs, err := f.s.ListEvents(f.ctx, tenantID, shipmentID)
	if err != nil {
		f.t.Fatalf("ListEvents: %v", err)
	}
	return evs
}

// base is a fixed instant in the recent past, so events stay within the
// validation window whatever day the suite runs.
var base = time.Now().UTC().Add(-10 * 24 * time.Hour).Truncate(time.Hour)

// ev builds an event for parcel p, h hours after base.
func ev(p int64, h float64, sub status.Substatus, text string) shipment.Event {
	e := shipment.Event{
		ParcelID: p, Time: base.Add(time.Duration(h * float64(time.Hour))),
		Code: "C", Text: text, Substatus: sub, Status: sub.Status(),
		Location: shipment.Location{City: "Leipzig", Country: "DE"},
	}
	if sub == "" {
		e.Status = ""
	}
	return e
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}
