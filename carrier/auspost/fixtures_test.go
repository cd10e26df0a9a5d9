package auspost

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

// sharedDir is the shared Australia Post samples, read in place (never
// copied): from carrier/auspost up to the repository root, then ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "australiapost")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared Australia Post fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared Australia Post fixtures not found at %s; skipping", dir)
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
		// Three ids: an international express consignment still in the air,
		// a US → Australia delivery, a delivery in New Zealand.
		"track-multi.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 3 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			for i, id := range []string{"ET123456789AU", "LX123456789US", "00123456789000123400"} {
				if rs[i].TrackingNumber != id || !rs[i].Found || rs[i].Err != nil {
					t.Fatalf("result %d: %+v", i, rs[i])
				}
			}
			ev := rs[1].Events
			if len(ev) != 9 || len(rs[0].Events) != 8 || len(rs[2].Events) != 10 {
				t.Fatalf("%d/%d/%d events", len(rs[0].Events), len(ev), len(rs[2].Events))
			}
			// Chicago, written in Australian time: the instant is right,
			// the wording is kept as Australia Post's.
			checkEvents(t, ev[:2], []wantEvent{
				{"2021-01-05T21:27:00Z", "2021-01-06T08:27:00", "+11:00", ex, status.InTransitAccepted, "", "", ""},
				{"2021-01-06T21:49:00Z", "2021-01-07T08:49:00", "+11:00", ex, status.InTransitCustomsCleared, "CHICAGO", "", "US"},
			})
			checkEvents(t, ev[7:], []wantEvent{
				{"2021-01-20T21:34:14Z", "2021-01-21T08:34:14", "+11:00", ex, status.OutForDeliveryOutForDelivery, "OAKLEIGH SOUTH", "VIC", "AU"},
				{"2021-01-21T00:04:27Z", "2021-01-21T11:04:27", "+11:00", ex, status.DeliveredDelivered, "KEW", "VIC", "AU"},
			})
			if ev[2].Substatus != status.InTransitCustomsProcessing || ev[2].Location.City != "SYDNEY" {
				t.Errorf("inbound clearance %+v", ev[2])
			}
			nz := rs[2].Events
			if nz[6].Substatus != status.InTransitArrivedDestinationCountry || nz[6].Location.Country != "NZ" ||
				nz[9].Substatus != status.DeliveredDelivered || nz[4].Substatus != status.InTransitCustomsProcessing {
				t.Errorf("NZ events %+v", nz)
			}
			if last := rs[0].Events[7]; last.Substatus != status.InTransitInTransit || last.Text != "Processed by air carrier" {
				t.Errorf("express, newest event %+v", last)
			}
		},
		"error-invalid-tracking-id.json": func(t *testing.T, rs []carrier.Result, err error) {
			var ce *carrier.Error
			if err != nil || len(rs) != 1 || rs[0].TrackingNumber != "7XX1000" || rs[0].Found ||
				!errors.Is(rs[0].Err, carrier.ErrRejected) || !errors.As(rs[0].Err, &ce) || ce.CarrierCode != "ESB-10001" {
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
