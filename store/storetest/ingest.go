package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// journey returns a typical cross-border journey of n events for parcel p,
// one every hour, ending out for delivery.
func journey(p int64, n int) []shipment.Event {
	subs := []status.Substatus{status.InfoReceivedInfoReceived, status.InTransitAccepted,
		status.InTransitDepartedFacility, "", status.InTransitDepartedOriginCountry,
		status.InTransitArrivedDestinationCountry, status.InTransitCustomsProcessing,
		status.InTransitCustomsCleared, status.InTransitArrivedFacility}
	evs := make([]shipment.Event, n)
	for i := range evs {
		evs[i] = ev(p, float64(i), subs[i%len(subs)], fmt.Sprintf("scan %d", i))
	}
	evs[n-1] = ev(p, float64(n-1), status.OutForDeliveryOutForDelivery, "with courier")
	return evs
}

func testIngestIdempotent(t *testing.T, f *fixture) {
	tn, sh, p := f.setup()
	batch := journey(p.ID, 50)
	batch = append(batch, batch[7]) // a repeat inside the batch
	res := f.ingest(tn.ID, batch)
	if res.Inserted != 50 || res.Duplicates != 1 || len(res.Rejected) != 0 {
		t.Fatalf("first ingest: %+v", res)
	}
	first := f.getShipment(tn.ID, sh.ID)
	res = f.ingest(tn.ID, batch)
	if res.Inserted != 0 || res.Duplicates != 51 {
		t.Fatalf("second ingest: %+v", res)
	}
	// A cosmetic re-wording of the same event is the same event.
	again := batch[3]
	again.Text = "  SCAN   3 "
	again.Time = again.Time.In(time.FixedZone("X", 3600))
	if res := f.ingest(tn.ID, []shipment.Event{again}); res.Inserted != 0 {
		t.Errorf("re-cased event stored again: %+v", res)
	}
	evs := f.events(tn.ID, sh.ID)
	if len(evs) != 50 {
		t.Fatalf("%d events stored, want 50", len(evs))
	}
	if d := cmp.Diff(first, f.getShipment(tn.ID, sh.ID)); d != "" {
		t.Errorf("re-ingest changed the shipment:\n%s", d)
	}
	if first.Status != status.OutForDelivery {
		t.Errorf("status %s", first.Status)
	}
	// Stored events round-trip every field.
	want := batch[0]
	want.Time = want.Time.UTC()
	got := evs[0]
	if got.Hash != shipment.HashEvent(p.Carrier, p.TrackingNumber, &want) {
		t.Errorf("stored hash %q", got.Hash)
	}
	want.Hash, want.OffsetSource = got.Hash, shipment.OffsetNone
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("stored event (-want +got):\n%s", d)
	}
}

func testIngestConcurrent(t *testing.T, f *fixture) {
	tn, sh, p := f.setup()
	p2 := f.parcel(tn.ID, sh.ID, "ups", fmt.Sprintf("1ZCONC%d", p.ID))
	batch := append(journey(p.ID, 40), journey(p2.ID, 30)...)
	const workers = 6
	var wg sync.WaitGroup
	results := make([]store.IngestResult, workers)
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() { results[w], errs[w] = f.s.IngestEvents(f.ctx, tn.ID, batch) })
	}
	wg.Wait()
	total := 0
	for w := range workers {
		if errs[w] != nil {
			t.Fatalf("worker %d: %v", w, errs[w])
		}
		total += results[w].Inserted
		if results[w].Inserted+results[w].Duplicates != len(batch) {
			t.Errorf("worker %d: %+v does not add up to %d", w, results[w], len(batch))
		}
	}
	if total != 70 {
		t.Errorf("inserted %d in total, want 70", total)
	}
	if n := len(f.events(tn.ID, sh.ID)); n != 70 {
		t.Errorf("%d events stored, want 70", n)
	}
	want := shipment.Derive(batch)
	got := f.getShipment(tn.ID, sh.ID)
	if d := cmp.Diff(want, got.Progress); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
}

func testIngestOutOfOrder(t *testing.T, f *fixture) {
	tn, sh, p := f.setup()
	all := journey(p.ID, 30)
	// Newest first, in small batches, then a late batch from the middle.
	for i := 30; i > 10; i -= 5 {
		f.ingest(tn.ID, all[i-5:i])
	}
	f.ingest(tn.ID, all[:10])
	got := f.getShipment(tn.ID, sh.ID)
	if d := cmp.Diff(shipment.Derive(all), got.Progress); d != "" {
		t.Errorf("shipment progress (-want +got):\n%s", d)
	}
	pp, err := f.s.GetParcel(f.ctx, tn.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(shipment.Derive(all), pp.Progress); d != "" {
		t.Errorf("parcel progress (-want +got):\n%s", d)
	}
	if got.Milestones.InfoReceived.IsZero() || !got.Milestones.InfoReceived.Equal(all[0].Time) {
		t.Errorf("late first event did not set the milestone: %v", got.Milestones.InfoReceived)
	}
	evs := f.events(tn.ID, sh.ID)
	for i := 1; i < len(evs); i++ {
		if evs[i].Time.Before(evs[i-1].Time) {
			t.Fatalf("timeline out of order at %d", i)
		}
	}
}

func testStatusMonotonic(t *testing.T, f *fixture) {
	tn, sh, p := f.setup()
	f.ingest(tn.ID, []shipment.Event{
		ev(p.ID, 0, status.InTransitAccepted, "accepted"),
		ev(p.ID, 10, status.OutForDeliveryOutForDelivery, "out for delivery"),
		ev(p.ID, 12, status.DeliveredNeighbour, "delivered to neighbour"),
	})
	check := func(want status.Substatus, what string) {
		t.Helper()
		got := f.getShipment(tn.ID, sh.ID)
		pp, _ := f.s.GetParcel(f.ctx, tn.ID, p.ID)
		if got.Substatus != want || pp.Substatus != want {
			t.Fatalf("%s: shipment %s, parcel %s; want %s", what, got.Substatus, pp.Substatus, want)
		}
	}
	check(status.DeliveredNeighbour, "delivered")
	// Late scans, dated after delivery, in separate batches.
	f.ingest(tn.ID, []shipment.Event{ev(p.ID, 13, status.OutForDeliveryOutForDelivery, "late OFD scan")})
	check(status.DeliveredNeighbour, "late out-for-delivery")
	f.ingest(tn.ID, []shipment.Event{ev(p.ID, 14, status.InTransitArrivedFacility, "late arrival scan"), ev(p.ID, 11, status.AttemptFailRecipientUnavailable, "")})
	check(status.DeliveredNeighbour, "late transit scans")
	// An explicit return does move it.
	f.ingest(tn.ID, []shipment.Event{ev(p.ID, 40, status.ExceptionReturning, "return to sender")})
	check(status.ExceptionReturning, "returning")
	f.ingest(tn.ID, []shipment.Event{ev(p.ID, 60, status.ExceptionReturned, "returned")})
	check(status.ExceptionReturned, "returned")
	got := f.getShipment(tn.ID, sh.ID)
	if !got.Milestones.Delivered.Equal(base.Add(12*time.Hour)) || !got.Milestones.Returned.Equal(base.Add(60*time.Hour)) {
		t.Errorf("milestones %+v", got.Milestones)
	}
}

func testStatusAcrossParcels(t *testing.T, f *fixture) {
	tn, sh, first := f.setup()
	last := f.parcel(tn.ID, sh.ID, "deutsche-post", "LX987654321CN")
	f.ingest(tn.ID, []shipment.Event{
		ev(first.ID, 0, status.InTransitAccepted, ""),
		ev(first.ID, 20, status.InTransitDepartedOriginCountry, ""),
		ev(first.ID, 30, status.InTransitHandedOver, "handed to destination post"),
	})
	f.ingest(tn.ID, []shipment.Event{
		ev(last.ID, 50, status.InTransitArrivedDestinationCountry, ""),
		ev(last.ID, 60, status.OutForDeliveryOutForDelivery, ""),
	})
	// The first-mile tracker reports a stale update after the hand-off.
	f.ingest(tn.ID, []shipment.Event{ev(first.ID, 35, status.InTransitInTransit, "stale first-mile update")})
	got := f.getShipment(tn.ID, sh.ID)
	if got.Status != status.OutForDelivery {
		t.Errorf("shipment %s, want out_for_delivery from the last-mile parcel", got.Status)
	}
	pf, _ := f.s.GetParcel(f.ctx, tn.ID, first.ID)
	pl, _ := f.s.GetParcel(f.ctx, tn.ID, last.ID)
	if pf.Substatus != status.InTransitInTransit || pl.Status != status.OutForDelivery {
		t.Errorf("parcels: first %s, last %s", pf.Substatus, pl.Status)
	}
	m := got.Milestones
	if !m.PickedUp.Equal(base) || !m.DepartedOrigin.Equal(base.Add(20*time.Hour)) || !m.ArrivedDestination.Equal(base.Add(50*time.Hour)) {
		t.Errorf("milestones %+v", m)
	}
	f.ingest(tn.ID, []shipment.Event{ev(last.ID, 62, status.DeliveredDelivered, "")})
	if got := f.getShipment(tn.ID, sh.ID); got.Status != status.Delivered {
		t.Errorf("after delivery: %s", got.Status)
	}
	if n := len(f.events(tn.ID, sh.ID)); n != 7 {
		t.Errorf("merged timeline has %d events, want 7", n)
	}
}

func testStatuslessEvents(t *testing.T, f *fixture) {
	tn, sh, p := f.setup()
	f.ingest(tn.ID, []shipment.Event{ev(p.ID, 0, status.InTransitAccepted, "")})
	before := f.getShipment(tn.ID, sh.ID)
	res := f.ingest(tn.ID, []shipment.Event{ev(p.ID, 5, "", "signature image recorded"), ev(p.ID, 6, "", "notice")})
	if res.Inserted != 2 {
		t.Fatalf("%+v", res)
	}
	after := f.getShipment(tn.ID, sh.ID)
	if d := cmp.Diff(before.Progress, after.Progress); d != "" {
		t.Errorf("status-less events moved the shipment:\n%s", d)
	}
	if n := len(f.events(tn.ID, sh.ID)); n != 3 {
		t.Errorf("%d events in timeline, want 3", n)
	}
}

func testBadInput(t *testing.T, f *fixture) {
	tn, sh, p := f.setup()
	now := time.Now().UTC()
	long := strings.Repeat("Ünïcødé ", 1<<17) // ~1.2 MB
	batch := []shipment.Event{
		ev(p.ID, 1, status.InTransitAccepted, "ok"),                                                                  // 0 kept
		{ParcelID: p.ID, Text: "zero time"},                                                                          // 1 rejected
		{ParcelID: p.ID, Time: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), Text: "epoch"},                           // 2 rejected
		{ParcelID: p.ID, Time: now.Add(72 * time.Hour), Text: "from the future"},                                     // 3 rejected
		{ParcelID: p.ID, Time: base.Add(2 * time.Hour), Text: long},                                                  // 4 repaired
		{ParcelID: p.ID, Time: base.Add(3 * time.Hour), Text: "bad \xff\xfe utf8\x00"},                               // 5 repaired
		{ParcelID: p.ID, Time: base.Add(4 * time.Hour), Location: shipment.Location{Country: "ZZ", City: "Nowhere"}}, // 6 repaired
		{ParcelID: p.ID, Time: base.Add(5 * time.Hour), Status: "teleported"},                                        // 7 rejected
	}
	res := f.ingest(tn.ID, batch)
	var rejected, repaired []int
	for _, r := range res.Rejected {
		rejected = append(rejected, r.Index)
		if store.Code(r.Err) != "invalid" {
			t.Errorf("rejection %d has code %q", r.Index, store.Code(r.Err))
		}
	}
	for _, r := range res.Repaired {
		repaired = append(repaired, r.Index)
		if len(r.Repairs) == 0 {
			t.Errorf("repair %d without reason", r.Index)
		}
	}
	if d := cmp.Diff([]int{1, 2, 3, 7}, rejected); d != "" {
		t.Errorf("rejected (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]int{4, 5, 6}, repaired); d != "" {
		t.Errorf("repaired (-want +got):\n%s", d)
	}
	if res.Inserted != 4 {
		t.Errorf("inserted %d, want 4", res.Inserted)
	}
	evs := f.events(tn.ID, sh.ID)
	if len(evs) != 4 {
		t.Fatalf("%d events stored, want 4", len(evs))
	}
	for _, e := range evs {
		if !utf8.ValidString(e.Text) || len(e.Text) > shipment.MaxTextBytes || strings.ContainsRune(e.Text, 0) {
			t.Errorf("stored text not repaired: %d bytes, valid %v", len(e.Text), utf8.ValidString(e.Text))
		}
		if e.Location.City == "Nowhere" && e.Location.Country != "" {
			t.Errorf("unknown country stored: %q", e.Location.Country)
		}
	}
	if !strings.HasPrefix(long, evs[1].Text) || len(evs[1].Text) < shipment.MaxTextBytes-8 {
		t.Errorf("long text not cut on a rune boundary to the limit: %d bytes", len(evs[1].Text))
	}
	if evs[2].Text != "bad \uFFFD utf8" {
		t.Errorf("repaired text %q", evs[2].Text)
	}
}

func testBatchAllOrNothing(t *testing.T, f *fixture) {
	tn, sh, p := f.setup()
	f.ingest(tn.ID, []shipment.Event{ev(p.ID, 0, status.InTransitAccepted, "")})
	before := f.getShipment(tn.ID, sh.ID)
	// A batch naming a parcel that does not exist fails as a whole.
	batch := append(journey(p.ID, 20), ev(p.ID+9999, 30, status.DeliveredDelivered, ""))
	_, err := f.s.IngestEvents(f.ctx, tn.ID, batch)
	wantErr(t, "unknown parcel in batch", err, store.ErrNotFound)
	if n := len(f.events(tn.ID, sh.ID)); n != 1 {
		t.Errorf("%d events after a failed batch, want 1", n)
	}
	if d := cmp.Diff(before, f.getShipment(tn.ID, sh.ID)); d != "" {
		t.Errorf("failed batch changed the shipment:\n%s", d)
	}
	// A cancelled context fails the batch as a whole too.
	ctx, cancel := contextCancelled(f)
	defer cancel()
	if _, err := f.s.IngestEvents(ctx, tn.ID, journey(p.ID, 20)); err == nil {
		t.Error("ingest with a cancelled context succeeded")
	}
	if n := len(f.events(tn.ID, sh.ID)); n != 1 {
		t.Errorf("%d events after a cancelled batch, want 1", n)
	}
}
