package store

import (
	"context"
	"time"

	"github.com/waypost/waypost/shipment"
)

// Estimates persists delivery estimates: the lane statistics they are
// computed from, each active shipment's current estimate, and the history
// of its revisions. Both engines implement it; consumers type-assert a
// Store to it.
type Estimates interface {
	// DeliveredSamples calls fn for each of the tenant's shipments
	// delivered at or after since, with its lane and milestones, in no
	// particular order. An error from fn stops the scan and is returned.
	DeliveredSamples(ctx context.Context, tenantID int64, since time.Time, fn func(LaneSample) error) error
	// ReplaceLaneStats replaces all of the tenant's lane statistics with
	// stats in one transaction.
	ReplaceLaneStats(ctx context.Context, tenantID int64, stats []LaneStat) error
	// LaneStats returns the tenant's lane statistics.
	LaneStats(ctx context.Context, tenantID int64) ([]LaneStat, error)

	// EstimateInput returns what an estimate of one shipment needs: its
	// lane, progress, promised date and the carrier's own estimate.
	EstimateInput(ctx context.Context, tenantID, shipmentID int64) (LaneSample, error)
	// ActiveEstimateInputs returns up to limit of the tenant's shipments
	// that are neither delivered nor returned nor completed, with ID
	// above afterID, in ID order: a full recompute walks them in pages.
	ActiveEstimateInputs(ctx context.Context, tenantID, afterID int64, limit int) ([]LaneSample, error)

	// SaveEstimate stores e as the shipment's current estimate and, when
	// its dates differ from the stored one (or there was none), appends
	// it to the revision history, in one transaction. It returns the
	// estimate it replaced; ok is false when there was none. A shipment
	// that is not the tenant's is ErrNotFound.
	SaveEstimate(ctx context.Context, tenantID int64, e DeliveryEstimate) (prev DeliveryEstimate, ok bool, err error)
	// GetEstimate returns a shipment's current estimate.
	GetEstimate(ctx context.Context, tenantID, shipmentID int64) (DeliveryEstimate, error)
	// EstimateRevisions returns a shipment's estimates, oldest first.
	EstimateRevisions(ctx context.Context, tenantID, shipmentID int64) ([]DeliveryEstimate, error)
	// SetCarrierEstimate records the delivery date the carrier declares
	// for a shipment (midnight UTC of that day); a zero date clears it.
	SetCarrierEstimate(ctx context.Context, tenantID, shipmentID int64, date time.Time) error

	// EstimateTenants returns the IDs of tenants that have shipments. Like
	// ClaimDue it serves a background loop across tenants.
	EstimateTenants(ctx context.Context) ([]int64, error)
}

// Lane names a route: origin and destination country, carrier slug of the
// first leg, and service level. In LaneStat a field may be AnyLane, for
// statistics pooled over every value of it.
type Lane struct {
	Origin      string `json:"origin"`
	Destination string `json:"destination"`
	Carrier     string `json:"carrier"`
	Service     string `json:"service"`
}

// AnyLane in a LaneStat field pools every value of that field.
const AnyLane = "*"

// LaneSample is one shipment as the estimator sees it.
type LaneSample struct {
	ShipmentID int64
	Lane
	CreatedAt    time.Time
	PromisedDate time.Time
	// CarrierDate is the delivery date the carrier declared; zero if none.
	CarrierDate time.Time
	shipment.Progress
}

// LaneStat is the distribution of the time left until delivery from one
// stage of the journey on one lane (or a pool of lanes): counts of
// delivered shipments by remaining time, in bins of BinWidth, the last bin
// holding everything longer, plus their delivery weekdays.
type LaneStat struct {
	Lane
	Stage    string
	BinWidth time.Duration
	Bins     []float64
	// Weekdays counts deliveries by weekday (index time.Sunday..Saturday).
	Weekdays    [7]float64
	N           int
	RefreshedAt time.Time
}

// DeliveryEstimate is a shipment's estimated delivery: dates are midnight
// UTC of the day.
type DeliveryEstimate struct {
	TenantID   int64
	ShipmentID int64
	// Stage is the journey stage the estimate starts from, e.g.
	// "arrived_destination".
	Stage string
	// Basis names the statistics used: "lane", "carrier_destination",
	// "destination", "all" or "prior"; Samples is how many deliveries they
	// hold.
	Basis   string
	Samples int
	// MostLikely is the single most probable day.
	MostLikely time.Time
	// Earliest and Latest bound the range holding delivery with
	// probability Confidence; the 50 % and 95 % ranges are kept too.
	Earliest, Latest     time.Time
	Confidence           float64
	Earliest50, Latest50 time.Time
	Earliest95, Latest95 time.Time
	// PromisedDate is the shipment's promise, MissProbability the chance
	// of delivery after it; MissProbability is 0 without a promise.
	PromisedDate    time.Time
	MissProbability float64
	// CarrierDate is the carrier's own estimate when one was used.
	CarrierDate time.Time
	// Reason says why the estimate was (re)computed, e.g. "arrived in
	// destination country".
	Reason     string
	ComputedAt time.Time
}

// SameDates reports whether e and o predict the same days.
func (e DeliveryEstimate) SameDates(o DeliveryEstimate) bool {
	return e.MostLikely.Equal(o.MostLikely) && e.Earliest.Equal(o.Earliest) && e.Latest.Equal(o.Latest)
}
