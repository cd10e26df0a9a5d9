package ups

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// sharedDir is the shared UPS samples, read in place (never copied): from
// carrier/ups up to the repository root, then ../shared.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "ups")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared UPS fixtures missing at %s (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared UPS fixtures not found at %s; skipping", dir)
	}
	return dir
}

func readShared(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
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
		"track-delivered.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || !rs[0].Found || rs[0].TrackingNumber != "1Z1442YY7229014688" {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			ev := rs[0].Events
			if len(ev) != 2 {
				t.Fatalf("%d events, want 2", len(ev))
			}
			// Oldest first: the label, then the delivery.
			if ev[0].Substatus != status.InfoReceivedInfoReceived || ev[1].Substatus != status.DeliveredDelivered {
				t.Fatalf("substatuses %s, %s", ev[0].Substatus, ev[1].Substatus)
			}
			// Paramus, NJ: no GMT fields, America/New_York assumed (EST in January).
			if got := ev[1].Time; !got.Equal(time.Date(2022, 1, 26, 21, 30, 0, 0, time.UTC)) {
				t.Fatalf("delivered at %s, want 21:30Z", got)
			}
			if ev[1].LocalTime != "2022-01-26T16:30:00" || ev[1].OffsetSource != shipment.OffsetAssumed || ev[1].UTCOffset != -5*3600 || ev[1].Zone != "America/New_York" {
				t.Fatalf("delivered event time fields %+v", ev[1])
			}
			if ev[1].Location.City != "PARAMUS" || ev[1].Location.State != "NJ" || ev[1].Location.Country != "US" || ev[1].Code != "D/F4/011" || ev[1].Text != "DELIVERED" {
				t.Fatalf("delivered event %+v", ev[1])
			}
			// The label event has only a country: US spans zones, so no offset.
			if ev[0].OffsetSource != shipment.OffsetNone || ev[0].LocalTime != "2022-01-26T15:16:41" {
				t.Fatalf("label event time fields %+v", ev[0])
			}
			if rs[0].ETA != nil {
				t.Fatalf("delivered package has ETA %+v", rs[0].ETA)
			}
		},
		"track-schema-example.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || len(rs[0].Events) != 1 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
			e := rs[0].Events[0]
			// Wayne, NJ 07470, 2021-02-10 07:13:56 EST.
			if !e.Time.Equal(time.Date(2021, 2, 10, 12, 13, 56, 0, time.UTC)) || e.Location.PostalCode != "07470" {
				t.Fatalf("event %+v", e)
			}
			// Placeholder codes (type X with statusCode 003): the type wins
			// over a contradicting statusCode, and the text says customs released it.
			if e.Substatus != status.InTransitCustomsCleared {
				t.Fatalf("substatus %s, want in_transit.customs_cleared", e.Substatus)
			}
		},
		"warning-tracking-not-found.json": func(t *testing.T, rs []carrier.Result, err error) {
			if err != nil || len(rs) != 1 || rs[0].Found || !strings.Contains(rs[0].NotFound, "TW0001") || len(rs[0].Events) != 0 {
				t.Fatalf("results %+v, err %v", rs, err)
			}
		},
		"error-invalid-inquiry-number.json": func(t *testing.T, rs []carrier.Result, err error) {
			var ce *carrier.Error
			if !errors.Is(err, carrier.ErrRejected) || !errors.As(err, &ce) || ce.CarrierCode != "TV1002" || rs != nil {
				t.Fatalf("results %+v, err %v", rs, err)
			}
		},
		"error-auth.json": func(t *testing.T, rs []carrier.Result, err error) {
			var ce *carrier.Error
			if !errors.Is(err, carrier.ErrAuth) || !errors.As(err, &ce) || ce.CarrierCode != "250003" || rs != nil {
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
				// A sample added later: it must at least parse without
				// an internal error and give valid events.
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

func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(string(readShared(t, name)))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rows[1:] // header
}

// TestStatusCodeTableCoversAppendix checks the statusCode table against the
// appendix: every listed code is mapped, nothing is invented, and the
// mapping agrees with the code's customer-facing text.
func TestStatusCodeTableCoversAppendix(t *testing.T) {
	rows := readCSV(t, "appendix-status-description-codes.csv")
	seen := map[int]bool{}
	for _, row := range rows {
		n, err := strconv.Atoi(row[0])
		if err != nil {
			t.Fatalf("row %v: %v", row, err)
		}
		seen[n] = true
		sub, ok := byStatusCode[n]
		if !ok {
			t.Errorf("statusCode %d %q not mapped", n, row[1])
			continue
		}
		text := strings.ToLower(row[1])
		var want status.Status
		switch {
		case strings.HasPrefix(text, "out for delivery") || strings.Contains(text, "loaded on delivery vehicle"):
			want = status.OutForDelivery
		case strings.HasPrefix(text, "delivered to ups access point") || strings.Contains(text, "for pickup") && strings.HasPrefix(text, "delivered"):
			want = status.AvailableForPickup
		case strings.HasPrefix(text, "delivered"):
			want = status.Delivered
		case strings.Contains(text, "requested") || strings.Contains(text, "confirmed"):
			// Customer requests and confirmations carry no status, except
			// a confirmed return, which starts the way back.
			if sub != noStatus && sub != status.ExceptionReturning && sub != status.ExceptionReturned {
				t.Errorf("statusCode %d %q is a request/confirmation but maps to %s", n, row[1], sub)
			}
			continue
		case strings.HasPrefix(text, "delay"):
			if sub != status.InTransitDelayed && sub != status.ExceptionDelayed {
				t.Errorf("statusCode %d %q maps to %s, want a delay", n, row[1], sub)
			}
			continue
		case strings.Contains(text, "attempt") && strings.Contains(text, "deliver"):
			want = status.AttemptFail
		case strings.Contains(text, "on the way"):
			if s := sub.Status(); s != status.InTransit && s != status.InfoReceived {
				t.Errorf("statusCode %d %q maps to %s", n, row[1], sub)
			}
			continue
		default:
			continue
		}
		if sub.Status() != want {
			t.Errorf("statusCode %d %q maps to %s, want status %s", n, row[1], sub, want)
		}
	}
	for n := range byStatusCode {
		if !seen[n] {
			t.Errorf("statusCode %d is mapped but not in the appendix", n)
		}
	}
	for n, sub := range byStatusCode {
		if sub != noStatus && !sub.Valid() {
			t.Errorf("statusCode %d maps to invalid substatus %q", n, sub)
		}
	}
}

// TestCodeTablesExistInAppendix checks that every activity type, scan code
// and exception code we map is a real code, with a text that fits.
func TestCodeTablesExistInAppendix(t *testing.T) {
	texts := func(name string) map[string]string {
		m := map[string]string{}
		for _, row := range readCSV(t, name) {
			m[row[0]] = strings.ToLower(row[len(row)-1])
		}
		return m
	}
	types := texts("appendix-activity-types.csv")
	for typ := range byType {
		if _, ok := types[typ]; !ok && typ != "P" { // P: seen in answers, not in the appendix
			t.Errorf("activity type %q not in the appendix", typ)
		}
	}
	scans := texts("appendix-movement-scan-uld-codes.csv")
	for code, sub := range byScanCode {
		txt, ok := scans[code]
		if !ok {
			t.Errorf("scan code %q not in the appendix", code)
			continue
		}
		if sub == status.InTransitArrivedFacility && !strings.Contains(txt, "arriv") && !strings.Contains(txt, "destination scan") && !strings.Contains(txt, "unload") {
			t.Errorf("scan code %q %q mapped to %s", code, txt, sub)
		}
		if sub == status.InTransitDepartedFacility && !strings.Contains(txt, "depart") {
			t.Errorf("scan code %q %q mapped to %s", code, txt, sub)
		}
	}
	exc := texts("appendix-package-exception-codes.csv")
	keywords := map[status.Substatus][]string{
		status.AttemptFailRecipientUnavailable: {"not available"},
		status.AttemptFailBusinessClosed:       {"closed"},
		status.ExceptionDamaged:                {"damage"},
		status.ExceptionDisposed:               {"destroy", "dispos"},
		status.ExceptionDutiesDue:              {"charges", "due"},
		status.ExceptionCustomsHeld:            {"government agency", "gateway hold"},
		status.ExceptionDocumentsRequired:      {"clearance information", "commercial invoice", "details needed"},
		status.ExceptionReturning:              {"return"},
		status.ExceptionUnclaimed:              {"not picked up", "maximum days"},
		status.ExceptionAddressIssue:           {"address", "vacant"},
	}
	for code, sub := range byExceptionCode {
		txt, ok := exc[code]
		if !ok {
			t.Errorf("exception code %q not in the appendix", code)
			continue
		}
		if kws, ok := keywords[sub]; ok {
			match := false
			for _, k := range kws {
				match = match || strings.Contains(txt, k)
			}
			if !match {
				t.Errorf("exception code %q %q mapped to %s", code, txt, sub)
			}
		}
	}
}
