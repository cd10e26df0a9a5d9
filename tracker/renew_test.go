package tracker_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/tracker"
)

// slowCarrier answers one number per call after a delay, and logs when
// each number's check ran and on which node.
type slowCarrier struct {
	node  string
	delay time.Duration
	log   *checkLog
}

type checkSpan struct {
	node       string
	start, end time.Time
}

type checkLog struct {
	mu    sync.Mutex
	spans map[string][]checkSpan
}

func (s *slowCarrier) Slug() string           { return "slow" }
func (s *slowCarrier) Limits() carrier.Limits { return carrier.Limits{BatchSize: 1} }
func (s *slowCarrier) Track(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	start := time.Now()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(s.delay):
	}
	out := make([]carrier.Result, len(reqs))
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	for i, r := range reqs {
		s.log.spans[r.TrackingNumber] = append(s.log.spans[r.TrackingNumber], checkSpan{s.node, start, time.Now()})
		out[i] = carrier.Result{TrackingNumber: r.TrackingNumber, Found: true, Events: []shipment.Event{{
			Time: start.Add(-time.Hour).Truncate(time.Second), OffsetSource: shipment.OffsetNone, Code: "AR",
			Text: "Arrived", Status: "in_transit", Substatus: "in_transit.arrived_facility"}}}
	}
	return out, nil
}

// Parcels wait in a slow carrier's queue several times longer than their
// lease. The node holding them renews the leases meanwhile, so the other
// node never takes one, none is given up, and each is checked once.
func TestLeaseRenewal(t *testing.T) {
	st := openSQLite(t, nil)
	ctx := t.Context()
	tn := shipment.Tenant{Slug: "shop", Name: "Shop"}
	if err := st.CreateTenant(ctx, &tn); err != nil {
		t.Fatal(err)
	}
	const parcels = 16
	for i := range parcels {
		sh := shipment.Shipment{DestinationCountry: "US"}
		if err := st.CreateShipment(ctx, tn.ID, &sh); err != nil {
			t.Fatal(err)
		}
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "slow", TrackingNumber: fmt.Sprintf("SLOW%04d", i), Leg: 1}
		if err := st.CreateParcel(ctx, tn.ID, &p); err != nil {
			t.Fatal(err)
		}
	}
	log := &checkLog{spans: map[string][]checkSpan{}}
	const lease = 300 * time.Millisecond
	var (
		mu      sync.Mutex
		checked int
	)
	node := func(name string) *tracker.Tracker {
		tr, err := tracker.New(tracker.Config{Store: st, Node: name, Workers: 1, LeaseFor: lease, ClaimBatch: parcels,
			Connectors: map[string]carrier.Connector{"slow": &slowCarrier{node: name, delay: 60 * time.Millisecond, log: log}},
			Idle:       5 * time.Millisecond, Logger: quietLog,
			OnCheck: func(c tracker.Check) {
				mu.Lock()
				if c.Outcome == "ok" {
					checked++
				}
				mu.Unlock()
			}})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	a, b := node("a"), node("b")
	runCtx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	// a claims everything first; b starts once a holds the leases.
	wg.Go(func() { _ = a.Run(runCtx) })
	for a.Stats().Claimed < parcels {
		time.Sleep(2 * time.Millisecond)
	}
	wg.Go(func() { _ = b.Run(runCtx) })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := checked
		mu.Unlock()
		if n >= parcels {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wg.Wait()

	if checked != parcels {
		t.Fatalf("%d parcels checked, want %d", checked, parcels)
	}
	if sa, sb := a.Stats(), b.Stats(); sa.LeasesLost != 0 || sb.LeasesLost != 0 {
		t.Errorf("leases lost: a %d, b %d; want none while renewed", sa.LeasesLost, sb.LeasesLost)
	}
	var waited time.Duration
	first := time.Time{}
	for number, spans := range log.spans {
		if len(spans) != 1 {
			t.Errorf("%s checked %d times: %+v", number, len(spans), spans)
			continue
		}
		if spans[0].node != "a" {
			t.Errorf("%s was checked by %s, though a held and renewed its lease", number, spans[0].node)
		}
		if first.IsZero() || spans[0].start.Before(first) {
			first = spans[0].start
		}
		waited = max(waited, spans[0].start.Sub(first))
	}
	if waited < 2*lease {
		t.Errorf("the last parcel waited %s in the queue, not long enough to need a renewal (lease %s); slow the carrier down", waited, lease)
	}
}
