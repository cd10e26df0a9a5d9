package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// dueParcels creates n parcels under one shipment, due at base+i minutes.
func (f *fixture) dueParcels(n int) (shipment.Tenant, []shipment.Parcel) {
	f.t.Helper()
	tn := f.tenant()
	sh := f.shipment(tn.ID, "")
	ps := make([]shipment.Parcel, n)
	for i := range ps {
		ps[i] = shipment.Parcel{ShipmentID: sh.ID, Carrier: "usps", TrackingNumber: fmt.Sprintf("9400%018d", seq.Add(1)),
			NextCheckAt: base.Add(time.Duration(i) * time.Minute)}
		if err := f.s.CreateParcel(f.ctx, tn.ID, &ps[i]); err != nil {
			f.t.Fatal(err)
		}
	}
	return tn, ps
}

func testClaimDue(t *testing.T, f *fixture) {
	_, ps := f.dueParcels(10)
	now := base.Add(5*time.Minute + 30*time.Second) // parcels 0..5 are due
	got, err := f.s.ClaimDue(f.ctx, now, 4, "node-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("claimed %d, want 4", len(got))
	}
	for i, p := range got {
		if p.ID != ps[i].ID || p.LeaseOwner != "node-1" || !p.LeaseUntil.Equal(now.Add(time.Minute)) {
			t.Errorf("claim %d: got parcel %d owner %q until %v; want the most overdue first", i, p.ID, p.LeaseOwner, p.LeaseUntil)
		}
	}
	rest, err := f.s.ClaimDue(f.ctx, now, 100, "node-2", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 2 || rest[0].ID != ps[4].ID || rest[1].ID != ps[5].ID {
		t.Errorf("second claimer got %d parcels, want parcels 4 and 5", len(rest))
	}
	// Leases expire: after a minute the first four are claimable again.
	later := now.Add(time.Minute + time.Second)
	again, err := f.s.ClaimDue(f.ctx, later, 100, "node-3", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 7 { // 0..5 with expired leases, plus 6 now due
		t.Errorf("after expiry claimed %d, want 7", len(again))
	}
	_, err = f.s.ClaimDue(f.ctx, now, 0, "x", time.Minute)
	wantErr(t, "zero limit", err, store.ErrInvalid)
}

func testClaimConcurrent(t *testing.T, f *fixture) {
	_, ps := f.dueParcels(60)
	now := base.Add(2 * time.Hour)
	const claimers = 4
	var (
		mu    sync.Mutex
		owner = map[int64]string{}
		wg    sync.WaitGroup
	)
	for c := range claimers {
		name := fmt.Sprintf("node-%d", c)
		wg.Go(func() {
			for {
				got, err := f.s.ClaimDue(f.ctx, now, 7, name, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, p := range got {
					if prev, dup := owner[p.ID]; dup {
						t.Errorf("parcel %d claimed by %s and %s", p.ID, prev, name)
					}
					owner[p.ID] = name
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(owner) != len(ps) {
		t.Errorf("%d parcels claimed, want %d", len(owner), len(ps))
	}
}

func testLeaseLifecycle(t *testing.T, f *fixture) {
	tn, ps := f.dueParcels(1)
	p := ps[0]
	now := base.Add(time.Hour)
	if got, _ := f.s.ClaimDue(f.ctx, now, 1, "node-1", time.Minute); len(got) != 1 {
		t.Fatal("not claimed")
	}
	// node-1 stalls; its lease expires and node-2 takes the parcel.
	if got, _ := f.s.ClaimDue(f.ctx, now.Add(2*time.Minute), 1, "node-2", time.Minute); len(got) != 1 {
		t.Fatal("expired lease not reclaimed")
	}
	err := f.s.Reschedule(f.ctx, tn.ID, p.ID, "node-1", store.CheckResult{Result: "ok", NextCheckAt: now.Add(time.Hour)})
	wantErr(t, "stale owner reschedules", err, store.ErrLeaseLost)
	if store.Code(err) != "lease_lost" {
		t.Errorf("code %q", store.Code(err))
	}
	wantErr(t, "stale owner releases", f.s.ReleaseLease(f.ctx, tn.ID, p.ID, "node-1"), store.ErrLeaseLost)

	// Two failures in a row, then a success.
	checked := now.Add(2 * time.Minute)
	for i := 1; i <= 2; i++ {
		if err := f.s.Reschedule(f.ctx, tn.ID, p.ID, "node-2", store.CheckResult{CheckedAt: checked, Result: "error", Err: "HTTP 503", NextCheckAt: checked.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.s.GetParcel(f.ctx, tn.ID, p.ID)
		if got.ConsecutiveErrors != i || got.LastError != "HTTP 503" || got.LeaseOwner != "" || !got.LeaseUntil.IsZero() {
			t.Fatalf("after failure %d: %+v", i, got)
		}
		if c, _ := f.s.ClaimDue(f.ctx, checked, 1, "node-2", time.Minute); len(c) != 0 {
			t.Fatal("parcel claimable before its next check")
		}
		if c, _ := f.s.ClaimDue(f.ctx, checked.Add(time.Minute), 1, "node-2", time.Minute); len(c) != 1 {
			t.Fatal("parcel not claimable at its next check")
		}
		checked = checked.Add(time.Minute)
	}
	next := checked.Add(6 * time.Hour)
	if err := f.s.Reschedule(f.ctx, tn.ID, p.ID, "node-2", store.CheckResult{CheckedAt: checked, Result: "ok", NextCheckAt: next}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.GetParcel(f.ctx, tn.ID, p.ID)
	if got.ConsecutiveErrors != 0 || got.LastError != "" || got.LastResult != "ok" || !got.NextCheckAt.Equal(next) || !got.LastCheckedAt.Equal(checked) {
		t.Errorf("after success: %+v", got)
	}
	// Release without a check: the parcel is immediately claimable again.
	if c, _ := f.s.ClaimDue(f.ctx, next, 1, "node-3", time.Hour); len(c) != 1 {
		t.Fatal("not claimed at next check")
	}
	if err := f.s.ReleaseLease(f.ctx, tn.ID, p.ID, "node-3"); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.s.ClaimDue(f.ctx, next, 1, "node-4", time.Hour); len(c) != 1 {
		t.Error("released parcel not claimable")
	}
	// Not rescheduled: a zero next check takes the parcel out of the schedule.
	if err := f.s.Reschedule(f.ctx, tn.ID, p.ID, "node-4", store.CheckResult{Result: "delivered"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.s.ClaimDue(f.ctx, next.Add(1000*time.Hour), 1, "node-5", time.Hour); len(c) != 0 {
		t.Error("unscheduled parcel claimed")
	}
}

// testExtendLeases: a renewed lease keeps other claimers away past its
// first expiry; a lapsed or foreign lease is not renewed.
func testExtendLeases(t *testing.T, f *fixture) {
	_, ps := f.dueParcels(3)
	now := time.Now().UTC()
	got, err := f.s.ClaimDue(f.ctx, now, 10, "a#1", time.Minute)
	if err != nil || len(got) != 3 {
		t.Fatalf("ClaimDue: %d parcels, %v", len(got), err)
	}
	ids := []int64{ps[0].ID, ps[1].ID, ps[2].ID}
	kept, err := f.s.ExtendLeases(f.ctx, "a#1", ids[:2], now.Add(50*time.Second), 5*time.Minute)
	if err != nil || len(kept) != 2 {
		t.Fatalf("ExtendLeases: kept %v, %v; want the two asked for", kept, err)
	}
	if kept, _ := f.s.ExtendLeases(f.ctx, "b#1", ids, now.Add(50*time.Second), 5*time.Minute); len(kept) != 0 {
		t.Errorf("another owner renewed %v", kept)
	}
	// Two minutes on, only the unrenewed parcel is free.
	taken, err := f.s.ClaimDue(f.ctx, now.Add(2*time.Minute), 10, "b#2", time.Minute)
	if err != nil || len(taken) != 1 || taken[0].ID != ps[2].ID {
		t.Fatalf("claim after the first expiry got %v (%v), want only parcel %d", taken, err, ps[2].ID)
	}
	// The lapsed lease cannot be renewed by its old owner.
	kept, err = f.s.ExtendLeases(f.ctx, "a#1", ids, now.Add(2*time.Minute), 5*time.Minute)
	if err != nil || len(kept) != 2 || kept[0] != min(ids[0], ids[1]) {
		t.Errorf("renewal after the third was taken: kept %v, %v; want the first two", kept, err)
	}
	if _, err := f.s.ExtendLeases(f.ctx, "", ids, now, time.Minute); err == nil {
		t.Error("empty owner accepted")
	}
	// An expired lease that nobody took is not renewed either: the parcel
	// may be claimed at any moment.
	later := now.Add(20 * time.Minute)
	if kept, _ := f.s.ExtendLeases(f.ctx, "a#1", ids, later, 5*time.Minute); len(kept) != 0 {
		t.Errorf("expired leases renewed: %v", kept)
	}
}
