package tracker

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/store"
)

// Metrics are the tracker's Prometheus metrics, registered on the registry
// the program passes. A nil *Metrics records nothing.
type Metrics struct {
	claims    prometheus.Counter
	claimRuns prometheus.Counter
	renewals  prometheus.Counter
	inflight  prometheus.Gauge
	checks    *prometheus.CounterVec
	calls     *prometheus.CounterVec
	eventsIn  prometheus.Counter
	handoffs  *prometheus.CounterVec
	pushes    *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		claims: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "waypost_tracker_lease_claims_total",
			Help: "Parcels leased from the database for a check.",
		}),
		claimRuns: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "waypost_tracker_claim_queries_total",
			Help: "Claim queries run (each leases a batch of due parcels).",
		}),
		renewals: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "waypost_tracker_lease_renewals_total",
			Help: "Leases of waiting parcels extended.",
		}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "waypost_tracker_inflight_parcels",
			Help: "Parcels leased by this node and not yet rescheduled.",
		}),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "waypost_tracker_checks_total",
			Help: "Parcel checks by carrier and outcome (ok, not_found, error, deferred).",
		}, []string{"carrier", "outcome"}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "waypost_tracker_carrier_calls_total",
			Help: "Track calls (one batch each) by carrier and error code (\"\" on success).",
		}, []string{"carrier", "code"}),
		eventsIn: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "waypost_tracker_events_ingested_total",
			Help: "New events stored from checks and pushes.",
		}),
		handoffs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "waypost_tracker_handoffs_total",
			Help: "Next legs opened after a hand-off, by carrier pair.",
		}, []string{"from", "to"}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "waypost_tracker_push_results_total",
			Help: "Pushed tracking results by source and outcome (matched, unknown).",
		}, []string{"source", "outcome"}),
	}
	for _, c := range []prometheus.Collector{m.claims, m.claimRuns, m.renewals, m.inflight, m.checks, m.calls, m.eventsIn, m.handoffs, m.pushes} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("tracker: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *Metrics) claimed(n int) {
	if m != nil {
		m.claimRuns.Inc()
		m.claims.Add(float64(n))
	}
}

func (m *Metrics) renewed(n int) {
	if m != nil {
		m.renewals.Add(float64(n))
	}
}

func (m *Metrics) setInflight(n int64) {
	if m != nil {
		m.inflight.Set(float64(n))
	}
}

func (m *Metrics) check(carrierSlug, outcome string) {
	if m != nil {
		m.checks.WithLabelValues(carrierSlug, outcome).Inc()
	}
}

func (m *Metrics) call(carrierSlug string, err error) {
	if m != nil {
		m.calls.WithLabelValues(carrierSlug, carrier.ErrorCode(err)).Inc()
	}
}

func (m *Metrics) events(n int) {
	if m != nil && n > 0 {
		m.eventsIn.Add(float64(n))
	}
}

func (m *Metrics) handoff(from, to string) {
	if m != nil {
		m.handoffs.WithLabelValues(from, to).Inc()
	}
}

func (m *Metrics) push(source, outcome string, n int) {
	if m != nil && n > 0 {
		m.pushes.WithLabelValues(source, outcome).Add(float64(n))
	}
}

// NewDueCollector returns a collector of waypost_tracker_due_parcels, the
// number of parcels due and not leased by any node, counted when scraped.
func NewDueCollector(st store.Store, now func() time.Time) prometheus.Collector {
	return &dueCollector{st: st, now: now, desc: prometheus.NewDesc("waypost_tracker_due_parcels",
		"Parcels due for a check and not leased by any node (backlog).", nil, nil)}
}

type dueCollector struct {
	st   store.Store
	now  func() time.Time
	desc *prometheus.Desc
}

func (c *dueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *dueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := c.st.CountDue(ctx, c.now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n))
}
