package laposte

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

// sharedDir is the shared La Poste samples, read in place (never copied):
// from carrier/laposte up to the repository root, then ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "laposte")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared La Poste fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared La Poste fixtures not found at %s; skipping", dir)
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
		// Colissimo EW112720413FR, France to Brazil, delivered.
		"suivi-v2-delivered.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || !rs[0].Found || rs[0].TrackingNumber != "EW112720413FR" || rs[0].ETA != nil {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			checkEvents(t, rs[0].Events, "fr", []wantEvent{
				{"2023-02-17T13:41:00Z", "2023-02-17T14:41:00", "+01:00", "DR1", status.InfoReceivedInfoReceived},
				{"2023-02-17T13:43:00Z", "2023-02-17T14:43:00", "+01:00", "PC1", status.InTransitAccepted},
				{"2023-02-17T22:13:12Z", "2023-02-17T23:13:12", "+01:00", "ET1", status.InTransitInTransit},
				{"2023-02-18T06:34:12Z", "2023-02-18T07:34:12", "+01:00", "ET1", status.InTransitInTransit},
				{"2023-02-18T11:27:00Z", "2023-02-18T12:27:00", "+01:00", "ET2", status.InTransitDepartedOriginCountry},
				{"2023-02-22T15:23:00Z", "2023-02-22T16:23:00", "+01:00", "ET3", status.InTransitArrivedDestinationCountry},
				{"2023-03-08T15:25:00Z", "2023-03-08T16:25:00", "+01:00", "ET1", status.InTransitInTransit},
				{"2023-03-09T08:01:00Z", "2023-03-09T09:01:00", "+01:00", "MD2", status.OutForDeliveryOutForDelivery},
				{"2023-03-09T08:38:00Z", "2023-03-09T09:38:00", "+01:00", "DI1", status.DeliveredDelivered},
			})
			// ET1 appears twice with the same label: distinct times, distinct identities.
			if rs[0].Events[2].Hash == rs[0].Events[3].Hash {
				t.Error("repeated ET1 events share a hash")
			}
		},
		"error-400-invalid-number.json": func(t *testing.T, rs []carrier.Result, err error) {
			var ce *carrier.Error
			if err != nil || len(rs) != 1 || !errors.Is(rs[0].Err, carrier.ErrRejected) || !errors.As(rs[0].Err, &ce) ||
				ce.CarrierCode != "400" || !strings.HasPrefix(rs[0].TrackingNumber, "WBZQ03") || rs[0].Found {
				t.Fatalf("results %+v, err %v", rs, err)
			}
		},
		"constructed-error-404-not-yet-available.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || rs[0].Found || rs[0].Err != nil || rs[0].TrackingNumber != "6S00993561113" ||
				!strings.HasPrefix(rs[0].NotFound, "104: Votre suivi n'est pas encore disponible") {
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
