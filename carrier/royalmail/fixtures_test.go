package royalmail

import (
	"encoding/csv"
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

// sharedDir is the shared Royal Mail samples, read in place (never
// copied): from carrier/royalmail up to the repository root, then ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "royalmail")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared Royal Mail fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared Royal Mail fixtures not found at %s; skipping", dir)
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
		// The API's documented sample: one EVNMI event, Special Delivery.
		"mailpieces-v2-events.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || !rs[0].Found || rs[0].TrackingNumber != "FQ087430672GB" || len(rs[0].Events) != 1 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			e := rs[0].Events[0]
			if !e.Time.Equal(time.Date(2016, 10, 20, 9, 4, 0, 0, time.UTC)) || e.LocalTime != "2016-10-20T10:04:00" ||
				e.UTCOffset != 3600 || e.OffsetSource != shipment.OffsetExplicit {
				t.Fatalf("event time %+v", e)
			}
			if e.Code != "EVNMI" || e.Substatus != status.InTransitForwarded || e.Text != "Forwarded - Mis-sort" ||
				e.Location.Text != "Stafford DO" || e.Location.Country != "GB" {
				t.Fatalf("event %+v", e)
			}
			eta := rs[0].ETA
			if eta == nil || eta.Date != "2017-02-20" || eta.From != "08:00" || eta.To != "11:00" ||
				!eta.Start.Equal(time.Date(2017, 2, 20, 7, 0, 0, 0, time.UTC)) {
				t.Fatalf("ETA %+v", eta)
			}
		},
		// E0004: the terms header is missing; a request error, not an item's.
		"error-400-header-validation.json": func(t *testing.T, rs []carrier.Result, err error) {
			var ce *carrier.Error
			if !errors.Is(err, carrier.ErrRejected) || !errors.As(err, &ce) || ce.CarrierCode != "E0004" ||
				!strings.Contains(ce.Message, "X-Accept-RMG-Terms") || rs != nil {
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
					if _, _, err := shipment.NormalizeEvent(e, time.Now()); err != nil {
						t.Errorf("%s: event rejected by shipment.NormalizeEvent: %v", r.TrackingNumber, err)
					}
				}
			}
		})
	}
}

// TestEventCodesCovered reads the shared event-code list in place: every
// code must be in our table, with a status that fits its customer-facing
// text.
func TestEventCodesCovered(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedDir(t), "event-codes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("event-codes.csv: %d rows, %v", len(rows), err)
	}
	for _, row := range rows[1:] {
		code, txt := row[0], strings.ToLower(row[1])
		sub, ok := byEventCode[code]
		if !ok {
			t.Errorf("code %s %q is not mapped", code, row[1])
			continue
		}
		var want status.Status
		switch {
		case strings.HasPrefix(txt, "as requested, we'll arrange"), strings.HasPrefix(txt, "as requested, if we can't deliver"):
			want = "" // a redelivery request
		case strings.Contains(txt, "returned to the sender"), strings.Contains(txt, "returning the item"), strings.Contains(txt, "back to the sender"):
			want = status.Exception
		case strings.Contains(txt, "ready for you to collect"):
			want = status.AvailableForPickup
		case strings.Contains(txt, "delivered") && !strings.Contains(txt, "unable") && !strings.Contains(txt, "due for delivery"),
			strings.Contains(txt, "collected"):
			want = status.Delivered
		case strings.Contains(txt, "tried to deliver"), strings.Contains(txt, "unable to deliver"), strings.Contains(txt, "attempt to deliver your item again"):
			want = status.AttemptFail
		case strings.Contains(txt, "due for delivery today"):
			want = status.OutForDelivery
		case strings.Contains(txt, "despatch"):
			want = status.InfoReceived
		case strings.Contains(txt, "on its way"), strings.Contains(txt, "re-routed"), strings.Contains(txt, "reached"), strings.Contains(txt, "redelivery"):
			want = status.InTransit
		default:
			continue // no rule for this text; the table entry stands
		}
		if sub.Status() != want {
			t.Errorf("code %s %q maps to %q, want status %q", code, row[1], sub, want)
		}
	}
	for code, sub := range byEventCode {
		if sub != noStatus && !sub.Valid() {
			t.Errorf("code %s maps to invalid substatus %q", code, sub)
		}
	}
}
