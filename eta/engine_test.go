package eta_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/waypost/waypost/eta"
	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
)

type revision struct {
	old, new store.DeliveryEstimate
	reason   string
}

// TestEngineRevisesOnChange runs the engine on a real SQLite store: lane
// statistics from delivered shipments, an estimate when a change task
// arrives, a revision with its reason when the shipment reaches the
// destination country, and the hook told of the move.
func TestEngineRevisesOnChange(t *testing.T) {
	ctx := t.Context()
	st := testdb.OpenSQLite(t, sqlite.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	tn := shipment.Tenant{Slug: "shop", Name: "Shop"}
	if err := st.CreateTenant(ctx, &tn); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	n := 0
	newShipment := func(events func(p int64) []shipment.Event) int64 {
		n++
		sh := shipment.Shipment{Reference: fmt.Sprintf("o%d", n), OriginCountry: "CN", DestinationCountry: "DE", Service: "economy"}
		if err := st.CreateShipment(ctx, tn.ID, &sh); err != nil {
			t.Fatal(err)
		}
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "yunexpress", TrackingNumber: fmt.Sprintf("YT%016d", n)}
		if err := st.CreateParcel(ctx, tn.ID, &p); err != nil {
			t.Fatal(err)
		}
		if res, err := st.IngestEvents(ctx, tn.ID, events(p.ID)); err != nil || len(res.Rejected) > 0 {
			t.Fatalf("ingest: %v %+v", err, res.Rejected)
		}
		return sh.ID
	}
	ev := func(p int64, at time.Time, sub status.Substatus) shipment.Event {
		return shipment.Event{ParcelID: p, Time: at, Status: sub.Status(), Substatus: sub, Text: string(sub)}
	}
	// History: departure, arrival 6-7 days later, delivery 2 days after.
	for i := range 60 {
		dep := now.Add(-time.Duration(20+i) * 24 * time.Hour)
		arr := dep.Add(6*24*time.Hour + time.Duration(i%24)*time.Hour)
		newShipment(func(p int64) []shipment.Event {
			return []shipment.Event{ev(p, dep.Add(-24*time.Hour), status.InfoReceivedInfoReceived),
				ev(p, dep, status.InTransitDepartedOriginCountry), ev(p, arr, status.InTransitArrivedDestinationCountry),
				ev(p, arr.Add(48*time.Hour), status.DeliveredDelivered)}
		})
	}
	en, err := eta.NewEngine(st, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	var revs []revision
	en.Hook = func(_ context.Context, sh shipment.Shipment, old, new store.DeliveryEstimate, reason string) {
		revs = append(revs, revision{old, new, reason})
	}
	if err := st.SubscribeQueue(ctx, eta.Queue); err != nil {
		t.Fatal(err)
	}
	if _, err := en.Refresh(ctx, tn.ID); err != nil {
		t.Fatal(err)
	}
	if stats, err := st.LaneStats(ctx, tn.ID); err != nil || len(stats) == 0 {
		t.Fatalf("no lane statistics stored: %v", err)
	}
	// Delivered history produced tasks too; handle them first.
	for {
		k, err := en.ProcessTasks(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			break
		}
	}

	var parcel int64
	id := newShipment(func(p int64) []shipment.Event {
		parcel = p
		return []shipment.Event{ev(p, now.Add(-2*24*time.Hour), status.InfoReceivedInfoReceived),
			ev(p, now.Add(-time.Hour), status.InTransitDepartedOriginCountry)}
	})
	if k, err := en.ProcessTasks(ctx, 100); err != nil || k != 1 {
		t.Fatalf("processed %d tasks: %v", k, err)
	}
	first, err := st.GetEstimate(ctx, tn.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if first.Stage != "departed_origin" || first.Basis != eta.BasisLane {
		t.Errorf("first estimate: stage %s basis %s", first.Stage, first.Basis)
	}
	if d := first.MostLikely.Sub(now.Truncate(24 * time.Hour)); d < 7*24*time.Hour || d > 10*24*time.Hour {
		t.Errorf("most likely %v, %v from today; want about 8 days", first.MostLikely, d)
	}

	// Early arrival: delivery about two days from now, a week earlier.
	if _, err := st.IngestEvents(ctx, tn.ID, []shipment.Event{ev(parcel, now.Add(-time.Minute), status.InTransitArrivedDestinationCountry)}); err != nil {
		t.Fatal(err)
	}
	if k, err := en.ProcessTasks(ctx, 100); err != nil || k != 1 {
		t.Fatalf("processed %d tasks: %v", k, err)
	}
	if len(revs) != 1 || revs[0].reason != "arrived in destination country" || !revs[0].old.MostLikely.Equal(first.MostLikely) ||
		revs[0].new.MostLikely.Sub(first.MostLikely) > -3*24*time.Hour {
		t.Fatalf("hook calls: %+v", revs)
	}
	hist, err := st.EstimateRevisions(ctx, tn.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[1].Reason != "arrived in destination country" || hist[1].Stage != "arrived_destination" {
		t.Errorf("revision history: %+v", hist)
	}
	if left, _ := st.CountTasks(ctx, eta.Queue); left != 0 {
		t.Errorf("%d tasks left in the queue", left)
	}
}
