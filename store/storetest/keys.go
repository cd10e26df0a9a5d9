package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// RunKeys runs the contract of store.Keys, store.Idempotency and
// store.TrackingCreator.
func RunKeys(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"APIKeys", testAPIKeys},
		{"APIKeysIsolation", testAPIKeysIsolation},
		{"TenantsBySlug", testTenantsBySlug},
		{"IdempotencyClaim", testIdempotencyClaim},
		{"IdempotencyConcurrent", testIdempotencyConcurrent},
		{"IdempotencyStale", testIdempotencyStale},
		{"CreateTrackings", testCreateTrackings},
		{"CreateTrackingsIsolation", testCreateTrackingsIsolation},
		{"GetTracking", testGetTracking},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newFixture(t, open(t)))
		})
	}
}

func keyHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func (f *fixture) keys() store.Keys {
	f.t.Helper()
	k, ok := f.s.(store.Keys)
	if !ok {
		f.t.Fatalf("%T does not implement store.Keys", f.s)
	}
	return k
}

func (f *fixture) idem() store.Idempotency {
	f.t.Helper()
	k, ok := f.s.(store.Idempotency)
	if !ok {
		f.t.Fatalf("%T does not implement store.Idempotency", f.s)
	}
	return k
}

func testAPIKeys(t *testing.T, f *fixture) {
	ks := f.keys()
	tn := f.tenant()
	k := store.APIKey{TenantID: tn.ID, Name: "ci", Prefix: "wp_live_abcd", Hash: keyHash("wp_live_abcdsecret"), Scope: store.ScopeWrite}
	if err := ks.CreateAPIKey(f.ctx, &k); err != nil {
		t.Fatal(err)
	}
	if k.ID == 0 || k.CreatedAt.IsZero() {
		t.Fatalf("ID and CreatedAt not filled in: %+v", k)
	}
	dup := k
	if err := ks.CreateAPIKey(f.ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same hash twice: %v, want ErrConflict", err)
	}
	bad := store.APIKey{TenantID: tn.ID, Prefix: "wp_live_x", Hash: keyHash("x"), Scope: "root"}
	if err := ks.CreateAPIKey(f.ctx, &bad); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("scope root: %v, want ErrInvalid", err)
	}
	orphan := store.APIKey{TenantID: tn.ID + 1000, Prefix: "wp_live_y", Hash: keyHash("y"), Scope: store.ScopeRead}
	if err := ks.CreateAPIKey(f.ctx, &orphan); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown tenant: %v, want ErrNotFound", err)
	}
	got, err := ks.FindAPIKey(f.ctx, k.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != k.ID || got.TenantID != tn.ID || got.Scope != store.ScopeWrite || got.Name != "ci" || !got.LastUsedAt.IsZero() || !got.RevokedAt.IsZero() {
		t.Fatalf("FindAPIKey = %+v", got)
	}
	if _, err := ks.FindAPIKey(f.ctx, keyHash("other")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown hash: %v", err)
	}
	t1 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := ks.TouchAPIKey(f.ctx, tn.ID, k.ID, t1); err != nil {
		t.Fatal(err)
	}
	// An older time never moves last use back.
	if err := ks.TouchAPIKey(f.ctx, tn.ID, k.ID, t1.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = ks.FindAPIKey(f.ctx, k.Hash)
	if !got.LastUsedAt.Equal(t1) {
		t.Fatalf("LastUsedAt = %v, want %v", got.LastUsedAt, t1)
	}
	if err := ks.RevokeAPIKey(f.ctx, tn.ID, k.ID, t1.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ks.RevokeAPIKey(f.ctx, tn.ID, k.ID, t1.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	list, err := ks.ListAPIKeys(f.ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !list[0].RevokedAt.Equal(t1.Add(time.Hour)) {
		t.Fatalf("after two revocations: %+v, want one key revoked at the first time", list)
	}
}

func testAPIKeysIsolation(t *testing.T, f *fixture) {
	ks := f.keys()
	a, b := f.tenant(), f.tenant()
	k := store.APIKey{TenantID: a.ID, Prefix: "wp_live_a", Hash: keyHash("a"), Scope: store.ScopeAdmin}
	if err := ks.CreateAPIKey(f.ctx, &k); err != nil {
		t.Fatal(err)
	}
	if err := ks.RevokeAPIKey(f.ctx, b.ID, k.ID, time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoke by another tenant: %v, want ErrNotFound", err)
	}
	if err := ks.TouchAPIKey(f.ctx, b.ID, k.ID, time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("touch by another tenant: %v, want ErrNotFound", err)
	}
	list, err := ks.ListAPIKeys(f.ctx, b.ID)
	if err != nil || len(list) != 0 {
		t.Fatalf("tenant B lists %v (%v), want none", list, err)
	}
	got, _ := ks.FindAPIKey(f.ctx, k.Hash)
	if !got.RevokedAt.IsZero() {
		t.Fatal("another tenant revoked the key")
	}
}

func testTenantsBySlug(t *testing.T, f *fixture) {
	ks := f.keys()
	a := f.tenant()
	got, err := ks.FindTenantBySlug(f.ctx, a.Slug)
	if err != nil || got.ID != a.ID {
		t.Fatalf("FindTenantBySlug = %+v, %v", got, err)
	}
	if _, err := ks.FindTenantBySlug(f.ctx, "no-such-shop"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown slug: %v", err)
	}
	b := f.tenant()
	list, err := ks.ListTenants(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Fatalf("ListTenants = %+v", list)
	}
}

func testIdempotencyClaim(t *testing.T, f *fixture) {
	id := f.idem()
	a, b := f.tenant(), f.tenant()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	stale := now.Add(-24 * time.Hour)
	rec, claimed, err := id.ClaimIdempotencyKey(f.ctx, a.ID, "k1", "h1", now, stale)
	if err != nil || !claimed || rec.Done {
		t.Fatalf("first claim = %+v, %v, %v", rec, claimed, err)
	}
	rec, claimed, err = id.ClaimIdempotencyKey(f.ctx, a.ID, "k1", "h2", now, stale)
	if err != nil || claimed || rec.Done || rec.RequestHash != "h1" {
		t.Fatalf("claim while in progress = %+v, %v, %v; want the first record, not done", rec, claimed, err)
	}
	// The same key of another tenant is another record.
	if _, claimed, err := id.ClaimIdempotencyKey(f.ctx, b.ID, "k1", "h9", now, stale); err != nil || !claimed {
		t.Fatalf("tenant B claim: %v, %v", claimed, err)
	}
	body := []byte(`{"id":7}`)
	if err := id.CompleteIdempotencyKey(f.ctx, a.ID, "k1", 201, body); err != nil {
		t.Fatal(err)
	}
	rec, claimed, err = id.ClaimIdempotencyKey(f.ctx, a.ID, "k1", "h1", now.Add(time.Minute), stale)
	if err != nil || claimed || !rec.Done || rec.Status != 201 || string(rec.Body) != string(body) {
		t.Fatalf("claim after completion = %+v, %v, %v", rec, claimed, err)
	}
	// A released claim can be taken again.
	if _, _, err := id.ClaimIdempotencyKey(f.ctx, a.ID, "k2", "h1", now, stale); err != nil {
		t.Fatal(err)
	}
	if err := id.ReleaseIdempotencyKey(f.ctx, a.ID, "k2"); err != nil {
		t.Fatal(err)
	}
	if _, claimed, err := id.ClaimIdempotencyKey(f.ctx, a.ID, "k2", "h3", now, stale); err != nil || !claimed {
		t.Fatalf("claim after release: %v, %v", claimed, err)
	}
	// Release never forgets a completed answer.
	if err := id.ReleaseIdempotencyKey(f.ctx, a.ID, "k1"); err != nil {
		t.Fatal(err)
	}
	if rec, _, _ := id.ClaimIdempotencyKey(f.ctx, a.ID, "k1", "h1", now, stale); !rec.Done {
		t.Fatal("release removed a completed record")
	}
	if err := id.CompleteIdempotencyKey(f.ctx, a.ID, "never-claimed", 200, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("complete unclaimed: %v", err)
	}
}

func testIdempotencyConcurrent(t *testing.T, f *fixture) {
	id := f.idem()
	a := f.tenant()
	now := time.Now()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners int
	)
	for i := range 8 {
		wg.Go(func() {
			_, claimed, err := id.ClaimIdempotencyKey(f.ctx, a.ID, "same", fmt.Sprint("h", i), now, now.Add(-time.Hour))
			if err != nil {
				t.Error(err)
				return
			}
			if claimed {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if winners != 1 {
		t.Fatalf("%d concurrent claims won, want exactly 1", winners)
	}
}

func testIdempotencyStale(t *testing.T, f *fixture) {
	id := f.idem()
	a := f.tenant()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if _, _, err := id.ClaimIdempotencyKey(f.ctx, a.ID, "old", "h1", t0, t0.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := id.CompleteIdempotencyKey(f.ctx, a.ID, "old", 201, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(25 * time.Hour)
	rec, claimed, err := id.ClaimIdempotencyKey(f.ctx, a.ID, "old", "h2", later, later.Add(-24*time.Hour))
	if err != nil || !claimed || rec.RequestHash != "h2" {
		t.Fatalf("claim of an expired key = %+v, %v, %v; want a fresh claim", rec, claimed, err)
	}
	if _, _, err := id.ClaimIdempotencyKey(f.ctx, a.ID, "older", "h1", t0.Add(-48*time.Hour), t0.Add(-72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := id.PurgeIdempotencyKeys(f.ctx, t0)
	if err != nil || n != 1 {
		t.Fatalf("purge = %d, %v; want 1", n, err)
	}
}

func (f *fixture) creator() store.TrackingCreator {
	f.t.Helper()
	c, ok := f.s.(store.TrackingCreator)
	if !ok {
		f.t.Fatalf("%T does not implement store.TrackingCreator", f.s)
	}
	return c
}

func testCreateTrackings(t *testing.T, f *fixture) {
	c := f.creator()
	tn := f.tenant()
	existing := f.shipment(tn.ID, "taken")
	f.parcel(tn.ID, existing.ID, "ups", "1ZTAKEN")
	mk := func(ref, carrier, number string) store.NewTracking {
		return store.NewTracking{
			Shipment: shipment.Shipment{Reference: ref, DestinationCountry: "de", Service: "express",
				Customer: shipment.Contact{Email: "b@example.com", Address: shipment.Address{City: "Berlin", Country: "DE"}}},
			Parcel: shipment.Parcel{Carrier: carrier, TrackingNumber: number},
		}
	}
	items := []store.NewTracking{
		mk("o-1", "ups", "1ZA1"),
		mk("taken", "ups", "1ZA2"),    // reference taken
		mk("o-3", "ups", "1ZTAKEN"),   // parcel taken
		mk("o-4", "NOT A SLUG", "X1"), // invalid
		mk("o-1", "dhl", "JD1"),       // reference repeated in the batch
		mk("", "dhl", "JD2"),
		mk("", "dhl", "JD2"), // parcel repeated in the batch
	}
	errs, err := c.CreateTrackings(f.ctx, tn.ID, items)
	if err != nil {
		t.Fatal(err)
	}
	want := []error{nil, store.ErrConflict, store.ErrConflict, store.ErrInvalid, store.ErrConflict, nil, store.ErrConflict}
	for i, w := range want {
		if (w == nil) != (errs[i] == nil) || (w != nil && !errors.Is(errs[i], w)) {
			t.Errorf("item %d: %v, want %v", i, errs[i], w)
		}
	}
	for _, i := range []int{0, 5} {
		it := items[i]
		if it.Shipment.ID == 0 || it.Parcel.ID == 0 || it.Parcel.ShipmentID != it.Shipment.ID {
			t.Fatalf("item %d IDs not filled in: %+v", i, it)
		}
		sh := f.getShipment(tn.ID, it.Shipment.ID)
		if sh.DestinationCountry != "DE" || sh.Service != "express" || sh.Customer.Address.City != "Berlin" || sh.Status != "pending" {
			t.Fatalf("stored shipment %d = %+v", i, sh)
		}
		ps, err := f.s.ListParcels(f.ctx, tn.ID, sh.ID)
		if err != nil || len(ps) != 1 || ps[0].TrackingNumber != it.Parcel.TrackingNumber || ps[0].NextCheckAt.IsZero() {
			t.Fatalf("parcels of item %d = %+v, %v", i, ps, err)
		}
	}
	// The shipment of the item whose parcel conflicted is not left behind.
	if _, err := f.s.FindShipmentByReference(f.ctx, tn.ID, "o-3"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("o-3: %v, want ErrNotFound", err)
	}
	page, err := f.s.ListShipments(f.ctx, tn.ID, store.ListQuery{Limit: 100})
	if err != nil || len(page.Shipments) != 3 {
		t.Fatalf("tenant has %d shipments (%v), want 3", len(page.Shipments), err)
	}
}

func testCreateTrackingsIsolation(t *testing.T, f *fixture) {
	c := f.creator()
	a, b := f.tenant(), f.tenant()
	sh := f.shipment(a.ID, "shared-ref")
	f.parcel(a.ID, sh.ID, "ups", "1ZSHARED")
	items := []store.NewTracking{{Shipment: shipment.Shipment{Reference: "shared-ref"}, Parcel: shipment.Parcel{Carrier: "ups", TrackingNumber: "1ZSHARED"}}}
	errs, err := c.CreateTrackings(f.ctx, b.ID, items)
	if err != nil || errs[0] != nil {
		t.Fatalf("tenant B reusing A's reference and number: %v, %v; want stored", errs, err)
	}
	if _, err := c.CreateTrackings(f.ctx, a.ID+b.ID+100, items); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown tenant: %v", err)
	}
}

func testGetTracking(t *testing.T, f *fixture) {
	r, ok := f.s.(store.TrackingReader)
	if !ok {
		t.Fatalf("%T does not implement store.TrackingReader", f.s)
	}
	tn, sh, p1 := f.setup()
	p2 := f.parcel(tn.ID, sh.ID, "ups", "1ZLEG2")
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	f.ingest(tn.ID, []shipment.Event{
		{ParcelID: p2.ID, Time: t0.Add(2 * time.Hour), Status: "in_transit", Text: "second"},
		{ParcelID: p1.ID, Time: t0, Status: "in_transit", Text: "first"},
	})
	got, ps, evs, err := r.GetTracking(f.ctx, tn.ID, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != sh.ID || len(ps) != 2 || ps[0].ID != p1.ID || len(evs) != 2 || evs[0].Text != "first" || evs[1].ParcelID != p2.ID {
		t.Fatalf("GetTracking = %+v, %d parcels, events %+v", got, len(ps), evs)
	}
	want := f.events(tn.ID, sh.ID)
	for i := range want {
		if want[i].Hash != evs[i].Hash {
			t.Fatalf("event %d differs from ListEvents", i)
		}
	}
	other := f.tenant()
	if _, _, _, err := r.GetTracking(f.ctx, other.ID, sh.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another tenant: %v, want ErrNotFound", err)
	}
	empty := f.shipment(tn.ID, "no-legs")
	if _, ps, evs, err := r.GetTracking(f.ctx, tn.ID, empty.ID); err != nil || len(ps) != 0 || evs == nil {
		t.Fatalf("shipment without parcels: %v, %v, %v", ps, evs, err)
	}
}
