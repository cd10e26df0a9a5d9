package tracker_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/tracker"
)

// promising answers with one event and the delivery date it declares.
type promising struct {
	date  atomic.Value // string
	calls atomic.Int64
}

func (p *promising) Slug() string           { return "promise" }
func (p *promising) Limits() carrier.Limits { return carrier.Limits{BatchSize: 10} }
func (p *promising) Track(_ context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	p.calls.Add(1)
	out := make([]carrier.Result, len(reqs))
	for i, r := range reqs {
		out[i] = carrier.Result{TrackingNumber: r.TrackingNumber, Found: true, ETA: &carrier.ETA{Date: p.date.Load().(string)},
			Events: []shipment.Event{{Time: time.Now().Add(-time.Hour).Truncate(time.Second), OffsetSource: shipment.OffsetNone,
				Code: "AR", Text: "Arrived", Status: "in_transit", Substatus: "in_transit.arrived_facility"}}}
	}
	return out, nil
}

// The delivery date a carrier declares is stored with the shipment, where
// delivery estimates read it.
func TestTrackerStoresCarrierETA(t *testing.T) {
	st := openSQLite(t, nil)
	ctx := t.Context()
	tn := shipment.Tenant{Slug: "shop", Name: "Shop"}
	if err := st.CreateTenant(ctx, &tn); err != nil {
		t.Fatal(err)
	}
	sh := shipment.Shipment{DestinationCountry: "US"}
	if err := st.CreateShipment(ctx, tn.ID, &sh); err != nil {
		t.Fatal(err)
	}
	p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "promise", TrackingNumber: "PROMISE1", Leg: 1}
	if err := st.CreateParcel(ctx, tn.ID, &p); err != nil {
		t.Fatal(err)
	}
	conn := &promising{}
	conn.date.Store("2026-12-03")
	var checks atomic.Int64
	tr, err := tracker.New(tracker.Config{Store: st, Node: "n", Connectors: map[string]carrier.Connector{"promise": conn},
		Idle: 5 * time.Millisecond, Logger: quietLog, OnCheck: func(tracker.Check) { checks.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	runFor(t, tr, func() bool { return checks.Load() >= 1 })
	in, err := st.(store.Estimates).EstimateInput(ctx, tn.ID, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC); !in.CarrierDate.Equal(want) {
		t.Errorf("carrier date stored = %v, want %v", in.CarrierDate, want)
	}
}
