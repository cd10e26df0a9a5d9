package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/waypost/waypost/api"
)

// Numbers whose detection outcome is known (waypost detect):
const (
	upsNumber       = "1Z5R89390357567127" // UPS only, check digit valid: 0.99
	ambiguousNumber = "201298452277"       // FedEx 0.72, DHL Paket 0.68, GLS 0.68
)

type tracking struct {
	ID             int64  `json:"id"`
	Reference      string `json:"reference"`
	TrackingNumber string `json:"tracking_number"`
	Carrier        string `json:"carrier"`
	Status         string `json:"status"`
	Substatus      string `json:"substatus"`
	Active         bool   `json:"active"`
	CompletedAt    string `json:"completed_at"`
	Customer       struct {
		Email, Phone, Language string
		Address                *struct{ City, Country string }
	} `json:"customer"`
	DestinationCountry string `json:"destination_country"`
	Legs               []struct {
		ID             int64  `json:"id"`
		Carrier        string `json:"carrier"`
		TrackingNumber string `json:"tracking_number"`
		NextCheckAt    string `json:"next_check_at"`
	} `json:"legs"`
	Events []struct {
		Substatus string `json:"substatus"`
		Hash      string `json:"hash"`
	} `json:"events"`
	Warnings []struct{ Code, Field string } `json:"warnings"`
}

func (e *env) create(t *testing.T, body map[string]any) tracking {
	t.Helper()
	r := e.call("POST", "/api/v1/trackings", e.write, body)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var tr tracking
	r.decode(t, &tr)
	return tr
}

func TestCreate(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		tr := e.create(t, map[string]any{"tracking_number": "1z 5r8 939 0357 567 127", "reference": "order-1", "destination_country": "de",
			"customer": map[string]any{"email": "Ada <ada@example.com>", "phone": "030 1234567", "language": "de-de",
				"address": map[string]any{"city": "Berlin", "country": "DE"}}})
		if tr.Carrier != "ups" || tr.TrackingNumber != upsNumber || tr.Status != "pending" || !tr.Active || len(tr.Legs) != 1 {
			t.Fatalf("created %+v", tr)
		}
		if tr.Customer.Phone != "+49301234567" || tr.Customer.Email != "ada@example.com" || tr.Customer.Language != "de-DE" || tr.DestinationCountry != "DE" {
			t.Fatalf("customer not normalised: %+v", tr.Customer)
		}
		if len(tr.Warnings) != 1 || tr.Warnings[0].Code != "address_incomplete" {
			t.Fatalf("warnings = %+v, want address_incomplete", tr.Warnings)
		}
		// A given carrier is used as is; a full address gives no warning.
		tr2 := e.create(t, map[string]any{"tracking_number": "JJD000390007827415", "carrier": "dhl",
			"customer": map[string]any{"address": map[string]any{"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}}})
		if tr2.Carrier != "dhl" || len(tr2.Warnings) != 0 {
			t.Fatalf("with carrier: %+v", tr2)
		}

		for _, c := range []struct {
			name   string
			body   any
			status int
			code   string
		}{
			{"missing number", map[string]any{"carrier": "ups"}, 422, api.CodeValidation},
			{"unknown field", map[string]any{"tracking_number": upsNumber, "colour": "red"}, 422, api.CodeValidation},
			{"bad country", map[string]any{"tracking_number": upsNumber, "destination_country": "Germany"}, 422, api.CodeValidation},
			{"bad email", map[string]any{"tracking_number": "JD0", "carrier": "dhl", "customer": map[string]any{"email": "ada@"}}, 422, api.CodeEmailInvalid},
			{"bad phone", map[string]any{"tracking_number": "JD1", "carrier": "dhl", "destination_country": "DE", "customer": map[string]any{"phone": "12"}}, 422, api.CodePhoneInvalid},
			{"national phone without country", map[string]any{"tracking_number": "JD2", "carrier": "dhl", "customer": map[string]any{"phone": "030 1234567"}}, 422, api.CodePhoneInvalid},
			{"ambiguous", map[string]any{"tracking_number": ambiguousNumber}, 422, api.CodeCarrierAmbiguous},
			{"not a number", map[string]any{"tracking_number": "hello"}, 422, api.CodeNumberInvalid},
			{"unknown carrier", map[string]any{"tracking_number": "X1", "carrier": "no-such-carrier"}, 422, api.CodeCarrierUnknown},
			{"duplicate", map[string]any{"tracking_number": upsNumber}, 409, api.CodeTrackingExists},
			{"reference taken", map[string]any{"tracking_number": "JD3", "carrier": "dhl", "reference": "order-1"}, 409, api.CodeReferenceTaken},
			{"malformed JSON", `{"tracking_number":`, 400, api.CodeBadRequest},
		} {
			r := e.call("POST", "/api/v1/trackings", e.write, c.body)
			if r.status != c.status || r.errCode(t) != c.code {
				t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.code)
			}
		}
		r := e.call("POST", "/api/v1/trackings", e.write, map[string]any{"tracking_number": ambiguousNumber})
		var amb struct {
			Error struct {
				Candidates []struct{ Carrier string } `json:"candidates"`
			} `json:"error"`
		}
		r.decode(t, &amb)
		if len(amb.Error.Candidates) < 2 || amb.Error.Candidates[0].Carrier != "fedex" {
			t.Fatalf("ambiguous answer lists %+v", amb.Error.Candidates)
		}
	})
}

func TestAuth(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		for _, c := range []struct {
			name, method, path, key string
			status                  int
			code                    string
		}{
			{"no key", "GET", "/api/v1/trackings", "", 401, api.CodeUnauthorized},
			{"unknown key", "GET", "/api/v1/trackings", "wp_live_nonsense", 401, api.CodeUnauthorized},
			{"read key writes", "POST", "/api/v1/trackings", e.read, 403, api.CodeForbidden},
			{"write key manages keys", "GET", "/api/v1/keys", e.write, 403, api.CodeForbidden},
			{"read key reads", "GET", "/api/v1/trackings", e.read, 200, ""},
		} {
			var body any
			if c.method == "POST" {
				body = map[string]any{"tracking_number": upsNumber}
			}
			r := e.call(c.method, c.path, c.key, body)
			if r.status != c.status || (c.code != "" && r.errCode(t) != c.code) {
				t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.code)
			}
			if r.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: 401 without WWW-Authenticate", c.name)
			}
		}
		// The alternative header works.
		if r := e.call("GET", "/api/v1/trackings", "", nil, "Waypost-Api-Key", e.read); r.status != 200 {
			t.Fatalf("Waypost-Api-Key: %d", r.status)
		}
		// A key revoked through the API stops working at once.
		var k struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		r := e.call("POST", "/api/v1/keys", e.admin, map[string]any{"scope": "read", "name": "temp"})
		if r.status != 201 {
			t.Fatalf("create key: %d %s", r.status, r.body)
		}
		r.decode(t, &k)
		if !strings.HasPrefix(k.Secret, api.KeyPrefix) {
			t.Fatalf("secret %q", k.Secret)
		}
		if r := e.call("GET", "/api/v1/trackings", k.Secret, nil); r.status != 200 {
			t.Fatalf("new key: %d", r.status)
		}
		if r := e.call("DELETE", fmt.Sprintf("/api/v1/keys/%d", k.ID), e.bKey, nil); r.status != 404 {
			t.Fatalf("tenant B revokes A's key: %d, want 404", r.status)
		}
		if r := e.call("DELETE", fmt.Sprintf("/api/v1/keys/%d", k.ID), e.admin, nil); r.status != 204 {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		if r := e.call("GET", "/api/v1/trackings", k.Secret, nil); r.status != 401 {
			t.Fatalf("revoked key: %d, want 401", r.status)
		}
		var list struct {
			Keys []struct {
				Prefix    string `json:"prefix"`
				Secret    string `json:"secret"`
				RevokedAt string `json:"revoked_at"`
			} `json:"keys"`
		}
		e.call("GET", "/api/v1/keys", e.admin, nil).decode(t, &list)
		if len(list.Keys) != 4 || list.Keys[3].RevokedAt == "" || list.Keys[3].Secret != "" {
			t.Fatalf("keys listed: %+v", list.Keys)
		}
	})
}

func TestIdempotency(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		body := map[string]any{"tracking_number": upsNumber, "reference": "idem-1"}
		first := e.call("POST", "/api/v1/trackings", e.write, body, "Idempotency-Key", "k-1")
		again := e.call("POST", "/api/v1/trackings", e.write, body, "Idempotency-Key", "k-1")
		if first.status != 201 || again.status != 201 {
			t.Fatalf("statuses %d, %d: %s", first.status, again.status, again.body)
		}
		var a, b tracking
		first.decode(t, &a)
		again.decode(t, &b)
		if a.ID != b.ID || again.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("replay: ids %d/%d, header %q", a.ID, b.ID, again.header.Get("Idempotent-Replayed"))
		}
		r := e.call("POST", "/api/v1/trackings", e.write, map[string]any{"tracking_number": upsNumber, "reference": "idem-2"}, "Idempotency-Key", "k-1")
		if r.status != 422 || r.errCode(t) != api.CodeIdempotencyReused {
			t.Fatalf("same key, other body: %d %s", r.status, r.body)
		}
		// Tenant B's key space is its own.
		if r := e.call("POST", "/api/v1/trackings", e.bKey, body, "Idempotency-Key", "k-1"); r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("tenant B with A's key name: %d %s", r.status, r.body)
		}
		// A refused request does not burn the key.
		bad := map[string]any{"tracking_number": ambiguousNumber}
		if r := e.call("POST", "/api/v1/trackings", e.write, bad, "Idempotency-Key", "k-2"); r.status != 422 {
			t.Fatalf("ambiguous: %d", r.status)
		}
		bad["carrier"] = "fedex"
		if r := e.call("POST", "/api/v1/trackings", e.write, bad, "Idempotency-Key", "k-2"); r.status != 201 {
			t.Fatalf("corrected retry with the same key: %d %s", r.status, r.body)
		}
		var page struct{ Trackings []tracking }
		e.call("GET", "/api/v1/trackings", e.read, nil).decode(t, &page)
		if len(page.Trackings) != 2 {
			t.Fatalf("tenant A has %d trackings, want 2", len(page.Trackings))
		}
		// Bulk and events replay too.
		bulk := map[string]any{"trackings": []map[string]any{{"tracking_number": "JD10", "carrier": "dhl"}}}
		b1 := e.call("POST", "/api/v1/trackings/bulk", e.write, bulk, "Idempotency-Key", "bulk-1")
		b2 := e.call("POST", "/api/v1/trackings/bulk", e.write, bulk, "Idempotency-Key", "bulk-1")
		if b1.status != 200 || b2.status != 200 || b2.header.Get("Idempotent-Replayed") != "true" || string(b1.body) != string(b2.body) {
			t.Fatalf("bulk replay: %d %d %q\n%s\n%s", b1.status, b2.status, b2.header.Get("Idempotent-Replayed"), b1.body, b2.body)
		}
	})
}

func TestPaginationStable(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		var items []map[string]any
		for i := range 25 {
			items = append(items, map[string]any{"tracking_number": fmt.Sprintf("JD%018d", i), "carrier": "dhl"})
		}
		if r := e.call("POST", "/api/v1/trackings/bulk", e.write, map[string]any{"trackings": items}); r.status != 200 {
			t.Fatalf("bulk: %d %s", r.status, r.body)
		}
		seen := map[int64]bool{}
		cursor := ""
		for page := 0; ; page++ {
			var p struct {
				Trackings  []tracking `json:"trackings"`
				NextCursor string     `json:"next_cursor"`
			}
			e.call("GET", "/api/v1/trackings?limit=10&cursor="+cursor, e.read, nil).decode(t, &p)
			for _, tr := range p.Trackings {
				if seen[tr.ID] {
					t.Fatalf("tracking %d listed twice", tr.ID)
				}
				seen[tr.ID] = true
			}
			if page == 0 {
				// Rows added while paging must not shift the later pages.
				for i := range 5 {
					e.create(t, map[string]any{"tracking_number": fmt.Sprintf("JD%018d", 100+i), "carrier": "dhl"})
				}
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if len(seen) != 25 {
			t.Fatalf("paged through %d trackings, want the 25 present at the start", len(seen))
		}
		r := e.call("GET", "/api/v1/trackings?cursor=nonsense", e.read, nil)
		if r.status != 422 {
			t.Fatalf("bad cursor: %d %s", r.status, r.body)
		}
		var f struct{ Trackings []tracking }
		e.call("GET", "/api/v1/trackings?carrier=dhl&tracking_number=jd000000000000000003", e.read, nil).decode(t, &f)
		if len(f.Trackings) != 1 || f.Trackings[0].TrackingNumber != "JD000000000000000003" {
			t.Fatalf("filter by number: %+v", f.Trackings)
		}
		if r := e.call("GET", "/api/v1/trackings?status=lost", e.read, nil); r.status != 422 {
			t.Fatalf("bad status filter: %d", r.status)
		}
	})
}

func TestReadUpdateDelete(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		tr := e.create(t, map[string]any{"tracking_number": upsNumber, "reference": "R-1", "destination_country": "US"})
		id := fmt.Sprint(tr.ID)
		for _, p := range []string{"/api/v1/trackings/" + id, "/api/v1/shipments/" + id, "/api/v1/trackings/by-reference/R-1"} {
			var got tracking
			r := e.call("GET", p, e.read, nil)
			r.decode(t, &got)
			if r.status != 200 || got.ID != tr.ID || got.Events == nil {
				t.Fatalf("GET %s: %d %s", p, r.status, r.body)
			}
		}
		var byNum struct{ Trackings []tracking }
		e.call("GET", "/api/v1/trackings/by-number/"+strings.ToLower(upsNumber), e.read, nil).decode(t, &byNum)
		if len(byNum.Trackings) != 1 || byNum.Trackings[0].ID != tr.ID {
			t.Fatalf("by number: %+v", byNum)
		}
		r := e.call("PATCH", "/api/v1/trackings/"+id, e.write, map[string]any{"reference": "R-2", "promised_date": "2026-05-01",
			"customer": map[string]any{"phone": "(415) 555-2671", "email": "b@example.com"}})
		var up tracking
		r.decode(t, &up)
		if r.status != 200 || up.Reference != "R-2" || up.Customer.Phone != "+14155552671" {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		if r := e.call("PATCH", "/api/v1/trackings/"+id, e.write, map[string]any{"destination_country": "XX1"}); r.status != 422 {
			t.Fatalf("bad patch: %d", r.status)
		}
		if r := e.call("GET", "/api/v1/trackings/by-reference/R-1", e.read, nil); r.status != 404 || r.errCode(t) != api.CodeTrackingNotFound {
			t.Fatalf("old reference: %d %s", r.status, r.body)
		}
		if r := e.call("DELETE", "/api/v1/trackings/"+id, e.write, nil); r.status != 204 {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if r := e.call("GET", "/api/v1/trackings/"+id, e.read, nil); r.status != 404 {
			t.Fatalf("after delete: %d", r.status)
		}
		if r := e.call("GET", "/api/v1/nothing-here", e.read, nil); r.status != 404 || r.errCode(t) != api.CodeNotFound {
			t.Fatalf("unknown endpoint: %d %s", r.status, r.body)
		}
	})
}

func TestActions(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		tr := e.create(t, map[string]any{"tracking_number": upsNumber})
		base := fmt.Sprintf("/api/v1/trackings/%d", tr.ID)
		if r := e.call("POST", base+"/retrack", e.write, nil); r.status != 202 {
			t.Fatalf("retrack: %d %s", r.status, r.body)
		}
		events := map[string]any{"events": []map[string]any{
			{"time": "2026-03-01T09:00:00+01:00", "status": "in_transit", "text": "Picked up", "location": map[string]any{"city": "Köln", "country": "DE"}},
			{"time": "2026-03-02T15:30:00+01:00", "substatus": "delivered.signed", "text": "Delivered, signed by ADA"},
		}}
		var res struct {
			Inserted, Duplicates int
			Tracking             tracking
		}
		r := e.call("POST", base+"/events", e.write, events)
		r.decode(t, &res)
		if r.status != 200 || res.Inserted != 2 || res.Tracking.Status != "delivered" || len(res.Tracking.Events) != 2 {
			t.Fatalf("events: %d %s", r.status, r.body)
		}
		r = e.call("POST", base+"/events", e.write, events)
		r.decode(t, &res)
		if res.Inserted != 0 || res.Duplicates != 2 || len(res.Tracking.Events) != 2 {
			t.Fatalf("events again: %s", r.body)
		}
		bad := map[string]any{"events": []map[string]any{{"time": "2026-03-01T09:00:00Z", "status": "in_transit", "substatus": "delivered.signed"}}}
		if r := e.call("POST", base+"/events", e.write, bad); r.status != 422 {
			t.Fatalf("mismatched substatus: %d", r.status)
		}
		other := e.create(t, map[string]any{"tracking_number": "JD77", "carrier": "dhl"})
		wrongLeg := map[string]any{"events": []map[string]any{{"leg_id": other.Legs[0].ID, "time": "2026-03-01T09:00:00Z", "status": "in_transit"}}}
		if r := e.call("POST", base+"/events", e.write, wrongLeg); r.status != 422 {
			t.Fatalf("another tracking's leg: %d", r.status)
		}
		var done tracking
		r = e.call("POST", base+"/complete", e.write, nil)
		r.decode(t, &done)
		if r.status != 200 || done.CompletedAt == "" || done.Active || done.Legs[0].NextCheckAt != "" {
			t.Fatalf("complete: %d %s", r.status, r.body)
		}
		if r := e.call("POST", base+"/retrack", e.write, nil); r.status != 409 || r.errCode(t) != api.CodeTrackingCompleted {
			t.Fatalf("retrack after complete: %d %s", r.status, r.body)
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		tr := e.create(t, map[string]any{"tracking_number": upsNumber, "reference": "secret-order"})
		id := fmt.Sprint(tr.ID)
		ev := map[string]any{"events": []map[string]any{{"time": "2026-03-01T09:00:00Z", "status": "in_transit"}}}
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/trackings/" + id, nil},
			{"GET", "/api/v1/shipments/" + id, nil},
			{"GET", "/api/v1/trackings/by-reference/secret-order", nil},
			{"GET", "/api/v1/trackings/by-number/" + upsNumber, nil},
			{"PATCH", "/api/v1/trackings/" + id, map[string]any{"reference": "stolen"}},
			{"POST", "/api/v1/trackings/" + id + "/retrack", nil},
			{"POST", "/api/v1/trackings/" + id + "/complete", nil},
			{"POST", "/api/v1/trackings/" + id + "/events", ev},
			{"DELETE", "/api/v1/trackings/" + id, nil},
		} {
			if r := e.call(c.method, c.path, e.bKey, c.body); r.status != 404 {
				t.Errorf("tenant B %s %s: %d %s, want 404", c.method, c.path, r.status, r.body)
			}
		}
		var list struct{ Trackings []tracking }
		e.call("GET", "/api/v1/trackings", e.bKey, nil).decode(t, &list)
		if len(list.Trackings) != 0 {
			t.Fatalf("tenant B lists %d of A's trackings", len(list.Trackings))
		}
		if r := e.call("GET", "/api/v1/trackings/"+id, e.read, nil); r.status != 200 || strings.Contains(string(r.body), "stolen") {
			t.Fatalf("tenant A's tracking after B's attempts: %d %s", r.status, r.body)
		}
		r := e.rawCompat("GET", "/compat/aftership/trackings/"+id, "as-api-key", e.bKey, "")
		if r.status != 404 {
			t.Fatalf("compat by id for tenant B: %d", r.status)
		}
	})
}

func TestBulk(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		body := map[string]any{"trackings": []map[string]any{
			{"tracking_number": upsNumber, "reference": "b-1"},
			{"tracking_number": ambiguousNumber},
			{"tracking_number": "JD55", "carrier": "dhl", "customer": map[string]any{"address": map[string]any{"city": "Paris"}}},
			{"tracking_number": upsNumber},
		}}
		var res struct {
			Created, Failed int
			Results         []struct {
				Index    int
				Tracking *tracking
				Error    *struct{ Code string }
			}
		}
		r := e.call("POST", "/api/v1/trackings/bulk", e.write, body)
		r.decode(t, &res)
		if r.status != 200 || res.Created != 2 || res.Failed != 2 || len(res.Results) != 4 {
			t.Fatalf("bulk: %d %s", r.status, r.body)
		}
		if res.Results[1].Error.Code != api.CodeCarrierAmbiguous || res.Results[3].Error.Code != api.CodeTrackingExists ||
			res.Results[0].Tracking.Carrier != "ups" || len(res.Results[2].Tracking.Warnings) != 1 {
			t.Fatalf("per-item results: %s", r.body)
		}
		many := make([]map[string]any, api.MaxBulk+1)
		for i := range many {
			many[i] = map[string]any{"tracking_number": fmt.Sprint("JD", i), "carrier": "dhl"}
		}
		if r := e.call("POST", "/api/v1/trackings/bulk", e.write, map[string]any{"trackings": many}); r.status != 422 {
			t.Fatalf("1,001 items: %d", r.status)
		}
		huge := `{"trackings":[{"tracking_number":"JD1","carrier":"dhl","reference":"` + strings.Repeat("x", api.MaxBulkBody) + `"}]}`
		if r := e.call("POST", "/api/v1/trackings/bulk", e.write, huge); r.status != 413 || r.errCode(t) != api.CodeBodyTooLarge {
			t.Fatalf("11 MiB bulk body: %d %s", r.status, r.body)
		}
	})
}

func TestBodyTooLarge(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		huge := `{"tracking_number":"` + strings.Repeat("1", api.MaxBody) + `"}`
		r := e.call("POST", "/api/v1/trackings", e.write, huge)
		if r.status != 413 || r.errCode(t) != api.CodeBodyTooLarge {
			t.Fatalf("2 MiB body: %d %s", r.status, r.body)
		}
		var page struct{ Trackings []tracking }
		e.call("GET", "/api/v1/trackings", e.read, nil).decode(t, &page)
		if len(page.Trackings) != 0 {
			t.Fatal("an oversized request stored something")
		}
	})
}

func TestDetectAndCarriers(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		var d struct {
			Results []struct {
				Valid      bool
				Number     string
				Candidates []struct{ Carrier string }
			}
		}
		r := e.call("POST", "/api/v1/detect", e.read, map[string]any{"numbers": []string{upsNumber, "nope"}})
		r.decode(t, &d)
		if r.status != 200 || len(d.Results) != 2 || !d.Results[0].Valid || d.Results[0].Candidates[0].Carrier != "ups" || d.Results[1].Valid {
			t.Fatalf("detect: %d %s", r.status, r.body)
		}
		if r := e.call("POST", "/api/v1/detect", e.read, map[string]any{"numbers": []string{}}); r.status != 422 {
			t.Fatalf("no numbers: %d", r.status)
		}
		var c struct {
			Carriers []struct{ Slug, Country string }
		}
		e.call("GET", "/api/v1/carriers?country=NL", e.read, nil).decode(t, &c)
		found := false
		for _, x := range c.Carriers {
			found = found || x.Slug == "postnl"
			if x.Country != "NL" {
				t.Fatalf("country filter let %+v through", x)
			}
		}
		if !found {
			t.Fatalf("postnl missing from NL carriers: %+v", c.Carriers)
		}
	})
}

func TestRateLimit(t *testing.T) {
	each(t, api.Options{RateLimit: 0.5, RateBurst: 2}, func(t *testing.T, e *env) {
		for i := range 2 {
			r := e.call("GET", "/api/v1/trackings", e.read, nil)
			if r.status != 200 || r.header.Get("RateLimit-Limit") != "2" || r.header.Get("RateLimit-Remaining") != fmt.Sprint(1-i) {
				t.Fatalf("request %d: %d, headers %v", i, r.status, r.header)
			}
		}
		r := e.call("GET", "/api/v1/trackings", e.read, nil)
		if r.status != 429 || r.errCode(t) != api.CodeRateLimited || r.header.Get("Retry-After") != "2" {
			t.Fatalf("third request: %d %s, Retry-After %q", r.status, r.body, r.header.Get("Retry-After"))
		}
		// Another key has its own bucket.
		if r := e.call("GET", "/api/v1/trackings", e.write, nil); r.status != 200 {
			t.Fatalf("another key: %d", r.status)
		}
	})
}

func (e *env) rawCompat(method, path, hdr, key, body string) resp {
	e.t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), method, e.srv.URL+path, strings.NewReader(body))
	if key != "" {
		req.Header.Set(hdr, key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	buf, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{res.StatusCode, res.Header, buf}
}
