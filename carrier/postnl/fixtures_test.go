package postnl

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// sharedDir is the shared PostNL samples, read in place (never copied):
// from carrier/postnl up to the repository root, then ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "postnl")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared PostNL fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared PostNL fixtures not found at %s; skipping", dir)
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
	currentStatus := func(t *testing.T, rs []carrier.Result, err error) {
		if err != nil || len(rs) != 1 || !rs[0].Found || rs[0].TrackingNumber != "3SDEVC302392342" {
			t.Fatalf("results %+v, err %v", rs, err)
		}
		checkEvents(t, rs[0].Events, "nl", []wantEvent{
			{"2018-03-07T22:20:05Z", "2018-03-07T23:20:05", cet, "status:2", status.InTransitAccepted},
		})
	}
	checks := map[string]func(t *testing.T, rs []carrier.Result, err error){
		// Events 01A/01B (outside PostNL's event table) take the status
		// recorded at the same second; status 99 records add nothing.
		"status-complete-collection.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || rs[0].TrackingNumber != "3SDEVC123456789" {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			checkEvents(t, rs[0].Events, "nl", []wantEvent{
				{"2018-03-07T08:50:47Z", "2018-03-07T09:50:47", cet, "01A", status.InfoReceivedInfoReceived},
				{"2018-03-07T08:51:08Z", "2018-03-07T09:51:08", cet, "01A", status.InfoReceivedInfoReceived},
				{"2018-03-07T22:20:05Z", "2018-03-07T23:20:05", cet, "01B", status.InTransitAccepted},
			})
			if eta := rs[0].ETA; eta == nil || eta.Date != "2018-03-08" || eta.From != "11:30" || eta.To != "14:00" {
				t.Fatalf("ETA %+v", eta)
			}
		},
		"status-complete-delivered.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || rs[0].TrackingNumber != "3SABCD987516327" || rs[0].ETA != nil {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			checkEvents(t, rs[0].Events, "nl", []wantEvent{
				{"2021-03-25T08:30:58Z", "2021-03-25T09:30:58", cet, "J01", status.InTransitInTransit},
				{"2021-03-25T11:11:10Z", "2021-03-25T12:11:10", cet, "A01", status.InfoReceivedInfoReceived},
				{"2021-03-26T00:15:18Z", "2021-03-26T01:15:18", cet, "B01", status.InTransitAccepted},
				// Status 5 was recorded at a second no event has: kept as its own event.
				{"2021-03-26T08:30:58Z", "2021-03-26T09:30:58", cet, "status:5", status.InTransitInTransit},
				{"2021-03-26T08:44:45Z", "2021-03-26T09:44:45", cet, "J05", status.OutForDeliveryOutForDelivery},
				{"2021-03-26T14:06:53Z", "2021-03-26T15:06:53", cet, "01B", status.DeliveredDelivered},
			})
		},
		"status-current.json":                currentStatus,
		"status-current-single-address.json": currentStatus,
		"status-no-shipment-found.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || rs[0].Found || rs[0].NotFound != "2: No shipment found" || len(rs[0].Events) != 0 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
		},
		// updatedshipments: ISO "Timestamp", one status per barcode.
		"updated-shipments.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 4 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			checkEvents(t, rs[0].Events, "nl", []wantEvent{
				{"2021-02-26T11:57:15Z", "2021-02-26T12:57:15", cet, "status:11", status.DeliveredDelivered},
			})
			checkEvents(t, rs[2].Events, "nl", []wantEvent{
				{"2021-03-01T13:31:08Z", "2021-03-01T14:31:08", cet, "status:22", status.DeliveredPickedUp},
			})
			if rs[2].TrackingNumber != "3SABCD987578527" || !rs[3].Found {
				t.Fatalf("results %+v", rs)
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
