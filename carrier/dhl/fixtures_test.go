package dhl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// sharedDir is the shared DHL UTAPI samples, read in place (never copied):
// from carrier/dhl up to the repository root, then ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "dhl-unified")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared DHL fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared DHL fixtures not found at %s; skipping", dir)
	}
	return dir
}

// TestSharedSamples runs every JSON sample of the shared folder through the
// parser and checks what SOURCE.md there says each one is.
func TestSharedSamples(t *testing.T) {
	dir := sharedDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s: %v", dir, err)
	}
	checks := map[string]func(t *testing.T, rs []carrier.Result, err error){
		// RFC 7807 problem detail: the number is unknown.
		"error-404-not-found.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || rs[0].Found || !strings.Contains(rs[0].NotFound, "No result found") || len(rs[0].Events) != 0 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
		},
		// German Parcel DE timeline without offsets: German local time.
		"track-parcel-de-delivered-de.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || !rs[0].Found || rs[0].TrackingNumber != "470800204932" {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			ev := rs[0].Events
			if len(ev) != 10 {
				t.Fatalf("%d events, want 10", len(ev))
			}
			first, last := ev[0], ev[9]
			// 2023-03-01 16:14 in Germany is CET (+01:00): 15:14Z.
			if !first.Time.Equal(time.Date(2023, 3, 1, 15, 14, 0, 0, time.UTC)) || first.Substatus != status.InTransitAccepted {
				t.Fatalf("first event %+v", first)
			}
			if !last.Time.Equal(time.Date(2023, 3, 13, 8, 50, 0, 0, time.UTC)) || last.LocalTime != "2023-03-13T09:50:00" ||
				last.Zone != "Europe/Berlin" || last.UTCOffset != 3600 || last.OffsetSource != shipment.OffsetAssumed {
				t.Fatalf("delivered event time %+v", last)
			}
			if last.Substatus != status.DeliveredDelivered || last.Code != "delivered" || last.Text != "Die Sendung wurde zugestellt." ||
				last.Location.Country != "DE" || last.Language != "de" {
				t.Fatalf("delivered event %+v", last)
			}
			want := map[int]status.Substatus{
				1: status.InfoReceivedInfoReceived,     // elektronisch angekündigt (16:18)
				7: status.InTransitDelayed,             // zurückgestellt
				8: status.OutForDeliveryOutForDelivery, // in das Zustellfahrzeug geladen
			}
			for i, sub := range want {
				if ev[i].Substatus != sub {
					t.Errorf("event %d %q: %s, want %s", i, ev[i].Text, ev[i].Substatus, sub)
				}
			}
			for i, e := range ev {
				if e.Status == "" || e.OffsetSource != shipment.OffsetAssumed {
					t.Errorf("event %d %+v", i, e)
				}
			}
			if rs[0].ETA != nil {
				t.Fatalf("ETA %+v", rs[0].ETA)
			}
		},
		// The OpenAPI example: numeric id, placeholder texts; the event's
		// time has no offset and is at Amsterdam (CET in March).
		"track-spec-example.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || !rs[0].Found || rs[0].TrackingNumber != "7777777770" || len(rs[0].Events) != 1 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			e := rs[0].Events[0]
			if !e.Time.Equal(time.Date(2018, 3, 2, 6, 53, 47, 0, time.UTC)) || e.Zone != "Europe/Amsterdam" || e.OffsetSource != shipment.OffsetAssumed {
				t.Fatalf("event time %+v", e)
			}
			// statusCode pre-transit wins over the placeholder text "DELIVERED".
			if e.Substatus != status.InfoReceivedInfoReceived || e.Location.City != "AMSTERDAM" || e.Location.PostalCode != "1043 AG" || e.Location.Country != "NL" {
				t.Fatalf("event %+v", e)
			}
			eta := rs[0].ETA
			if eta == nil || eta.Date != "2018-08-03" || eta.From != "00:00" || eta.To != "22:00" ||
				!eta.End.Equal(time.Date(2018, 8, 3, 22, 0, 0, 0, time.UTC)) {
				t.Fatalf("ETA %+v", eta)
			}
		},
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := Parse(b)
			check, ok := checks[name]
			if !ok {
				// A sample added later: it must at least parse without an
				// internal error.
				if err != nil && carrier.ErrorCode(err) == "internal" {
					t.Fatalf("unexpected error %v", err)
				}
			} else {
				check(t, rs, err)
			}
			for _, r := range rs {
				for _, e := range r.Events {
					if _, _, err := shipment.NormalizeEvent(e, time.Now()); err != nil {
						t.Errorf("%s: event rejected by shipment.NormalizeEvent: %v", r.TrackingNumber, err)
					}
				}
			}
		})
	}
}
