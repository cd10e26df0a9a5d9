package api

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/analytics"
	"github.com/waypost/waypost/store"
)

var tagEstimates = []string{"Estimates and analytics"}

// Estimate is a tracking's estimated delivery. Days are YYYY-MM-DD.
type Estimate struct {
	MostLikely      string     `json:"most_likely" format:"date" doc:"The single most probable day"`
	Earliest        string     `json:"earliest" format:"date"`
	Latest          string     `json:"latest" format:"date"`
	Confidence      float64    `json:"confidence" minimum:"0" maximum:"1" doc:"Probability that delivery falls in earliest..latest"`
	Range50         DayRange   `json:"range_50" doc:"The 50 % range"`
	Range95         DayRange   `json:"range_95" doc:"The 95 % range"`
	PromisedDate    string     `json:"promised_date,omitempty" format:"date"`
	MissProbability float64    `json:"miss_probability" minimum:"0" maximum:"1" doc:"Chance of delivery after the promised day; 0 without a promise"`
	CarrierDate     string     `json:"carrier_date,omitempty" format:"date" doc:"The carrier's own estimate, when used"`
	Stage           string     `json:"stage" doc:"The journey stage the estimate starts from"`
	Basis           string     `json:"basis" doc:"Statistics used: lane, carrier_destination, destination, all or prior"`
	Samples         int        `json:"samples" doc:"Deliveries those statistics hold"`
	Reason          string     `json:"reason,omitempty" doc:"Why it was (re)computed"`
	ComputedAt      *time.Time `json:"computed_at,omitempty"`
}

// DayRange is a range of days.
type DayRange struct {
	Earliest string `json:"earliest" format:"date"`
	Latest   string `json:"latest" format:"date"`
}

// PerformanceRow is one group's delivery performance. Rates are shares
// (0..1), durations days; a figure is absent when nothing counts for it.
type PerformanceRow struct {
	Key              string   `json:"key" doc:"Carrier slug, service, lane (CN-DE) or month (2026-03)"`
	Shipments        int      `json:"shipments"`
	Delivered        int      `json:"delivered"`
	OnTimeRate       *float64 `json:"on_time_rate,omitempty"`
	TransitP50       *float64 `json:"transit_p50_days,omitempty"`
	TransitP90       *float64 `json:"transit_p90_days,omitempty"`
	CustomsP50       *float64 `json:"customs_p50_days,omitempty"`
	CustomsP90       *float64 `json:"customs_p90_days,omitempty"`
	CustomsN         int      `json:"customs_n"`
	ExceptionRate    *float64 `json:"exception_rate,omitempty"`
	FirstAttemptRate *float64 `json:"first_attempt_rate,omitempty"`
	TrackingCoverage *float64 `json:"tracking_coverage,omitempty"`
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// fin drops NaN and infinities, which JSON cannot carry.
func fin(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

func toEstimate(e store.DeliveryEstimate) Estimate {
	return Estimate{MostLikely: day(e.MostLikely), Earliest: day(e.Earliest), Latest: day(e.Latest), Confidence: e.Confidence,
		Range50: DayRange{day(e.Earliest50), day(e.Latest50)}, Range95: DayRange{day(e.Earliest95), day(e.Latest95)},
		PromisedDate: day(e.PromisedDate), MissProbability: e.MissProbability, CarrierDate: day(e.CarrierDate),
		Stage: e.Stage, Basis: e.Basis, Samples: e.Samples, Reason: e.Reason, ComputedAt: tp(e.ComputedAt)}
}

func (a *API) registerEstimates() {
	var auth Auth
	op := func(id, method, path, summary string, errs ...int) huma.Operation {
		o := huma.Operation{OperationID: id, Method: method, Path: Base + path, Summary: summary, Tags: tagEstimates, Errors: errs}
		auth.Require(&o, store.ScopeRead)
		return o
	}
	if est, ok := a.st.(store.Estimates); ok {
		type estEstimateOutput struct{ Body Estimate }
		huma.Register(a.trackingGets(), op("get-tracking-estimate", http.MethodGet, "/trackings/{id}/estimate", "The estimated delivery of a tracking", 404),
			func(ctx context.Context, in *idInput) (*estEstimateOutput, error) {
				tenant := TenantID(ctx)
				if _, err := a.st.GetShipment(ctx, tenant, in.ID); err != nil {
					return nil, a.storeErr(ctx, err, "tracking")
				}
				e, err := est.GetEstimate(ctx, tenant, in.ID)
				if err != nil {
					return nil, a.storeErr(ctx, err, "estimate")
				}
				return &estEstimateOutput{Body: toEstimate(e)}, nil
			})
		type estRevisionsOutput struct {
			Body struct {
				Revisions []Estimate `json:"revisions" doc:"Oldest first"`
			}
		}
		huma.Register(a.trackingGets(), op("list-tracking-estimate-revisions", http.MethodGet, "/trackings/{id}/estimate/revisions", "How a tracking's estimate changed", 404),
			func(ctx context.Context, in *idInput) (*estRevisionsOutput, error) {
				tenant := TenantID(ctx)
				if _, err := a.st.GetShipment(ctx, tenant, in.ID); err != nil {
					return nil, a.storeErr(ctx, err, "tracking")
				}
				rs, err := est.EstimateRevisions(ctx, tenant, in.ID)
				if err != nil {
					return nil, a.storeErr(ctx, err, "tracking")
				}
				out := &estRevisionsOutput{}
				out.Body.Revisions = make([]Estimate, 0, len(rs))
				for _, r := range rs {
					out.Body.Revisions = append(out.Body.Revisions, toEstimate(r))
				}
				return out, nil
			})
	}

	if _, ok := a.st.(store.Analytics); !ok {
		return
	}
	type estPerfInput struct {
		GroupBy string    `query:"group_by" enum:"carrier,service,lane,month" default:"carrier"`
		From    time.Time `query:"from" doc:"Shipments created at or after (RFC 3339); default 90 days before to"`
		To      time.Time `query:"to" doc:"Created before (RFC 3339); default now"`
	}
	type estPerfOutput struct {
		Body struct {
			GroupBy string           `json:"group_by"`
			From    time.Time        `json:"from"`
			To      time.Time        `json:"to"`
			Rows    []PerformanceRow `json:"rows"`
		}
	}
	perf := op("get-performance", http.MethodGet, "/analytics/performance", "Delivery performance by carrier, service, lane or month", 422)
	huma.Register(a.huma, perf, func(ctx context.Context, in *estPerfInput) (*estPerfOutput, error) {
		to := in.To
		if to.IsZero() {
			to = a.now()
		}
		from := in.From
		if from.IsZero() {
			from = to.AddDate(0, 0, -90)
		}
		if !from.Before(to) {
			return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "from must be before to",
				Detail{Location: "query.from", Message: "must be before to", Value: from.Format(time.RFC3339)})
		}
		rows, err := analytics.Performance(ctx, a.st, TenantID(ctx), analytics.Query{From: from, To: to,
			GroupBy: store.Grouping(in.GroupBy), Now: a.now()})
		if err != nil {
			return nil, a.internal(ctx, "computing performance", err)
		}
		out := &estPerfOutput{}
		out.Body.GroupBy, out.Body.From, out.Body.To = in.GroupBy, from.UTC(), to.UTC()
		out.Body.Rows = make([]PerformanceRow, 0, len(rows))
		for _, r := range rows {
			out.Body.Rows = append(out.Body.Rows, PerformanceRow{Key: r.Key, Shipments: r.Shipments, Delivered: r.Delivered,
				OnTimeRate: fin(r.OnTimeRate), TransitP50: fin(r.TransitP50), TransitP90: fin(r.TransitP90),
				CustomsP50: fin(r.CustomsP50), CustomsP90: fin(r.CustomsP90), CustomsN: r.CustomsN,
				ExceptionRate: fin(r.ExceptionRate), FirstAttemptRate: fin(r.FirstAttemptRate), TrackingCoverage: fin(r.TrackingCoverage)})
		}
		return out, nil
	})

	type estForecastInput struct {
		From time.Time `query:"from" doc:"First day (RFC 3339); default today"`
	}
	type estForecastDay struct {
		Day            string  `json:"day" format:"date"`
		Deliveries     int     `json:"deliveries"`
		Late           int     `json:"late" doc:"Of them, arriving after their promised day"`
		MeanDaysLate   float64 `json:"mean_days_late"`
		ExpectedMisses float64 `json:"expected_misses" doc:"Sum of the probabilities of missing the promise"`
	}
	type estCountryForecast struct {
		Country string           `json:"country"`
		Total   int              `json:"total"`
		Days    []estForecastDay `json:"days"`
	}
	type estForecastOutput struct {
		Body struct {
			Days      int                  `json:"days" doc:"The horizon"`
			Countries []estCountryForecast `json:"countries" doc:"Most deliveries first"`
		}
	}
	huma.Register(a.huma, op("get-forecast", http.MethodGet, "/analytics/forecast", "Expected deliveries per destination country and day", 422),
		func(ctx context.Context, in *estForecastInput) (*estForecastOutput, error) {
			from := in.From
			if from.IsZero() {
				from = a.now()
			}
			cs, err := analytics.Forecast(ctx, a.st, TenantID(ctx), from)
			if err != nil {
				return nil, a.internal(ctx, "computing the forecast", err)
			}
			out := &estForecastOutput{}
			out.Body.Days = analytics.ForecastDays
			out.Body.Countries = make([]estCountryForecast, 0, len(cs))
			for _, c := range cs {
				cf := estCountryForecast{Country: c.Country, Total: c.Total, Days: make([]estForecastDay, 0, len(c.Days))}
				for _, d := range c.Days {
					cf.Days = append(cf.Days, estForecastDay{Day: day(d.Day), Deliveries: d.Deliveries, Late: d.Late,
						MeanDaysLate: d.MeanDaysLate, ExpectedMisses: d.ExpectedMisses})
				}
				out.Body.Countries = append(out.Body.Countries, cf)
			}
			return out, nil
		})
}
