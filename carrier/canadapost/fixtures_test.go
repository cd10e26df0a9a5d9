package canadapost

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

// sharedDir is the shared Canada Post samples, read in place (never
// copied): from carrier/canadapost up to the repository root, then ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "canadapost")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared Canada Post fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared Canada Post fixtures not found at %s; skipping", dir)
	}
	return dir
}

// TestSharedSamples runs every XML sample of the shared folder through the
// parser and checks what SOURCE.md there says each one is.
func TestSharedSamples(t *testing.T) {
	dir := sharedDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s: %v", dir, err)
	}
	checks := map[string]func(t *testing.T, rs []carrier.Result, err error){
		// Canada Post's documented Get Tracking Details sample, PIN 7023210039414604.
		"track-detail.xml": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || !rs[0].Found || rs[0].TrackingNumber != "7023210039414604" {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			ev := rs[0].Events
			if len(ev) != 6 {
				t.Fatalf("%d events, want 6", len(ev))
			}
			// Oldest first. The sample has "out for delivery" after
			// "delivered": late scans are kept in their time order.
			want := []struct {
				code string
				sub  status.Substatus
				utc  string
			}{
				// Same second, listed newest first with the delivery on top:
				// the signature record is taken as the earlier one.
				{"20", "", "2011-02-01T12:59:52Z"},
				{"1496", status.DeliveredDelivered, "2011-02-01T12:59:52Z"},
				{"0173", status.InTransitDelayed, "2011-02-02T11:19:57Z"},
				{"0100", status.InTransitInTransit, "2011-02-02T19:45:48Z"},
				{"0174", status.OutForDeliveryOutForDelivery, "2011-02-03T13:27:43Z"},
				{"20", "", "2011-02-03T16:59:59Z"},
			}
			for i, w := range want {
				e := ev[i]
				if e.Code != w.code || e.Substatus != w.sub || e.Time.UTC().Format(time.RFC3339) != w.utc {
					t.Errorf("event %d: %s %s %s, want %s %s %s", i, e.Code, e.Substatus, e.Time.UTC().Format(time.RFC3339), w.code, w.sub, w.utc)
				}
				if e.Zone != "EST" || e.UTCOffset != -5*3600 || e.OffsetSource != shipment.OffsetTZAbbrev || e.Location.State != "QC" || e.Location.Country != "CA" {
					t.Errorf("event %d: zone %q offset %d source %s location %+v", i, e.Zone, e.UTCOffset, e.OffsetSource, e.Location)
				}
			}
			if ev[1].LocalTime != "2011-02-01T07:59:52" || ev[1].Location.City != "QUEBEC" {
				t.Errorf("delivered event %+v", ev[1])
			}
			// Delivered: the expected date is no longer an estimate.
			if rs[0].ETA != nil {
				t.Errorf("ETA %+v on a delivered parcel", rs[0].ETA)
			}
		},
		"error-no-pin-history.xml": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || rs[0].Found || rs[0].NotFound != "004: No Pin History" {
				t.Fatalf("results %+v, err %v", rs, err)
			}
		},
		"error-auth.xml": func(t *testing.T, rs []carrier.Result, err error) {
			var ce *carrier.Error
			if !errors.Is(err, carrier.ErrAuth) || !errors.As(err, &ce) || ce.CarrierCode != "E002" || rs != nil {
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
			if check, ok := checks[name]; ok {
				check(t, rs, err)
			} else if err != nil && carrier.ErrorCode(err) == "internal" {
				// A sample added later must at least parse or fail with a typed error.
				t.Fatalf("unexpected error %v", err)
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
