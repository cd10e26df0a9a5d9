package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// testUpdateShipment: edits keep progress, validate, conflict on a taken
// reference, stop tracking on completion and stay within the tenant.
func testUpdateShipment(t *testing.T, f *fixture) {
	tn, sh, p := f.setup()
	other := f.shipment(tn.ID, "taken-ref")
	f.ingest(tn.ID, []shipment.Event{ev(p.ID, 1, status.InTransitAccepted, "accepted")})

	edit := f.getShipment(tn.ID, sh.ID)
	edit.Reference = "order-new"
	edit.Service = "express"
	edit.OrderedAt = base.Add(-48 * time.Hour)
	edit.Customer.Address = shipment.Address{Line1: "Hauptstr. 1", City: "Leipzig", PostalCode: "04109", Country: "de"}
	if err := f.s.UpdateShipment(f.ctx, tn.ID, &edit); err != nil {
		t.Fatalf("UpdateShipment: %v", err)
	}
	got := f.getShipment(tn.ID, sh.ID)
	if got.Reference != "order-new" || got.Service != "express" || !got.OrderedAt.Equal(edit.OrderedAt) ||
		got.Customer.Address.PostalCode != "04109" || got.Customer.Address.Country != "DE" {
		t.Errorf("stored after update: %+v", got)
	}
	if got.Status != status.InTransit {
		t.Errorf("update moved progress: %s", got.Status)
	}
	if !got.UpdatedAt.After(sh.UpdatedAt) && !got.UpdatedAt.Equal(sh.UpdatedAt) {
		t.Errorf("updated_at went back")
	}

	dup := got
	dup.Reference = other.Reference
	wantErr(t, "taken reference", f.s.UpdateShipment(f.ctx, tn.ID, &dup), store.ErrConflict)
	bad := got
	bad.DestinationCountry = "Germany"
	wantErr(t, "bad country", f.s.UpdateShipment(f.ctx, tn.ID, &bad), store.ErrInvalid)
	stranger := f.tenant()
	wantErr(t, "another tenant's shipment", f.s.UpdateShipment(f.ctx, stranger.ID, &got), store.ErrNotFound)
	if f.getShipment(tn.ID, sh.ID).Reference != "order-new" {
		t.Error("a failed update changed the row")
	}

	got.CompletedAt = time.Now().UTC()
	if err := f.s.UpdateShipment(f.ctx, tn.ID, &got); err != nil {
		t.Fatal(err)
	}
	pc, err := f.s.GetParcel(f.ctx, tn.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !pc.NextCheckAt.IsZero() || pc.NextCheckReason != "shipment completed" {
		t.Errorf("completed shipment's parcel still scheduled: %v (%q)", pc.NextCheckAt, pc.NextCheckReason)
	}
}

// testDeleteShipment: a delete removes the shipment with its parcels and
// events, and only the tenant's own.
func testDeleteShipment(t *testing.T, f *fixture) {
	tn, sh, p := f.setup()
	_, keep, kp := f.setup()
	f.ingest(tn.ID, []shipment.Event{ev(p.ID, 1, status.InTransitAccepted, "accepted")})
	stranger := f.tenant()
	wantErr(t, "another tenant's delete", f.s.DeleteShipment(f.ctx, stranger.ID, sh.ID), store.ErrNotFound)
	if err := f.s.DeleteShipment(f.ctx, tn.ID, sh.ID); err != nil {
		t.Fatalf("DeleteShipment: %v", err)
	}
	if _, err := f.s.GetShipment(f.ctx, tn.ID, sh.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted shipment still there: %v", err)
	}
	if _, err := f.s.GetParcel(f.ctx, tn.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted shipment's parcel still there: %v", err)
	}
	wantErr(t, "second delete", f.s.DeleteShipment(f.ctx, tn.ID, sh.ID), store.ErrNotFound)
	if _, err := f.s.GetParcel(f.ctx, keep.TenantID, kp.ID); err != nil {
		t.Errorf("another shipment's parcel went too: %v", err)
	}
}

// testListFilters: each filter of ListQuery, alone and combined.
func testListFilters(t *testing.T, f *fixture) {
	tn := f.tenant()
	mk := func(ref, email, dest, carrier, number string) shipment.Shipment {
		sh := shipment.Shipment{Reference: ref, OriginCountry: "CN", DestinationCountry: dest,
			Customer: shipment.Contact{Email: email}}
		if err := f.s.CreateShipment(f.ctx, tn.ID, &sh); err != nil {
			t.Fatal(err)
		}
		f.parcel(tn.ID, sh.ID, carrier, number)
		return sh
	}
	a := mk("A-1", "Ann@Example.com", "DE", "dhl", "JD000000000000000001")
	b := mk("B-2", "bob@example.com", "FR", "la-poste", "6A12345678901")
	c := mk("C-3", "", "DE", "ups", "1Z5R89390357567127")
	// Another tenant's rows never match.
	other := f.tenant()
	osh := shipment.Shipment{Reference: "A-1", DestinationCountry: "DE"}
	if err := f.s.CreateShipment(f.ctx, other.ID, &osh); err != nil {
		t.Fatal(err)
	}
	f.parcel(other.ID, osh.ID, "dhl", "JD000000000000000001")

	ids := func(q store.ListQuery) []int64 {
		t.Helper()
		p, err := f.s.ListShipments(f.ctx, tn.ID, q)
		if err != nil {
			t.Fatalf("ListShipments(%+v): %v", q, err)
		}
		var out []int64
		for _, s := range p.Shipments {
			out = append(out, s.ID)
		}
		return out
	}
	same := func(what string, got []int64, want ...int64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: got %v, want %v", what, got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: got %v, want %v", what, got, want)
				return
			}
		}
	}
	same("carrier dhl", ids(store.ListQuery{Carrier: "dhl"}), a.ID)
	same("destination DE", ids(store.ListQuery{DestinationCountry: "de"}), c.ID, a.ID)
	same("origin CN", ids(store.ListQuery{OriginCountry: "CN"}), c.ID, b.ID, a.ID)
	same("search number", ids(store.ListQuery{Search: " 6A12345678901 "}), b.ID)
	same("search reference", ids(store.ListQuery{Search: "C-3"}), c.ID)
	same("search email as typed", ids(store.ListQuery{Search: "Ann@Example.com"}), a.ID)
	same("search email lower case", ids(store.ListQuery{Search: "bob@example.com"}), b.ID)
	same("search nothing", ids(store.ListQuery{Search: "nothing"}))
	same("combined", ids(store.ListQuery{DestinationCountry: "DE", Carrier: "ups"}), c.ID)
	same("created from the future", ids(store.ListQuery{CreatedFrom: time.Now().Add(time.Hour)}))
	same("created before the future", ids(store.ListQuery{CreatedTo: time.Now().Add(time.Hour)}), c.ID, b.ID, a.ID)
	same("status delivered", ids(store.ListQuery{Status: status.Delivered}))
}
