package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

func testTenants(t *testing.T, f *fixture) {
	tn := f.tenant()
	if tn.ID == 0 || tn.CreatedAt.IsZero() {
		t.Fatalf("tenant not filled in: %+v", tn)
	}
	got, err := f.s.GetTenant(f.ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(tn, got); d != "" {
		t.Errorf("GetTenant (-want +got):\n%s", d)
	}
	dup := shipment.Tenant{Slug: tn.Slug}
	wantErr(t, "duplicate slug", f.s.CreateTenant(f.ctx, &dup), store.ErrConflict)
	if store.Code(f.s.CreateTenant(f.ctx, &dup)) != "conflict" {
		t.Error("conflict code")
	}
	bad := shipment.Tenant{Slug: "Not A Slug"}
	wantErr(t, "bad slug", f.s.CreateTenant(f.ctx, &bad), store.ErrInvalid)
	_, err = f.s.GetTenant(f.ctx, tn.ID+1000)
	wantErr(t, "unknown tenant", err, store.ErrNotFound)
	if store.Code(err) != "not_found" {
		t.Errorf("code %q", store.Code(err))
	}
}

func testShipments(t *testing.T, f *fixture) {
	tn := f.tenant()
	promised := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	sh := shipment.Shipment{
		Reference: "  #1001 ", OriginCountry: "cn", DestinationCountry: "GB", PromisedDate: promised,
		Customer: shipment.Contact{Name: "Zoë", Email: "zoe@example.org", Phone: "+44 20 7946 0000", Language: "en-GB"},
	}
	if err := f.s.CreateShipment(f.ctx, tn.ID, &sh); err != nil {
		t.Fatal(err)
	}
	if sh.ID == 0 || sh.TenantID != tn.ID || sh.Reference != "#1001" || sh.OriginCountry != "CN" ||
		sh.Status != status.Pending || sh.Substatus != status.PendingPending {
		t.Fatalf("created shipment not normalised: %+v", sh)
	}
	got := f.getShipment(tn.ID, sh.ID)
	if d := cmp.Diff(sh, got); d != "" {
		t.Errorf("GetShipment (-want +got):\n%s", d)
	}
	byRef, err := f.s.FindShipmentByReference(f.ctx, tn.ID, "#1001")
	if err != nil || byRef.ID != sh.ID {
		t.Errorf("FindShipmentByReference: %v %+v", err, byRef)
	}
	_, err = f.s.FindShipmentByReference(f.ctx, tn.ID, "#1002")
	wantErr(t, "unknown reference", err, store.ErrNotFound)

	dup := shipment.Shipment{Reference: "#1001"}
	wantErr(t, "duplicate reference", f.s.CreateShipment(f.ctx, tn.ID, &dup), store.ErrConflict)
	// Shipments without a reference do not collide.
	for range 2 {
		f.shipment(tn.ID, "")
	}
	bad := shipment.Shipment{Reference: "#bad", DestinationCountry: "XX"}
	wantErr(t, "unknown country", f.s.CreateShipment(f.ctx, tn.ID, &bad), store.ErrInvalid)
	_, err = f.s.FindShipmentByReference(f.ctx, tn.ID, "#bad")
	wantErr(t, "rejected shipment stored", err, store.ErrNotFound)
	noTenant := shipment.Shipment{Reference: "x"}
	wantErr(t, "unknown tenant", f.s.CreateShipment(f.ctx, tn.ID+1000, &noTenant), store.ErrNotFound)

	// Find by any tracking number: first mile and last mile legs.
	p1 := f.parcel(tn.ID, sh.ID, "yunexpress", "YT2412345678901234")
	f.parcel(tn.ID, sh.ID, "royal-mail", "LX123456785CN")
	for _, n := range []string{p1.TrackingNumber, "LX123456785CN"} {
		list, err := f.s.FindShipmentsByTrackingNumber(f.ctx, tn.ID, n)
		if err != nil || len(list) != 1 || list[0].ID != sh.ID {
			t.Errorf("FindShipmentsByTrackingNumber(%s): %v %v", n, err, list)
		}
	}
	_, err = f.s.FindShipmentsByTrackingNumber(f.ctx, tn.ID, "NOPE")
	wantErr(t, "unknown tracking number", err, store.ErrNotFound)
}

func testListShipments(t *testing.T, f *fixture) {
	tn := f.tenant()
	other := f.tenant()
	f.shipment(other.ID, "other-tenant")
	var ids []int64
	for i := range 23 {
		sh := f.shipment(tn.ID, fmt.Sprintf("L%02d", i))
		ids = append(ids, sh.ID)
		if i%4 == 0 {
			p := f.parcel(tn.ID, sh.ID, "ups", fmt.Sprintf("1ZLIST%04d", i))
			f.ingest(tn.ID, []shipment.Event{ev(p.ID, 1, status.DeliveredDelivered, "delivered")})
		}
	}
	slices.Reverse(ids) // newest first
	var got []int64
	cursor := ""
	for pages := 0; ; pages++ {
		pg, err := f.s.ListShipments(f.ctx, tn.ID, store.ListQuery{Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		if pages > 3 || len(pg.Shipments) > 10 {
			t.Fatalf("paging does not end: page %d has %d", pages, len(pg.Shipments))
		}
		for _, s := range pg.Shipments {
			got = append(got, s.ID)
		}
		if pg.Next == "" {
			break
		}
		cursor = pg.Next
	}
	if d := cmp.Diff(ids, got); d != "" {
		t.Errorf("pages (-want +got):\n%s", d)
	}
	pg, err := f.s.ListShipments(f.ctx, tn.ID, store.ListQuery{Status: status.Delivered, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Shipments) != 6 || pg.Next != "" {
		t.Errorf("delivered filter: %d shipments, next %q; want 6", len(pg.Shipments), pg.Next)
	}
	for _, s := range pg.Shipments {
		if s.Status != status.Delivered {
			t.Errorf("filter returned %s", s.Status)
		}
	}
	_, err = f.s.ListShipments(f.ctx, tn.ID, store.ListQuery{Cursor: "!!"})
	wantErr(t, "bad cursor", err, store.ErrInvalid)
	_, err = f.s.ListShipments(f.ctx, tn.ID, store.ListQuery{Limit: 5000})
	wantErr(t, "limit", err, store.ErrInvalid)
}

func testParcels(t *testing.T, f *fixture) {
	tn := f.tenant()
	sh := f.shipment(tn.ID, "P1")
	p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "canada-post", TrackingNumber: " 1371134583769923 ",
		Extra: map[string]string{"postal_code": "K1A 0B1"}, Leg: 2}
	before := time.Now()
	if err := f.s.CreateParcel(f.ctx, tn.ID, &p); err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 || p.TrackingNumber != "1371134583769923" || p.NextCheckAt.Before(before.Add(-time.Second)) || p.Status != status.Pending {
		t.Fatalf("created parcel: %+v", p)
	}
	got, err := f.s.GetParcel(f.ctx, tn.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(p, got); d != "" {
		t.Errorf("GetParcel (-want +got):\n%s", d)
	}
	first := f.parcel(tn.ID, sh.ID, "china-post", "RR123456785CN")
	list, err := f.s.ListParcels(f.ctx, tn.ID, sh.ID)
	if err != nil || len(list) != 2 || list[0].ID != first.ID || list[1].ID != p.ID {
		t.Errorf("ListParcels not ordered by leg: %v %+v", err, list)
	}
	dup := shipment.Parcel{ShipmentID: sh.ID, Carrier: "canada-post", TrackingNumber: "1371134583769923"}
	wantErr(t, "duplicate parcel", f.s.CreateParcel(f.ctx, tn.ID, &dup), store.ErrConflict)
	// The same number with another carrier is another parcel (an S10 item
	// handed to the destination post).
	f.parcel(tn.ID, sh.ID, "canada-post-intl", "1371134583769923")
	// The same number in another tenant is that tenant's own parcel.
	other := f.tenant()
	f.parcel(other.ID, f.shipment(other.ID, "").ID, "canada-post", "1371134583769923")

	bad := shipment.Parcel{ShipmentID: sh.ID, Carrier: "Canada Post", TrackingNumber: "1"}
	wantErr(t, "bad carrier slug", f.s.CreateParcel(f.ctx, tn.ID, &bad), store.ErrInvalid)
	missing := shipment.Parcel{ShipmentID: sh.ID + 1000, Carrier: "ups", TrackingNumber: "1Z"}
	wantErr(t, "unknown shipment", f.s.CreateParcel(f.ctx, tn.ID, &missing), store.ErrNotFound)
	_, err = f.s.ListParcels(f.ctx, tn.ID, sh.ID+1000)
	wantErr(t, "list parcels of unknown shipment", err, store.ErrNotFound)
}
