// Package analytics turns the store's aggregates into the dashboard's
// figures: on-time rate, transit-time percentiles, customs dwell,
// exception and first-attempt delivery rates and tracking coverage by
// carrier, service, lane or month, and a forecast of deliveries per
// destination country and day with the delays the estimates predict.
package analytics

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/waypost/waypost/store"
)

// DefaultDarkAfter is how long without an event after export counts as
// gone dark.
const DefaultDarkAfter = 7 * 24 * time.Hour

// Row is the performance of one group of shipments. Rates are shares
// (0..1) and NaN when nothing is counted; durations are in days.
type Row struct {
	Key       string `json:"key"`
	Shipments int    `json:"shipments"`
	Delivered int    `json:"delivered"`
	// OnTimeRate is the share of delivered shipments with a promise that
	// arrived by the promised day.
	OnTimeRate float64 `json:"on_time_rate"`
	// TransitP50 and TransitP90 are days from the first carrier scan to
	// delivery.
	TransitP50 float64 `json:"transit_p50_days"`
	TransitP90 float64 `json:"transit_p90_days"`
	// CustomsP50 and CustomsP90 are days between entering and leaving
	// customs; CustomsN is how many shipments that covers.
	CustomsP50 float64 `json:"customs_p50_days"`
	CustomsP90 float64 `json:"customs_p90_days"`
	CustomsN   int     `json:"customs_n"`
	// ExceptionRate is the share of shipments with an exception event.
	ExceptionRate float64 `json:"exception_rate"`
	// FirstAttemptRate is the share of delivered shipments delivered
	// without a failed attempt.
	FirstAttemptRate float64 `json:"first_attempt_rate"`
	// TrackingCoverage is the share of exported shipments that did not go
	// dark (no event for the dark period while not delivered).
	TrackingCoverage float64 `json:"tracking_coverage"`
}

// Query selects the shipments of a performance report.
type Query struct {
	From, To  time.Time
	GroupBy   store.Grouping
	DarkAfter time.Duration // 0 means DefaultDarkAfter
	Now       time.Time     // 0 means time.Now
}

// Performance reports each group's performance over the shipments created
// in [q.From, q.To).
func Performance(ctx context.Context, st store.Store, tenantID int64, q Query) ([]Row, error) {
	a, ok := st.(store.Analytics)
	if !ok {
		return nil, fmt.Errorf("analytics: store %T has no analytics", st)
	}
	if q.DarkAfter <= 0 {
		q.DarkAfter = DefaultDarkAfter
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	gs, err := a.ShipmentStats(ctx, tenantID, store.StatsQuery{From: q.From, To: q.To, GroupBy: q.GroupBy,
		DarkAfter: q.DarkAfter, Now: q.Now})
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	rows := make([]Row, len(gs))
	for i, g := range gs {
		rows[i] = Row{Key: g.Key, Shipments: g.Shipments, Delivered: g.Delivered,
			OnTimeRate:       ratio(g.OnTime, g.Promised),
			TransitP50:       Percentile(g.TransitHours, 0.5) / 24,
			TransitP90:       Percentile(g.TransitHours, 0.9) / 24,
			CustomsP50:       Percentile(g.DwellHours, 0.5) / 24,
			CustomsP90:       Percentile(g.DwellHours, 0.9) / 24,
			CustomsN:         total(g.DwellHours),
			ExceptionRate:    ratio(g.Exceptions, g.Shipments),
			FirstAttemptRate: ratio(g.FirstAttempt, g.Delivered),
			TrackingCoverage: 1 - ratio(g.Dark, g.Departed),
		}
		if g.Departed == 0 {
			rows[i].TrackingCoverage = math.NaN()
		}
	}
	return rows, nil
}

// Percentile returns the nearest-rank p-quantile of a histogram of whole
// hours (the smallest hour at or below which a share p of the counts
// lie); NaN for an empty histogram.
func Percentile(hist map[int]int, p float64) float64 {
	n := total(hist)
	if n == 0 {
		return math.NaN()
	}
	keys := make([]int, 0, len(hist))
	for k := range hist {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	rank := int(math.Ceil(p * float64(n)))
	c := 0
	for _, k := range keys {
		c += hist[k]
		if c >= rank {
			return float64(k)
		}
	}
	return float64(keys[len(keys)-1])
}

func total(h map[int]int) int {
	n := 0
	for _, c := range h {
		n += c
	}
	return n
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}
