package alert

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// Normals says how long a parcel normally goes without an update on a
// lane at a stage. Package eta can supply one from its lane statistics;
// LearnNormals builds one from the seller's delivered shipments.
type Normals interface {
	// Dwell returns the normal longest gap between updates; ok is false
	// when the history is too thin to say.
	Dwell(origin, destination, carrier string, stage Stage) (d time.Duration, ok bool)
}

// LaneKey names a lane at a stage.
type LaneKey struct {
	Origin, Destination, Carrier string
	Stage                        Stage
}

// LearnedNormals are percentiles of the gaps between consecutive events of
// delivered shipments, per lane and stage.
type LearnedNormals struct {
	// Gaps holds the percentile gap per lane and stage with enough samples.
	Gaps map[LaneKey]time.Duration
	// Samples counts the gaps seen per lane and stage.
	Samples map[LaneKey]int
}

// MinSamples is how many gaps a lane and stage need before their
// percentile is trusted over the default.
const MinSamples = 20

// LearnNormals computes the pct percentile (e.g. 0.9) of the gap between
// consecutive events per (origin, destination, carrier, stage). The stage
// of a gap is the one the shipment was at after the event that opened it,
// found by folding the events in order exactly as the store does.
func LearnNormals(journeys []store.LaneJourney, pct float64) *LearnedNormals {
	gaps := map[LaneKey][]time.Duration{}
	for _, j := range journeys {
		p := shipment.NewProgress()
		for i, e := range j.Events {
			sub := status.Substatus(e.Substatus)
			ev := shipment.Event{Time: e.At, Status: sub.Status(), Substatus: sub}
			p = shipment.Extend(p, []shipment.Event{ev})
			if i+1 == len(j.Events) {
				break
			}
			gap := j.Events[i+1].At.Sub(e.At)
			if gap <= 0 {
				continue // scans of one instant say nothing about dwell
			}
			k := LaneKey{j.OriginCountry, j.DestinationCountry, e.Carrier, StageOf(p)}
			gaps[k] = append(gaps[k], gap)
		}
	}
	n := &LearnedNormals{Gaps: map[LaneKey]time.Duration{}, Samples: map[LaneKey]int{}}
	for k, g := range gaps {
		n.Samples[k] = len(g)
		if len(g) < MinSamples {
			continue
		}
		slices.Sort(g)
		n.Gaps[k] = percentile(g, pct)
	}
	return n
}

// percentile of sorted values by the nearest-rank method.
func percentile(sorted []time.Duration, pct float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(pct*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Dwell implements Normals.
func (n *LearnedNormals) Dwell(origin, destination, carrier string, stage Stage) (time.Duration, bool) {
	if n == nil {
		return 0, false
	}
	d, ok := n.Gaps[LaneKey{origin, destination, carrier, stage}]
	return d, ok
}

// HistoryNormals learns each tenant's normals from its own deliveries
// (store.Alerts.LaneHistory) and keeps them for Refresh.
type HistoryNormals struct {
	Store store.Alerts
	Now   func() time.Time
	// Window is how far back deliveries count (default 180 days), Limit
	// how many of the latest are read (default 5000), Percentile the
	// share of gaps considered normal (default 0.9), Refresh how long
	// a tenant's result is reused (default 6 hours).
	Window     time.Duration
	Limit      int
	Percentile float64
	Refresh    time.Duration

	mu    sync.Mutex
	cache map[int64]learned
}

type learned struct {
	n  *LearnedNormals
	at time.Time
}

// NormalsFor implements NormalsSource.
func (h *HistoryNormals) NormalsFor(ctx context.Context, tenantID int64) (Normals, error) {
	refresh := cmp.Or(h.Refresh, 6*time.Hour)
	h.mu.Lock()
	c, ok := h.cache[tenantID]
	h.mu.Unlock()
	// Wall time, not the store's clock: a simulated clock runs fast.
	if ok && time.Since(c.at) < refresh {
		return c.n, nil
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	js, err := h.Store.LaneHistory(ctx, tenantID, now().Add(-cmp.Or(h.Window, 180*Day)), cmp.Or(h.Limit, 5000))
	if err != nil {
		return nil, fmt.Errorf("alert: normals of tenant %d: %w", tenantID, err)
	}
	n := LearnNormals(js, cmp.Or(h.Percentile, 0.9))
	h.mu.Lock()
	if h.cache == nil {
		h.cache = map[int64]learned{}
	}
	h.cache[tenantID] = learned{n, time.Now()}
	h.mu.Unlock()
	return n, nil
}
