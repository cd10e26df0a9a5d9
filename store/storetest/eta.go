package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// RunEstimates runs the contract of store.Estimates: lane statistics,
// estimates with their revision history, the inputs estimates read, and
// tenant isolation of each.
func RunEstimates(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture, store.Estimates)
	}{
		{"LaneStats", testLaneStats},
		{"SaveEstimate", testSaveEstimate},
		{"EstimateInputs", testEstimateInputs},
		{"CarrierEstimate", testCarrierEstimate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			es, ok := s.(store.Estimates)
			if !ok {
				t.Fatalf("%T does not implement store.Estimates", s)
			}
			tc.fn(t, newFixture(t, s), es)
		})
	}
}

func laneStat(origin string, n int) store.LaneStat {
	ls := store.LaneStat{Lane: store.Lane{Origin: origin, Destination: "DE", Carrier: "dhl", Service: store.AnyLane},
		Stage: "departed_origin", BinWidth: 6 * time.Hour, Bins: make([]float64, 12), N: n,
		RefreshedAt: base.Add(time.Hour)}
	ls.Bins[3], ls.Bins[11] = float64(n-1), 1
	ls.Weekdays[time.Monday] = float64(n)
	return ls
}

func testLaneStats(t *testing.T, f *fixture, es store.Estimates) {
	a, b := f.tenant(), f.tenant()
	first := []store.LaneStat{laneStat("CN", 40), laneStat("US", 7)}
	if err := es.ReplaceLaneStats(f.ctx, a.ID, first); err != nil {
		t.Fatal(err)
	}
	got, err := es.LaneStats(f.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(first, got); d != "" {
		t.Fatalf("lane stats round trip (-stored +read):\n%s", d)
	}
	if other, err := es.LaneStats(f.ctx, b.ID); err != nil || len(other) != 0 {
		t.Fatalf("another tenant sees %d lane stats (err %v)", len(other), err)
	}
	// Replacing drops rows that are not in the new set.
	second := []store.LaneStat{laneStat("GB", 3)}
	if err := es.ReplaceLaneStats(f.ctx, a.ID, second); err != nil {
		t.Fatal(err)
	}
	if got, _ := es.LaneStats(f.ctx, a.ID); len(got) != 1 || got[0].Origin != "GB" {
		t.Fatalf("after replace: %+v", got)
	}
}

func estimateAt(shipmentID int64, likely time.Time, reason string) store.DeliveryEstimate {
	d := func(n int) time.Time { return likely.Add(time.Duration(n) * 24 * time.Hour) }
	return store.DeliveryEstimate{ShipmentID: shipmentID, Stage: "departed_origin", Basis: "lane", Samples: 120,
		MostLikely: likely, Earliest: d(-1), Latest: d(2), Confidence: 0.8, Earliest50: likely, Latest50: d(1),
		Earliest95: d(-2), Latest95: d(5), PromisedDate: d(1), MissProbability: 0.25, Reason: reason,
		ComputedAt: base.Add(time.Minute)}
}

func testSaveEstimate(t *testing.T, f *fixture, es store.Estimates) {
	tn, sh, _ := f.setup()
	other := f.tenant()
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

	e1 := estimateAt(sh.ID, day, "first estimate")
	if _, ok, err := es.SaveEstimate(f.ctx, tn.ID, e1); err != nil || ok {
		t.Fatalf("first save: ok=%v err=%v", ok, err)
	}
	got, err := es.GetEstimate(f.ctx, tn.ID, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	e1.TenantID = tn.ID
	if d := cmp.Diff(e1, got); d != "" {
		t.Fatalf("estimate round trip (-saved +read):\n%s", d)
	}

	// The same days again update the estimate but add no revision.
	same := estimateAt(sh.ID, day, "recomputed")
	same.MissProbability = 0.3
	prev, ok, err := es.SaveEstimate(f.ctx, tn.ID, same)
	if err != nil || !ok || prev.Reason != "first estimate" {
		t.Fatalf("second save: prev=%+v ok=%v err=%v", prev, ok, err)
	}
	if got, _ := es.GetEstimate(f.ctx, tn.ID, sh.ID); got.MissProbability != 0.3 || got.Reason != "recomputed" {
		t.Errorf("estimate not updated: %+v", got)
	}
	moved := estimateAt(sh.ID, day.Add(48*time.Hour), "customs held")
	if prev, ok, err := es.SaveEstimate(f.ctx, tn.ID, moved); err != nil || !ok || !prev.MostLikely.Equal(day) {
		t.Fatalf("third save: prev=%v ok=%v err=%v", prev.MostLikely, ok, err)
	}
	revs, err := es.EstimateRevisions(f.ctx, tn.ID, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Reason != "first estimate" || revs[1].Reason != "customs held" ||
		!revs[1].MostLikely.Equal(day.Add(48*time.Hour)) {
		t.Fatalf("revisions: %+v", revs)
	}

	// Another tenant neither reads nor writes it.
	if _, err := es.GetEstimate(f.ctx, other.ID, sh.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant GetEstimate: %v", err)
	}
	if _, _, err := es.SaveEstimate(f.ctx, other.ID, estimateAt(sh.ID, day, "x")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant SaveEstimate: %v", err)
	}
	if revs, err := es.EstimateRevisions(f.ctx, other.ID, sh.ID); err != nil || len(revs) != 0 {
		t.Errorf("other tenant sees %d revisions (err %v)", len(revs), err)
	}
	bad := estimateAt(sh.ID, day, "x")
	bad.Latest = time.Time{}
	if _, _, err := es.SaveEstimate(f.ctx, tn.ID, bad); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("estimate without dates: %v", err)
	}
	if got, _ := es.GetEstimate(f.ctx, tn.ID, sh.ID); !got.MostLikely.Equal(day.Add(48 * time.Hour)) {
		t.Errorf("a rejected estimate changed the stored one: %v", got.MostLikely)
	}
}

func testEstimateInputs(t *testing.T, f *fixture, es store.Estimates) {
	tn := f.tenant()
	other := f.tenant()
	mk := func(ref, service string) (shipment.Shipment, shipment.Parcel) {
		sh := shipment.Shipment{Reference: ref, OriginCountry: "CN", DestinationCountry: "DE", Service: service,
			PromisedDate: base.Add(20 * 24 * time.Hour)}
		if err := f.s.CreateShipment(f.ctx, tn.ID, &sh); err != nil {
			t.Fatal(err)
		}
		first := f.parcel(tn.ID, sh.ID, "china-post", fmt.Sprintf("RR%09dCN", seq.Add(1)))
		last := shipment.Parcel{ShipmentID: sh.ID, Carrier: "dhl", TrackingNumber: fmt.Sprintf("JD%018d", seq.Add(1)), Leg: 2}
		if err := f.s.CreateParcel(f.ctx, tn.ID, &last); err != nil {
			t.Fatal(err)
		}
		return sh, first
	}
	done, p1 := mk("delivered-1", "economy")
	active, p2 := mk("active-1", "economy")
	f.ingest(tn.ID, []shipment.Event{
		ev(p1.ID, 0, status.InfoReceivedInfoReceived, "label"),
		ev(p1.ID, 30, status.InTransitDepartedOriginCountry, "departed"),
		ev(p1.ID, 100, status.DeliveredDelivered, "delivered"),
		ev(p2.ID, 0, status.InfoReceivedInfoReceived, "label"),
		ev(p2.ID, 40, status.InTransitDepartedOriginCountry, "departed"),
	})

	in, err := es.EstimateInput(f.ctx, tn.ID, active.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Lane{Origin: "CN", Destination: "DE", Carrier: "china-post", Service: "economy"}
	if in.Lane != want || in.ShipmentID != active.ID {
		t.Errorf("lane %+v, want %+v (the first leg's carrier)", in.Lane, want)
	}
	if !in.Milestones.DepartedOrigin.Equal(base.Add(40*time.Hour)) || !in.PromisedDate.Equal(active.PromisedDate) ||
		!in.CreatedAt.Equal(active.CreatedAt) {
		t.Errorf("input %+v", in)
	}
	if _, err := es.EstimateInput(f.ctx, other.ID, active.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant EstimateInput: %v", err)
	}

	var got []store.LaneSample
	err = es.DeliveredSamples(f.ctx, tn.ID, base.Add(50*time.Hour), func(l store.LaneSample) error {
		got = append(got, l)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ShipmentID != done.ID || !got[0].Milestones.Delivered.Equal(base.Add(100*time.Hour)) {
		t.Fatalf("delivered samples: %+v", got)
	}
	n := 0
	_ = es.DeliveredSamples(f.ctx, tn.ID, base.Add(101*time.Hour), func(store.LaneSample) error { n++; return nil })
	_ = es.DeliveredSamples(f.ctx, other.ID, base, func(store.LaneSample) error { n++; return nil })
	if n != 0 {
		t.Errorf("%d samples delivered before since or of another tenant", n)
	}
	stop := errors.New("stop")
	if err := es.DeliveredSamples(f.ctx, tn.ID, base, func(store.LaneSample) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("callback error not returned: %v", err)
	}

	act, err := es.ActiveEstimateInputs(f.ctx, tn.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(act) != 1 || act[0].ShipmentID != active.ID {
		t.Fatalf("active inputs: %+v", act)
	}
	if act, _ := es.ActiveEstimateInputs(f.ctx, tn.ID, active.ID, 10); len(act) != 0 {
		t.Errorf("page after the last: %+v", act)
	}
	if act, _ := es.ActiveEstimateInputs(f.ctx, other.ID, 0, 10); len(act) != 0 {
		t.Errorf("other tenant sees %d active inputs", len(act))
	}
	ids, err := es.EstimateTenants(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, id := range ids {
		found = found || id == tn.ID
		if id == other.ID {
			t.Errorf("tenant %d without shipments listed", id)
		}
	}
	if !found {
		t.Errorf("tenant %d not listed in %v", tn.ID, ids)
	}
}

func testCarrierEstimate(t *testing.T, f *fixture, es store.Estimates) {
	tn, sh, _ := f.setup()
	other := f.tenant()
	at := time.Date(2026, 4, 2, 17, 30, 0, 0, time.FixedZone("X", -5*3600))
	if err := es.SetCarrierEstimate(f.ctx, tn.ID, sh.ID, at); err != nil {
		t.Fatal(err)
	}
	in, err := es.EstimateInput(f.ctx, tn.ID, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC); !in.CarrierDate.Equal(want) {
		t.Errorf("carrier date %v, want %v (the UTC day)", in.CarrierDate, want)
	}
	if err := es.SetCarrierEstimate(f.ctx, other.ID, sh.ID, at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant SetCarrierEstimate: %v", err)
	}
	if err := es.SetCarrierEstimate(f.ctx, tn.ID, sh.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if in, _ := es.EstimateInput(f.ctx, tn.ID, sh.ID); !in.CarrierDate.IsZero() {
		t.Errorf("carrier date not cleared: %v", in.CarrierDate)
	}
}
