package carrier

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus metrics of the carrier HTTP layer, labelled by
// carrier. One Metrics is shared by all connectors of a process and
// registered on the registry the program passes (never the global default,
// so tests and embedded uses stay independent).
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	retries  *prometheus.CounterVec
	breaker  *prometheus.GaugeVec
	quota    *prometheus.GaugeVec
	tokens   *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "waypost_carrier_requests_total",
			Help: "HTTP requests sent to carrier APIs, by outcome and HTTP status code (\"none\" without an answer).",
		}, []string{"carrier", "op", "outcome", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "waypost_carrier_request_duration_seconds",
			Help:    "Duration of HTTP requests to carrier APIs, one observation per attempt.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2, 4, 8, 16, 32},
		}, []string{"carrier", "op"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "waypost_carrier_retries_total",
			Help: "Retried carrier requests, by reason.",
		}, []string{"carrier", "reason"}),
		breaker: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "waypost_carrier_breaker_state",
			Help: "Circuit breaker state per carrier: 0 closed, 1 half-open, 2 open.",
		}, []string{"carrier"}),
		quota: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "waypost_carrier_quota_remaining",
			Help: "Requests left in the carrier's daily quota (UTC day); absent when no quota is configured.",
		}, []string{"carrier"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "waypost_carrier_token_fetches_total",
			Help: "OAuth token fetches, by outcome.",
		}, []string{"carrier", "outcome"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.retries, m.breaker, m.quota, m.tokens} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("carrier: register metrics: %w", err)
		}
	}
	return m, nil
}

// The methods below accept a nil *Metrics, so the HTTP layer needs no
// checks when metrics are off.

func (m *Metrics) request(carrier, op, outcome string, status int, d time.Duration) {
	if m == nil {
		return
	}
	code := "none"
	if status > 0 {
		code = strconv.Itoa(status)
	}
	m.requests.WithLabelValues(carrier, op, outcome, code).Inc()
	if status > 0 || outcome == "timeout" {
		m.latency.WithLabelValues(carrier, op).Observe(d.Seconds())
	}
}

func (m *Metrics) retry(carrier, reason string) {
	if m != nil {
		m.retries.WithLabelValues(carrier, reason).Inc()
	}
}

func (m *Metrics) breakerState(carrier string, state int) {
	if m != nil {
		m.breaker.WithLabelValues(carrier).Set(float64(state))
	}
}

func (m *Metrics) quotaRemaining(carrier string, n int) {
	if m != nil {
		m.quota.WithLabelValues(carrier).Set(float64(n))
	}
}

func (m *Metrics) token(carrier string, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = ErrorCode(err)
	}
	m.tokens.WithLabelValues(carrier, outcome).Inc()
}

// outcomeOf names the outcome of one attempt for the requests metric.
func outcomeOf(status int, err error) string {
	switch {
	case err == nil && status >= 200 && status < 300:
		return "ok"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrResponseTooLarge):
		return "too_large"
	case status == 401 || status == 403:
		return "auth"
	case status == 429:
		return "rate_limited"
	case status >= 500:
		return "server_error"
	case status >= 400:
		return "client_error"
	case err != nil:
		return "transport_error"
	}
	return "other"
}
