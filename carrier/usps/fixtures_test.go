package usps

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// sharedDir is the shared USPS samples, read in place (never copied): from
// carrier/usps up to the repository root, then ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "usps")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared USPS fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared USPS fixtures not found at %s; skipping", dir)
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
		// A real DETAIL answer: 12 events with GMT fields, delivered to a locker.
		"track-v3-detail-delivered.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || !rs[0].Found || rs[0].TrackingNumber != "9400109104250532908587" || rs[0].UniqueID != "110158946" {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			ev := rs[0].Events
			if len(ev) != 12 {
				t.Fatalf("%d events, want 12", len(ev))
			}
			first, last := ev[0], ev[11]
			if first.Code != "GX" || first.Substatus != status.InfoReceivedInfoReceived || !first.Time.Equal(time.Date(2024, 11, 15, 16, 32, 33, 0, time.UTC)) {
				t.Fatalf("first event %+v", first)
			}
			if last.Code != "01" || last.Substatus != status.DeliveredLocker || !last.Time.Equal(time.Date(2024, 11, 22, 18, 58, 40, 0, time.UTC)) ||
				last.LocalTime != "2024-11-22T13:58:00" || last.UTCOffset != -5*3600 || last.OffsetSource != shipment.OffsetCarrierGMT ||
				last.Location.City != "HERNANDO" || last.Location.State != "FL" || last.Location.PostalCode != "34442" || last.Location.Country != "US" {
				t.Fatalf("delivered event %+v", last)
			}
			want := map[string]status.Substatus{"03": status.InTransitAccepted, "SF": status.InTransitDepartedFacility,
				"10": status.InTransitArrivedFacility, "T1": status.InTransitDepartedFacility, "TL": status.InTransitInTransit,
				"A1": status.InTransitArrivedFacility, "07": status.InTransitArrivedFacility, "OF": status.OutForDeliveryOutForDelivery}
			for _, e := range ev {
				if w, ok := want[e.Code]; ok && e.Substatus != w {
					t.Errorf("%s %q: %s, want %s", e.Code, e.Text, e.Substatus, w)
				}
				if e.OffsetSource != shipment.OffsetCarrierGMT {
					t.Errorf("%s: offset source %s", e.Code, e.OffsetSource)
				}
			}
			if rs[0].ETA != nil {
				t.Fatalf("ETA %+v on a delivered item", rs[0].ETA)
			}
		},
		// The README example: a local time wrongly suffixed Z, and no GMT
		// field; the summary says 7:31 am in Richmond, VA (EDT).
		"track-v3-detail-accepted.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || !rs[0].Found || len(rs[0].Events) != 1 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			e := rs[0].Events[0]
			if !e.Time.Equal(time.Date(2023, 8, 2, 11, 31, 0, 0, time.UTC)) || e.LocalTime != "2023-08-02T07:31:00" ||
				e.Zone != "America/New_York" || e.UTCOffset != -4*3600 || e.OffsetSource != shipment.OffsetAssumed {
				t.Fatalf("event time %+v", e)
			}
			if e.Substatus != status.InTransitAccepted || e.Location.City != "RICHMOND" || e.Location.State != "VA" {
				t.Fatalf("event %+v", e)
			}
		},
		// The legacy summary shape: the item is known, but without events.
		"track-v3-summary.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || !rs[0].Found || rs[0].TrackingNumber != "XXXXXXXXXXXXXXXXXXXX" || len(rs[0].Events) != 0 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
		},
		// The ErrorMessage schema filled with "string": a rejection.
		"error-spec-shape.json": func(t *testing.T, rs []carrier.Result, err error) {
			var ce *carrier.Error
			if !errors.Is(err, carrier.ErrRejected) || !errors.As(err, &ce) || ce.CarrierCode != "string" || rs != nil {
				t.Fatalf("results %+v, err %v", rs, err)
			}
		},
		"oauth-error-invalid-client.json": func(t *testing.T, rs []carrier.Result, err error) {
			var ce *carrier.Error
			if !errors.Is(err, carrier.ErrAuth) || !errors.As(err, &ce) || ce.CarrierCode != "invalid_client" || ce.Message != "Client authentication failed." || rs != nil {
				t.Fatalf("results %+v, err %v", rs, err)
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
				if err != nil && carrier.ErrorCode(err) == "internal" {
					t.Fatalf("unexpected error %v", err)
				}
			} else {
				check(t, rs, err)
			}
			for _, r := range rs {
				for _, e := range r.Events {
					if _, ok := byEventCode[e.Code]; !ok {
						t.Errorf("event code %q (%s) of a sample is not in the code table", e.Code, e.Text)
					}
					if _, _, err := shipment.NormalizeEvent(e, time.Now()); err != nil {
						t.Errorf("%s: event rejected by shipment.NormalizeEvent: %v", r.TrackingNumber, err)
					}
				}
			}
		})
	}
}

// TestCodeTable checks that every mapped substatus is valid and that the
// table agrees with the code names it was built from.
func TestCodeTable(t *testing.T) {
	for code, sub := range byEventCode {
		if sub != noStatus && !sub.Valid() {
			t.Errorf("code %s maps to invalid substatus %q", code, sub)
		}
	}
	// Pub 199 groups: attempted/notice-left codes and return-to-sender codes.
	for _, c := range []string{"02", "30", "51", "52", "53", "54", "55", "56"} {
		if byEventCode[c].Status() != status.AttemptFail {
			t.Errorf("code %s is a delivery attempt, maps to %s", c, byEventCode[c])
		}
	}
	for _, c := range []string{"09", "21", "22", "23", "24", "25", "26", "27", "28", "29", "31"} {
		if byEventCode[c] != status.ExceptionReturning {
			t.Errorf("code %s is a return to sender, maps to %s", c, byEventCode[c])
		}
	}
}
