package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/store"
)

func TestExtEstimates(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		tr := e.create(t, map[string]any{"tracking_number": upsNumber, "destination_country": "DE", "promised_date": "2099-01-05"})
		base := fmt.Sprintf("/api/v1/trackings/%d/estimate", tr.ID)
		expect(t, "none yet", e.call("GET", base, e.read, nil), 404, "estimate_not_found")

		day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
		today := time.Now().UTC().Truncate(24 * time.Hour)
		est := store.DeliveryEstimate{TenantID: e.a.ID, ShipmentID: tr.ID, Stage: "arrived_destination", Basis: "lane", Samples: 42,
			MostLikely: today.AddDate(0, 0, 2), Earliest: today.AddDate(0, 0, 1), Latest: today.AddDate(0, 0, 4), Confidence: 0.8,
			Earliest50: today.AddDate(0, 0, 2), Latest50: today.AddDate(0, 0, 3), Earliest95: today.AddDate(0, 0, 1), Latest95: today.AddDate(0, 0, 6),
			PromisedDate: day("2099-01-05"), MissProbability: 0.1, Reason: "arrived in destination country", ComputedAt: time.Now().UTC()}
		es := e.st.(store.Estimates)
		if _, _, err := es.SaveEstimate(context.Background(), e.a.ID, est); err != nil {
			t.Fatal(err)
		}
		est.MostLikely = today.AddDate(0, 0, 3)
		if _, _, err := es.SaveEstimate(context.Background(), e.a.ID, est); err != nil {
			t.Fatal(err)
		}
		var got api.Estimate
		e.call("GET", base, e.read, nil).decode(t, &got)
		if got.MostLikely != today.AddDate(0, 0, 3).Format(time.DateOnly) || got.Range95.Latest != today.AddDate(0, 0, 6).Format(time.DateOnly) ||
			got.Confidence != 0.8 || got.MissProbability != 0.1 || got.Basis != "lane" || got.Samples != 42 || got.PromisedDate != "2099-01-05" {
			t.Fatalf("estimate: %+v", got)
		}
		var revs struct {
			Revisions []api.Estimate `json:"revisions"`
		}
		e.call("GET", base+"/revisions", e.read, nil).decode(t, &revs)
		if len(revs.Revisions) != 2 || revs.Revisions[0].MostLikely != today.AddDate(0, 0, 2).Format(time.DateOnly) {
			t.Fatalf("revisions: %+v", revs)
		}
		expect(t, "tenant B", e.call("GET", base, e.bKey, nil), 404, "tracking_not_found")
		expect(t, "tenant B revisions", e.call("GET", base+"/revisions", e.bKey, nil), 404, "tracking_not_found")
		expect(t, "no key", e.call("GET", base, "", nil), 401, api.CodeUnauthorized)

		// Analytics over the same data.
		var perf struct {
			GroupBy string               `json:"group_by"`
			Rows    []api.PerformanceRow `json:"rows"`
		}
		e.call("GET", "/api/v1/analytics/performance?group_by=carrier", e.read, nil).decode(t, &perf)
		if len(perf.Rows) != 1 || perf.Rows[0].Key != "ups" || perf.Rows[0].Shipments != 1 || perf.Rows[0].Delivered != 0 || perf.Rows[0].OnTimeRate != nil {
			t.Fatalf("performance: %+v", perf)
		}
		e.call("GET", "/api/v1/analytics/performance", e.bKey, nil).decode(t, &perf)
		if len(perf.Rows) != 0 {
			t.Fatalf("tenant B's performance shows %+v", perf.Rows)
		}
		e.call("GET", "/api/v1/analytics/performance?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z", e.read, nil).decode(t, &perf)
		if len(perf.Rows) != 0 {
			t.Fatalf("a range without shipments shows %+v", perf.Rows)
		}
		expect(t, "bad group", e.call("GET", "/api/v1/analytics/performance?group_by=colour", e.read, nil), 422, api.CodeValidation)
		expect(t, "from after to", e.call("GET", "/api/v1/analytics/performance?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", e.read, nil), 422, api.CodeValidation)

		var fc struct {
			Days      int `json:"days"`
			Countries []struct {
				Country string `json:"country"`
				Total   int    `json:"total"`
				Days    []struct {
					Day        string `json:"day"`
					Deliveries int    `json:"deliveries"`
				} `json:"days"`
			} `json:"countries"`
		}
		e.call("GET", "/api/v1/analytics/forecast", e.read, nil).decode(t, &fc)
		if fc.Days != 14 || len(fc.Countries) != 1 || fc.Countries[0].Country != "DE" || fc.Countries[0].Total != 1 ||
			fc.Countries[0].Days[3].Deliveries != 1 || fc.Countries[0].Days[3].Day != today.AddDate(0, 0, 3).Format(time.DateOnly) {
			t.Fatalf("forecast: %+v", fc)
		}
		e.call("GET", "/api/v1/analytics/forecast", e.bKey, nil).decode(t, &fc)
		if len(fc.Countries) != 0 {
			t.Fatalf("tenant B's forecast: %+v", fc)
		}
		expect(t, "bad from", e.call("GET", "/api/v1/analytics/forecast?from=yesterday", e.read, nil), 422, api.CodeValidation)
	})
}
