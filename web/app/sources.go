package app

import (
	"context"
	"time"

	"github.com/waypost/waypost/store"
)

// The dashboard reads other parts of Waypost through these small
// interfaces. Each is optional: a nil source renders its section as "not
// available" instead of failing the page. discoverSources picks them up
// from the store when it implements them.

// CaseBoard is the part of store.Cases the cases board uses.
type CaseBoard interface {
	ListCases(ctx context.Context, tenantID int64, q store.CaseQuery) ([]store.Case, error)
	GetCase(ctx context.Context, tenantID, caseID int64) (store.Case, error)
	MoveCase(ctx context.Context, tenantID, caseID int64, from string, u store.CaseMove) (store.Case, error)
}

// AlertSource is the part of store.Alerts the exceptions queue and the
// shipment page use.
type AlertSource interface {
	GetAlert(ctx context.Context, tenantID, alertID int64) (store.Alert, error)
	ListAlerts(ctx context.Context, tenantID int64, q store.AlertQuery) (store.AlertPage, error)
}

// NotificationSource lists the messages sent about a shipment.
type NotificationSource interface {
	ListMessages(ctx context.Context, tenantID int64, q store.MessageQuery) ([]store.OutboxMessage, error)
}

// Analytics computes the figures of the analytics page for a period.
type Analytics interface {
	Report(ctx context.Context, tenantID int64, from, to time.Time) (Report, error)
}

// Report is what the analytics page charts. Series are in time order;
// rates are fractions in 0..1 and NaN where nothing was counted.
type Report struct {
	// OnTime is the share of deliveries by the promised date among the
	// shipments created in each bucket (a day, or a week over 90 days).
	OnTime []Point
	// ExceptionRate is the share of shipments created in each bucket that
	// met an exception.
	ExceptionRate []Point
	// Transit is the transit-time distribution per lane.
	Transit []LaneTransit
	// CustomsDwell is the median time in customs per destination country,
	// in hours.
	CustomsDwell []Bar
	// Carriers compares carriers over the period.
	Carriers []CarrierStats
	// PageViews counts tracking-page views per day and WISMOAvoided the
	// "where is my order" contacts they are estimated to have saved:
	// views times WISMOShare.
	PageViews, WISMOAvoided []Point
	WISMOShare              float64
	// Forecast is the deliveries expected per destination country over
	// the next ForecastDays days, with the delays the estimates predict.
	Forecast []CountryForecast
}

// Point is one value of a time series.
type Point struct {
	Day   time.Time
	Value float64
}

// Bar is one labelled value.
type Bar struct {
	Label string
	Value float64
}

// LaneTransit is the transit-time distribution of one lane: how many
// deliveries took each number of days.
type LaneTransit struct {
	Lane    string // e.g. "CN → DE"
	Buckets []Bar  // label: days, value: deliveries
	P50     float64
	P90     float64
}

// CarrierStats compares one carrier's service.
type CarrierStats struct {
	Carrier       string
	Shipments     int
	OnTimeRate    float64
	MedianDays    float64 // transit, 50th percentile
	P90Days       float64 // transit, 90th percentile
	ExceptionRate float64
	// FirstAttemptRate is the share of deliveries without a failed
	// attempt; Coverage the share of exported shipments that never went
	// dark.
	FirstAttemptRate float64
	Coverage         float64
}

// CountryForecast is the expected deliveries to one country, one entry per
// day.
type CountryForecast struct {
	Country string
	Total   int
	Late    int // deliveries expected after their promised day
	Days    []ForecastDay
}

// ForecastDay is one day of a country's forecast.
type ForecastDay struct {
	Day          time.Time
	Deliveries   int
	Late         int
	MeanDaysLate float64
}

// EstimateSource is the part of store.Estimates the shipment page uses.
type EstimateSource interface {
	GetEstimate(ctx context.Context, tenantID, shipmentID int64) (store.DeliveryEstimate, error)
	EstimateRevisions(ctx context.Context, tenantID, shipmentID int64) ([]store.DeliveryEstimate, error)
}

// CarrierSource lists the carriers configured on this server, for the
// read-only carriers settings page.
type CarrierSource interface {
	Carriers() []CarrierInfo
}

// CarrierInfo is one configured carrier as the settings page shows it.
type CarrierInfo struct {
	Slug, Name, Connector string
	// Credentials says whether credentials are configured; never the
	// credentials themselves.
	Credentials bool
}

// SettingsSource gives the settings pages what other parts keep. Any
// method may return ErrUnavailable.
type SettingsSource interface {
	APIKeys(ctx context.Context, tenantID int64) ([]store.APIKey, error)
	Webhooks(ctx context.Context, tenantID int64) ([]store.WebhookEndpoint, error)
	Branding(ctx context.Context, tenantID int64) (store.Branding, error)
	NotifyConfig(ctx context.Context, tenantID int64) (store.NotifyConfig, []store.NotifyTemplate, error)
}

// discoverSources fills nil sources from the store where it implements
// them.
func discoverSources(cfg *Config) {
	st := cfg.Store
	if cfg.Cases == nil {
		if c, ok := st.(CaseBoard); ok {
			cfg.Cases = c
		}
	}
	if cfg.Alerts == nil {
		if c, ok := st.(AlertSource); ok {
			cfg.Alerts = c
		}
	}
	if cfg.Notifications == nil {
		if c, ok := st.(NotificationSource); ok {
			cfg.Notifications = c
		}
	}
	if cfg.Analytics == nil {
		if _, ok := st.(store.Analytics); ok {
			cfg.Analytics = StoreAnalytics{Store: st, WISMOShare: cfg.WISMOShare}
		}
	}
	if cfg.Estimates == nil {
		if e, ok := st.(EstimateSource); ok {
			cfg.Estimates = e
		}
	}
	if cfg.Settings == nil {
		cfg.Settings = storeSettings{st}
	}
}
