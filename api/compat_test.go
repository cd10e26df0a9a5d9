package api_test

import (
	"encoding/json"
	"testing"

	"github.com/waypost/waypost/api"
)

type asAnswer struct {
	Meta struct {
		Code int    `json:"code"`
		Type string `json:"type"`
	} `json:"meta"`
	Data struct {
		Tracking *struct {
			ID                     string `json:"id"`
			TrackingNumber         string `json:"tracking_number"`
			Slug                   string `json:"slug"`
			Tag                    string `json:"tag"`
			Subtag                 string `json:"subtag"`
			OrderID                string `json:"order_id"`
			DestinationCountryISO3 string `json:"destination_country_iso3"`
			Emails                 []string
			Checkpoints            []struct {
				Tag            string `json:"tag"`
				Subtag         string `json:"subtag"`
				CheckpointTime string `json:"checkpoint_time"`
				CountryISO3    string `json:"country_iso3"`
			} `json:"checkpoints"`
		} `json:"tracking"`
	} `json:"data"`
}

func decodeAS(t *testing.T, r resp) asAnswer {
	t.Helper()
	var a asAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("not JSON: %s", r.body)
	}
	return a
}

// The request and answer shapes follow AfterShip's documented tracking
// envelope; the checks name the fields a client reads.
func TestAfterShipCompat(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		body := `{"tracking":{"tracking_number":"RR123456785CN","slug":"china-post","order_id":"A-100","destination_country_iso3":"USA","emails":["c@example.com"]}}`
		r := e.rawCompat("POST", "/compat/aftership/trackings", "as-api-key", e.write, body)
		a := decodeAS(t, r)
		if r.status != 201 || a.Meta.Code != 201 || a.Data.Tracking == nil || a.Data.Tracking.Tag != "Pending" ||
			a.Data.Tracking.DestinationCountryISO3 != "USA" || a.Data.Tracking.OrderID != "A-100" || len(a.Data.Tracking.Emails) != 1 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		id := a.Data.Tracking.ID
		ev := map[string]any{"events": []map[string]any{{"time": "2026-03-01T09:00:00+08:00", "substatus": "in_transit.customs_processing",
			"text": "Customs", "location": map[string]any{"country": "US"}}}}
		if r := e.call("POST", "/api/v1/trackings/"+id+"/events", e.write, ev); r.status != 200 {
			t.Fatalf("events: %d %s", r.status, r.body)
		}
		r = e.rawCompat("GET", "/compat/aftership/trackings/china-post/RR123456785CN", "as-api-key", e.read, "")
		a = decodeAS(t, r)
		if r.status != 200 || a.Data.Tracking.ID != id || a.Data.Tracking.Tag != "InTransit" || len(a.Data.Tracking.Checkpoints) != 1 {
			t.Fatalf("get by slug and number: %d %s", r.status, r.body)
		}
		cp := a.Data.Tracking.Checkpoints[0]
		if cp.CountryISO3 != "USA" || cp.CheckpointTime != "2026-03-01T09:00:00+08:00" || cp.Subtag == "" {
			t.Fatalf("checkpoint %+v", cp)
		}
		if r := e.rawCompat("GET", "/compat/aftership/trackings/"+id, "as-api-key", e.read, ""); r.status != 200 {
			t.Fatalf("get by id: %d", r.status)
		}
		// The flat (2024) request shape, and AfterShip's error codes.
		r = e.rawCompat("POST", "/compat/aftership/trackings", "as-api-key", e.write, `{"tracking_number":"RR123456785CN","slug":"china-post"}`)
		if a := decodeAS(t, r); r.status != 400 || a.Meta.Code != 4003 {
			t.Fatalf("duplicate: %d %s", r.status, r.body)
		}
		for _, c := range []struct {
			method, path, key, body string
			status, meta            int
		}{
			{"GET", "/compat/aftership/trackings/ups/1ZNOPE", e.read, "", 404, 4004},
			{"GET", "/compat/aftership/trackings/999999", e.read, "", 404, 4004},
			{"GET", "/compat/aftership/trackings/999999", "", "", 401, 401},
			{"POST", "/compat/aftership/trackings", e.read, `{"tracking_number":"X"}`, 403, 403},
			{"POST", "/compat/aftership/trackings", e.write, `{"tracking_number":"201298452277"}`, 400, 4012},
			{"POST", "/compat/aftership/trackings", e.write, `{"tracking_number":`, 400, 400},
		} {
			r := e.rawCompat(c.method, c.path, "as-api-key", c.key, c.body)
			if a := decodeAS(t, r); r.status != c.status || a.Meta.Code != c.meta {
				t.Errorf("%s %s: %d %s, want %d meta %d", c.method, c.path, r.status, r.body, c.status, c.meta)
			}
		}
	})
}
