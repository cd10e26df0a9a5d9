package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// BenchData is a tenant with parcels to ingest benchmark batches into.
type BenchData struct {
	TenantID int64
	Parcels  []shipment.Parcel
	start    time.Time
}

// NewBenchData creates a tenant with n shipments of one parcel each.
func NewBenchData(tb testing.TB, s store.Store, n int) *BenchData {
	tb.Helper()
	ctx := context.Background()
	tn := shipment.Tenant{Slug: fmt.Sprintf("bench-%d", seq.Add(1))}
	if err := s.CreateTenant(ctx, &tn); err != nil {
		tb.Fatal(err)
	}
	d := &BenchData{TenantID: tn.ID, start: time.Now().UTC().Add(-30 * 24 * time.Hour)}
	for i := range n {
		sh := shipment.Shipment{Reference: fmt.Sprintf("bench-%d", i)}
		if err := s.CreateShipment(ctx, tn.ID, &sh); err != nil {
			tb.Fatal(err)
		}
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "ups", TrackingNumber: fmt.Sprintf("1ZBENCH%011d", seq.Add(1))}
		if err := s.CreateParcel(ctx, tn.ID, &p); err != nil {
			tb.Fatal(err)
		}
		d.Parcels = append(d.Parcels, p)
	}
	return d
}

var benchSubs = []status.Substatus{status.InTransitArrivedFacility, status.InTransitDepartedFacility, "",
	status.InTransitCustomsProcessing, status.InTransitInTransit}

// Batch returns batch number i of size events spread evenly over the
// parcels, each event one second after the previous one of its parcel, so
// batches arrive in time order as a poller would deliver them. The first
// dups events repeat events of batch i-1 (as a carrier returns the whole
// history on every poll). With withHash the events carry their hash, as a
// raw insert needs.
func (d *BenchData) Batch(i, size, dups int, withHash bool) []shipment.Event {
	out := make([]shipment.Event, 0, size)
	gen := func(batch, k int) shipment.Event {
		p := d.Parcels[k%len(d.Parcels)]
		n := batch*size + k // global event number
		e := shipment.Event{
			ParcelID: p.ID, Time: d.start.Add(time.Duration(n/len(d.Parcels)) * time.Second),
			LocalTime: "2026-05-01T10:00:00", Zone: "America/Chicago", UTCOffset: -5 * 3600, OffsetSource: shipment.OffsetExplicit,
			Location: shipment.Location{Text: "LOUISVILLE, KY US", City: "Louisville", State: "KY", PostalCode: "40201", Country: "US"},
			Code:     "AR", Text: fmt.Sprintf("Arrived at facility %d", n), Language: "en", Substatus: benchSubs[k%len(benchSubs)],
		}
		e.Status = e.Substatus.Status()
		if withHash {
			e.Hash = shipment.HashEvent(p.Carrier, p.TrackingNumber, &e)
		}
		return e
	}
	for k := range size {
		if k < dups && i > 0 {
			out = append(out, gen(i-1, size-1-k))
			continue
		}
		out = append(out, gen(i, k))
	}
	return out
}

// BenchmarkIngest measures IngestEvents with batches of 1,000 events over
// 50 parcels, 10% of them repeats of the previous batch, and reports
// events/s (all events submitted) and new-events/s.
func BenchmarkIngest(b *testing.B, s store.Store) {
	const size, dups = 1000, 100
	d := NewBenchData(b, s, 50)
	ctx := context.Background()
	batches := make([][]shipment.Event, 0, 64)
	inserted := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if i >= len(batches) {
			batches = append(batches, d.Batch(i, size, dups, false))
		}
		b.StartTimer()
		res, err := s.IngestEvents(ctx, d.TenantID, batches[i])
		if err != nil {
			b.Fatal(err)
		}
		if i > 0 && res.Duplicates != dups {
			b.Fatalf("batch %d: %d duplicates, want %d", i, res.Duplicates, dups)
		}
		inserted += res.Inserted
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*size)/sec, "events/s")
	b.ReportMetric(float64(inserted)/sec, "new-events/s")
}

// BenchmarkIngestParallel runs BenchmarkIngest's workload from workers
// goroutines at once, each on its own tenant and parcels, as several
// pollers (or nodes) would, and reports the total events/s.
func BenchmarkIngestParallel(b *testing.B, s store.Store, workers int) {
	const size, dups = 1000, 100
	data := make([]*BenchData, workers)
	for w := range data {
		data[w] = NewBenchData(b, s, 50)
	}
	ctx := context.Background()
	var next atomic.Int64 // batches handed out, across workers
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			d := data[w]
			for i := 0; next.Add(1) <= int64(b.N); i++ {
				if _, err := s.IngestEvents(ctx, d.TenantID, d.Batch(i, size, dups, false)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N*size)/time.Since(start).Seconds(), "events/s")
}
