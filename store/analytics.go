package store

import (
	"context"
	"time"
)

// Analytics answers the dashboard's aggregate questions about a tenant's
// shipments. Both engines implement it; consumers type-assert a Store to
// it. Rates and percentiles are derived from these counts by package
// analytics.
type Analytics interface {
	// ShipmentStats aggregates the shipments created in [q.From, q.To) by
	// q.GroupBy.
	ShipmentStats(ctx context.Context, tenantID int64, q StatsQuery) ([]GroupStats, error)
	// DeliveryForecast counts active shipments by destination country and
	// most likely delivery day (from their stored estimates), for the days
	// in [from, from+days).
	DeliveryForecast(ctx context.Context, tenantID int64, from time.Time, days int) ([]ForecastDay, error)
}

// Grouping is what ShipmentStats groups by.
type Grouping string

// The groupings.
const (
	ByCarrier Grouping = "carrier" // the first leg's carrier slug
	ByService Grouping = "service"
	ByLane    Grouping = "lane"  // "CN-DE": origin and destination country
	ByMonth   Grouping = "month" // "2026-03": month of creation, UTC
)

// Valid reports whether g is a known grouping.
func (g Grouping) Valid() bool {
	switch g {
	case ByCarrier, ByService, ByLane, ByMonth:
		return true
	}
	return false
}

// StatsQuery selects and groups shipments for ShipmentStats.
type StatsQuery struct {
	From, To time.Time
	GroupBy  Grouping
	// A shipment that departed the origin country, is neither delivered
	// nor returned, and has had no event for DarkAfter before Now has
	// gone dark.
	DarkAfter time.Duration
	Now       time.Time
}

// GroupStats are the counts of one group.
type GroupStats struct {
	Key       string
	Shipments int
	Delivered int
	// Promised counts delivered shipments with a promised date, OnTime
	// those delivered on or before it.
	Promised, OnTime int
	// Exceptions counts shipments with at least one exception event.
	Exceptions int
	// FirstAttempt counts delivered shipments without a failed attempt.
	FirstAttempt int
	// Departed counts shipments that left the origin country, Dark those
	// of them that went dark.
	Departed, Dark int
	// TransitHours counts delivered shipments by whole hours from the
	// first carrier scan (or label, or creation) to delivery.
	TransitHours map[int]int
	// DwellHours counts shipments by whole hours between entering and
	// leaving customs.
	DwellHours map[int]int
}

// ForecastDay is the expected deliveries to one country on one day.
type ForecastDay struct {
	Country string
	Day     time.Time
	// Deliveries is how many active shipments most likely arrive that day.
	Deliveries int
	// PastPromise counts those whose most likely day is after the promised
	// date, DaysLate sums by how many days.
	PastPromise int
	DaysLate    float64
	// ExpectedMisses sums the shipments' probabilities of missing their
	// promise.
	ExpectedMisses float64
}
