package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// testScheduleReason: the reason of a reschedule is stored; a deferral moves
// the next check and releases the lease without touching the outcome of
// the last check; only the lease holder may defer.
func testScheduleReason(t *testing.T, f *fixture) {
	tn, ps := f.dueParcels(1)
	p := ps[0]
	if p.NextCheckReason != "new parcel" {
		t.Errorf("new parcel reason %q", p.NextCheckReason)
	}
	now := base.Add(time.Hour)
	if got, _ := f.s.ClaimDue(f.ctx, now, 1, "node-1", time.Minute); len(got) != 1 {
		t.Fatal("not claimed")
	}
	if err := f.s.Reschedule(f.ctx, tn.ID, p.ID, "node-1", store.CheckResult{CheckedAt: now, Result: "error", Err: "HTTP 503",
		NextCheckAt: now.Add(time.Hour), Reason: "backoff after errors"}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.GetParcel(f.ctx, tn.ID, p.ID)
	if got.NextCheckReason != "backoff after errors" || got.ConsecutiveErrors != 1 {
		t.Fatalf("after reschedule: reason %q, errors %d", got.NextCheckReason, got.ConsecutiveErrors)
	}
	later := now.Add(time.Hour)
	if c, _ := f.s.ClaimDue(f.ctx, later, 1, "node-2", time.Minute); len(c) != 1 {
		t.Fatal("not claimed at its next check")
	}
	wantErr(t, "defer by a non-owner", f.s.DeferCheck(f.ctx, tn.ID, p.ID, "node-1", later.Add(time.Hour), "x"), store.ErrLeaseLost)
	wantErr(t, "defer another tenant's parcel", f.s.DeferCheck(f.ctx, tn.ID+1000, p.ID, "node-2", later, "x"), store.ErrNotFound)
	at := later.Add(3 * time.Hour)
	if err := f.s.DeferCheck(f.ctx, tn.ID, p.ID, "node-2", at, "deferred: circuit_open"); err != nil {
		t.Fatal(err)
	}
	got, _ = f.s.GetParcel(f.ctx, tn.ID, p.ID)
	if !got.NextCheckAt.Equal(at) || got.NextCheckReason != "deferred: circuit_open" || got.LeaseOwner != "" ||
		got.ConsecutiveErrors != 1 || got.LastError != "HTTP 503" || !got.LastCheckedAt.Equal(now) {
		t.Fatalf("after deferral: %+v", got)
	}
	if c, _ := f.s.ClaimDue(f.ctx, at.Add(-time.Second), 1, "node-3", time.Minute); len(c) != 0 {
		t.Fatal("deferred parcel claimed before its time")
	}
}

// testScheduleCheck: a parcel can be made due (retrack) or pushed back
// (push) outside a lease, also one that had stopped; only the tenant's.
func testScheduleCheck(t *testing.T, f *fixture) {
	tn, ps := f.dueParcels(1)
	p := ps[0]
	now := base.Add(time.Hour)
	if got, _ := f.s.ClaimDue(f.ctx, now, 1, "node-1", time.Minute); len(got) != 1 {
		t.Fatal("not claimed")
	}
	if err := f.s.Reschedule(f.ctx, tn.ID, p.ID, "node-1", store.CheckResult{CheckedAt: now, Result: "ok", Reason: "final status: tracking complete"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.s.ClaimDue(f.ctx, now.Add(1000*time.Hour), 1, "node-2", time.Minute); len(c) != 0 {
		t.Fatal("stopped parcel claimed")
	}
	if err := f.s.ScheduleCheck(f.ctx, tn.ID, p.ID, now.Add(2*time.Hour), "retrack requested"); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.GetParcel(f.ctx, tn.ID, p.ID)
	if !got.NextCheckAt.Equal(now.Add(2*time.Hour)) || got.NextCheckReason != "retrack requested" {
		t.Fatalf("after schedule: %+v", got)
	}
	if c, _ := f.s.ClaimDue(f.ctx, now.Add(2*time.Hour), 1, "node-2", time.Minute); len(c) != 1 {
		t.Fatal("retracked parcel not claimable")
	}
	other := f.tenant()
	wantErr(t, "another tenant", f.s.ScheduleCheck(f.ctx, other.ID, p.ID, now, "x"), store.ErrNotFound)
	wantErr(t, "zero time", f.s.ScheduleCheck(f.ctx, tn.ID, p.ID, time.Time{}, "x"), store.ErrInvalid)
}

// testFindParcelsByNumber: one number, parcels of two tenants, found
// together; an unknown number is ErrNotFound.
func testFindParcelsByNumber(t *testing.T, f *fixture) {
	number := fmt.Sprintf("LX%09dCN", seq.Add(1)%1e9)
	var want []int64
	for range 2 {
		tn := f.tenant()
		sh := f.shipment(tn.ID, "")
		for _, c := range []string{"china-post", "usps"} {
			p := shipment.Parcel{ShipmentID: sh.ID, Carrier: c, TrackingNumber: number}
			if err := f.s.CreateParcel(f.ctx, tn.ID, &p); err != nil {
				t.Fatal(err)
			}
			want = append(want, p.ID)
		}
	}
	got, err := f.s.FindParcelsByNumber(f.ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("found %d parcels, want %d", len(got), len(want))
	}
	for i, p := range got {
		if p.ID != want[i] || p.TrackingNumber != number || p.TenantID == 0 {
			t.Errorf("parcel %d: %+v, want id %d", i, p, want[i])
		}
	}
	_, err = f.s.FindParcelsByNumber(f.ctx, "NOSUCHNUMBER")
	wantErr(t, "unknown number", err, store.ErrNotFound)
}

// testCountDue counts due parcels without a live lease.
func testCountDue(t *testing.T, f *fixture) {
	// Other tests share nothing with this store, so counts are exact.
	f.dueParcels(10) // due at base, base+1m, ... base+9m
	now := base.Add(4*time.Minute + 30*time.Second)
	if n, err := f.s.CountDue(f.ctx, now); err != nil || n != 5 {
		t.Fatalf("CountDue = %d, %v; want 5", n, err)
	}
	if _, err := f.s.ClaimDue(f.ctx, now, 2, "node-1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.s.CountDue(f.ctx, now); n != 3 {
		t.Errorf("after leasing 2: %d due, want 3", n)
	}
	if n, _ := f.s.CountDue(f.ctx, now.Add(time.Hour)); n != 10 {
		t.Errorf("after the leases expired: %d due, want 10", n)
	}
	if err := f.s.Ping(f.ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// testRescheduleMany: a batch of outcomes is stored in one call; parcels
// whose lease passed to another node are reported and left alone.
func testRescheduleMany(t *testing.T, f *fixture) {
	tn, ps := f.dueParcels(5)
	now := base.Add(time.Hour)
	if got, _ := f.s.ClaimDue(f.ctx, now, 5, "node-1", time.Minute); len(got) != 5 {
		t.Fatal("not claimed")
	}
	// Parcel 4's lease is released and taken by node-2.
	if err := f.s.ReleaseLease(f.ctx, tn.ID, ps[4].ID, "node-1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.s.ClaimDue(f.ctx, now, 5, "node-2", time.Minute); len(got) != 1 {
		t.Fatal("released parcel not claimed by node-2")
	}
	var checks []store.ParcelCheck
	for i, p := range ps {
		c := store.ParcelCheck{TenantID: tn.ID, ParcelID: p.ID, Owner: "node-1", CheckResult: store.CheckResult{
			CheckedAt: now, NextCheckAt: now.Add(time.Duration(i+1) * time.Hour), Result: "ok", Reason: fmt.Sprintf("reason %d", i)}}
		if i == 1 {
			c.Result, c.Err = "error", "HTTP 500"
		}
		if i == 3 {
			c.TenantID += 1000 // not the parcel's tenant
		}
		checks = append(checks, c)
	}
	lost, err := f.s.RescheduleMany(f.ctx, checks)
	if err != nil {
		t.Fatal(err)
	}
	if len(lost) != 2 || lost[0] != ps[3].ID || lost[1] != ps[4].ID {
		t.Fatalf("lost %v, want [%d %d]", lost, ps[3].ID, ps[4].ID)
	}
	if got, _ := f.s.GetParcel(f.ctx, tn.ID, ps[3].ID); got.LeaseOwner != "node-1" || !got.LastCheckedAt.IsZero() {
		t.Errorf("parcel named with the wrong tenant was changed: %+v", got)
	}
	for i, p := range ps[:3] {
		got, _ := f.s.GetParcel(f.ctx, tn.ID, p.ID)
		wantErrs := 0
		if i == 1 {
			wantErrs = 1
		}
		if got.LeaseOwner != "" || !got.NextCheckAt.Equal(now.Add(time.Duration(i+1)*time.Hour)) || got.NextCheckReason != fmt.Sprintf("reason %d", i) ||
			!got.LastCheckedAt.Equal(now) || got.ConsecutiveErrors != wantErrs {
			t.Errorf("parcel %d after RescheduleMany: %+v", i, got)
		}
	}
	got, _ := f.s.GetParcel(f.ctx, tn.ID, ps[4].ID)
	if got.LeaseOwner != "node-2" || !got.LastCheckedAt.IsZero() {
		t.Errorf("parcel with a lost lease was changed: %+v", got)
	}
	if lost, err := f.s.RescheduleMany(f.ctx, nil); err != nil || len(lost) != 0 {
		t.Errorf("empty batch: %v, %v", lost, err)
	}
}
