package fedex

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// sharedDir is the shared FedEx samples, read in place (never copied).
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "fedex")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared FedEx fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared FedEx fixtures not found at %s; skipping", dir)
	}
	return dir
}

// TestSharedSamples runs every JSON sample of the shared folder through the
// parser and checks what each one is (see SOURCE.md there).
func TestSharedSamples(t *testing.T) {
	dir := sharedDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s: %v", dir, err)
	}
	checks := map[string]func(t *testing.T, rs []carrier.Result, err error){
		"track-spec-example.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 2 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			r := rs[0]
			if !r.Found || len(r.Events) != 1 || r.Events[0].Substatus != status.InTransitAccepted || r.Events[0].Location.City != "SEATTLE" {
				t.Fatalf("first result %+v", r)
			}
			if !r.Events[0].Time.Equal(time.Date(2018, 2, 2, 19, 1, 0, 0, time.UTC)) || r.Events[0].OffsetSource != shipment.OffsetExplicit {
				t.Fatalf("time %s %s", r.Events[0].Time, r.Events[0].OffsetSource)
			}
			if nf := rs[1]; nf.Found || nf.TrackingNumber != "39936862321" || !strings.Contains(nf.NotFound, "NOTFOUND") {
				t.Fatalf("second result %+v", nf)
			}
		},
		"track-ground-delivered.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || len(rs[0].Events) != 17 || rs[0].UniqueID != "12028~738488882438~FDEG" {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			ev := rs[0].Events
			// The pick-up without offset in Mankato, MN: Central daylight time assumed.
			pu := ev[0]
			if pu.Substatus != status.InTransitAccepted || pu.OffsetSource != shipment.OffsetAssumed || pu.Zone != "America/Chicago" ||
				!pu.Time.Equal(time.Date(2024, 8, 15, 5, 0, 0, 0, time.UTC)) {
				t.Fatalf("pick-up event %+v", pu)
			}
			last := ev[16]
			if last.Substatus != status.DeliveredDelivered || !last.Time.Equal(time.Date(2024, 8, 20, 16, 41, 57, 0, time.UTC)) || last.Location.City != "Blue Point" {
				t.Fatalf("last event %+v", last)
			}
			if ev[15].Substatus != status.OutForDeliveryOutForDelivery || ev[1].Substatus != status.InfoReceivedInfoReceived {
				t.Fatalf("OD/OC events: %s %s", ev[15].Substatus, ev[1].Substatus)
			}
			for i := 1; i < len(ev); i++ {
				if ev[i].Time.Before(ev[i-1].Time) {
					t.Fatalf("events not in time order at %d", i)
				}
			}
			if rs[0].ETA != nil {
				t.Fatalf("delivered result has ETA %+v", rs[0].ETA)
			}
		},
		"track-express-duplicate-tracking-number.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 2 || rs[0].UniqueID == rs[1].UniqueID {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			subs := func(r carrier.Result) map[status.Substatus]int {
				m := map[status.Substatus]int{}
				for _, e := range r.Events {
					m[e.Substatus]++
				}
				return m
			}
			a, b := subs(rs[0]), subs(rs[1])
			if a[status.AvailableForPickupAvailableForPickup] != 1 || a[status.InTransitDelayed] != 1 || len(rs[0].Events) != 10 {
				t.Fatalf("first shipment %v", a)
			}
			if b[status.DeliveredDelivered] != 1 || b[status.AttemptFailRecipientUnavailable] != 1 || b[status.InTransitForwarded] != 1 || len(rs[1].Events) != 8 {
				t.Fatalf("second shipment %v", b)
			}
			if got := pick(rs, carrier.Request{TrackingNumber: "776094337676"}); got.UniqueID != "2460426000~776094337676~FX" {
				t.Fatalf("most recent shipment not picked: %s", got.UniqueID)
			}
		},
		"error-401-token-expired.json":       wantErr(carrier.ErrAuth, "NOT.AUTHORIZED.ERROR"),
		"error-503-service-unavailable.json": wantErr(carrier.ErrUnavailable, "SERVICE.UNAVAILABLE.ERROR"),
		"error-empty-tracking-number.json":   wantErr(carrier.ErrRejected, "TRACKING.TRACKINGNUMBER.EMPTY"),
		// A request body, not an answer: unreadable as one.
		"request-track-by-tracking-number.json": wantErr(carrier.ErrBadResponse, ""),
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

func wantErr(kind error, code string) func(t *testing.T, rs []carrier.Result, err error) {
	return func(t *testing.T, rs []carrier.Result, err error) {
		var ce *carrier.Error
		if !errors.Is(err, kind) || !errors.As(err, &ce) || ce.CarrierCode != code || rs != nil {
			t.Fatalf("results %v, err %v; want %v with code %q", rs, err, kind, code)
		}
	}
}
