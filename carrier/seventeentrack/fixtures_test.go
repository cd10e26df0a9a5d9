package seventeentrack

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// sharedDir is the shared 17TRACK samples, read in place (never copied):
// from carrier/seventeentrack up to the repository root, then ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "17track")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared 17TRACK fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared 17TRACK fixtures not found at %s; skipping", dir)
	}
	return dir
}

// upsDeliveredChecks asserts the UPS journey that two shared samples carry.
func upsDeliveredChecks(t *testing.T, r carrier.Result, hashSlug string) {
	t.Helper()
	if r.Err != nil || !r.Found || r.TrackingNumber != "1Z2617V10397725789" || len(r.Events) != 5 {
		t.Fatalf("result %+v", r)
	}
	want := []struct {
		utc string
		sub status.Substatus
	}{
		{"2022-03-29T05:43:08Z", status.InfoReceivedInfoReceived},
		{"2022-03-31T23:36:47Z", status.InTransitAccepted},        // "Origin Scan", no stage: text
		{"2022-04-02T09:15:00Z", status.InTransitArrivedFacility}, // "Arrived at Facility", no stage: text
		{"2022-04-04T15:46:06Z", status.OutForDeliveryOutForDelivery},
		{"2022-04-04T23:35:22Z", status.DeliveredDelivered},
	}
	for i, w := range want {
		e := r.Events[i]
		if !e.Time.Equal(mustUTC(t, w.utc)) || e.Substatus != w.sub {
			t.Errorf("event %d: %s %s, want %s %s", i, e.Time.Format("2006-01-02T15:04:05Z"), e.Substatus, w.utc, w.sub)
		}
		if e.UTCOffset != -7*3600 || e.OffsetSource != shipment.OffsetExplicit {
			t.Errorf("event %d offset %d %s", i, e.UTCOffset, e.OffsetSource)
		}
		if e.Hash != shipment.HashEvent(hashSlug, r.TrackingNumber, &e) {
			t.Errorf("event %d hash not made with slug %s", i, hashSlug)
		}
	}
	if l := r.Events[4].Location; l.City != "GASQUET" || l.State != "CA" || l.Country != "US" {
		t.Errorf("delivery location %+v", l)
	}
}

// TestSharedSamples runs every sample of the shared folder through the
// parser and checks what SOURCE.md there says each one is.
func TestSharedSamples(t *testing.T) {
	dir := sharedDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s: %v", dir, err)
	}
	checks := map[string]func(t *testing.T, rs []carrier.Result, err error){
		"constructed-gettrackinfo-delivered.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 {
				t.Fatalf("%v %v", rs, err)
			}
			upsDeliveredChecks(t, rs[0], "ups") // carrier 100002
		},
		"constructed-gettrackinfo-rejected-not-registered.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || rs[0].TrackingNumber != "RR123456785CN" || rs[0].Found || rs[0].Err != nil {
				t.Fatalf("%+v %v", rs, err)
			}
			if rs[0].NotFound == "" {
				t.Error("no reason given")
			}
		},
		"request-register.json": func(t *testing.T, rs []carrier.Result, err error) {
			// A request body, not an answer: it must not parse as one.
			if !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
				t.Fatalf("%v %v", rs, err)
			}
		},
		"webhook-tracking-updated-dhl-paket-exception.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || len(rs[0].Events) != 1 {
				t.Fatalf("%v %v", rs, err)
			}
			e := rs[0].Events[0]
			// 08:47 in Hamburg in September is CEST (+02:00); 17TRACK sent +01:00.
			if !e.Time.Equal(mustUTC(t, "2022-09-14T06:47:00Z")) || e.LocalTime != "2022-09-14T08:47:00" ||
				e.Zone != "Europe/Berlin" || e.UTCOffset != 7200 || e.OffsetSource != shipment.OffsetAssumed {
				t.Errorf("time %s %s %s %d %s", e.Time, e.LocalTime, e.Zone, e.UTCOffset, e.OffsetSource)
			}
			// The event's own stage wins over the parcel's latest_status.
			if e.Substatus != status.AvailableForPickupAvailableForPickup {
				t.Errorf("substatus %s", e.Substatus)
			}
			if e.Location.Text != "Germany" || e.Location.Country != "" {
				t.Errorf("location %+v", e.Location)
			}
			if e.Hash != shipment.HashEvent("dhl-germany", "1234567890", &e) {
				t.Error("hash not made with dhl-germany (carrier 7041)")
			}
		},
		"webhook-tracking-updated-ups-delivered.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 {
				t.Fatalf("%v %v", rs, err)
			}
			// The sample's top-level carrier is 3011 (see SOURCE.md).
			upsDeliveredChecks(t, rs[0], "china-post")
		},
	}
	for _, f := range files {
		name := filepath.Base(f)
		check, ok := checks[name]
		if !ok {
			t.Errorf("sample %s has no check; add one", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := Parse(b)
			check(t, rs, err)
		})
	}
}
