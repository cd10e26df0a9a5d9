package carrier

import (
	"context"
	"time"

	"github.com/waypost/waypost/shipment"
)

// Connector asks one carrier (or an aggregator on its behalf) about parcels.
// Implementations are safe for concurrent use.
type Connector interface {
	// Slug is the carrier slug this connector was opened for, e.g. "ups".
	Slug() string
	// Limits tells the poller how to batch and pace requests.
	Limits() Limits
	// Track asks about up to Limits().BatchSize numbers.
	//
	// On success it returns one Result per Request, in the same order; a
	// failure that concerns one number (not found, rejected) is in that
	// Result. The error is non-nil when the batch failed as a whole
	// (authentication, quota, circuit open, carrier down, unreadable
	// answer); results are then nil. A connector that sends one call per
	// number and fails after answering some of them returns the answered
	// Results and puts the batch error in the Err of the others.
	Track(ctx context.Context, reqs []Request) ([]Result, error)
}

// Request names one parcel to look up. Most carriers need only the tracking
// number; some need more (a destination postal code, a ship date, ...).
type Request struct {
	TrackingNumber string
	// PostalCode of the destination, for carriers that unlock details with it.
	PostalCode string
	// DestinationCountry, ISO 3166-1 alpha-2.
	DestinationCountry string
	// ShipDate narrows the search where numbers are reused (FedEx); zero if unknown.
	ShipDate time.Time
	// Extra holds connector-specific keys, e.g. "carrier_code" or
	// "unique_id" for FedEx; see each connector's documentation.
	Extra map[string]string
}

// Result is a carrier's answer about one tracking number.
type Result struct {
	TrackingNumber string
	// UniqueID is the carrier's identity of the shipment when a number may
	// be reused (FedEx trackingNumberUniqueId); empty otherwise.
	UniqueID string
	// Found is false when the carrier does not know the number (yet).
	Found bool
	// NotFound is the carrier's reason when Found is false, e.g.
	// "TW0001: Tracking Information Not Found".
	NotFound string
	// Events, oldest first, with Hash filled in.
	Events []shipment.Event
	// ETA is the delivery estimate the carrier declares, nil if none.
	ETA *ETA
	// Err is a failure for this number only (or a batch failure that
	// stopped the connector before it reached this number).
	Err error
}

// ETA is a carrier-declared delivery estimate: a local date at the
// destination and optionally a time window on that date.
type ETA struct {
	Date string // YYYY-MM-DD, local to the destination
	// From and To are local wall-clock times "15:04", empty when the carrier
	// gives no window.
	From, To string
	// Start and End are the instants of the window when the carrier gave an
	// offset; zero otherwise.
	Start, End time.Time
}

// Limits describe what a carrier accepts. Zero values mean "no limit known".
type Limits struct {
	// BatchSize is the most numbers one Track call may carry (FedEx 30, UPS 1).
	BatchSize int
	// RequestsPerSecond is the sustained HTTP request rate; Burst the bucket size.
	RequestsPerSecond float64
	Burst             int
	// RequestsPerDay is the daily quota, counted per UTC day.
	RequestsPerDay int
}
