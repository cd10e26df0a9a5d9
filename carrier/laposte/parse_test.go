package laposte

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

func readTestdata(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := readTestdata(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type wantEvent struct {
	utc   string // RFC 3339 UTC
	local string
	zone  string
	code  string
	sub   status.Substatus
}

func checkEvents(t *testing.T, got []shipment.Event, lang string, want []wantEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i, w := range want {
		e := got[i]
		if s := e.Time.UTC().Format(time.RFC3339); s != w.utc || e.LocalTime != w.local || e.Zone != w.zone || e.OffsetSource != shipment.OffsetExplicit {
			t.Errorf("event %d (%s): time %s local %s zone %q source %s; want %s %s %q explicit", i, e.Text, s, e.LocalTime, e.Zone, e.OffsetSource, w.utc, w.local, w.zone)
		}
		if e.Code != w.code || e.Substatus != w.sub || e.Status != w.sub.Status() {
			t.Errorf("event %d (%s %s): %s, want %s %s", i, e.Code, e.Text, e.Substatus, w.code, w.sub)
		}
		if e.Language != lang || e.Hash == "" || e.Text == "" {
			t.Errorf("event %d: language %q hash %q text %q", i, e.Language, e.Hash, e.Text)
		}
	}
}

func TestParseMultiStatus(t *testing.T) {
	rs, err := Parse(testdata(t, "track-multi-207.json"))
	if err != nil || len(rs) != 5 {
		t.Fatalf("%d results, err %v", len(rs), err)
	}
	r := rs[0]
	if !r.Found || r.TrackingNumber != "6A23456789012" || r.Err != nil || r.ETA != nil {
		t.Fatalf("first %+v", r)
	}
	checkEvents(t, r.Events, "fr", []wantEvent{
		{"2024-03-25T17:02:00Z", "2024-03-25T18:02:00", "+01:00", "DR1", status.InfoReceivedInfoReceived},
		{"2024-03-26T10:30:00Z", "2024-03-26T11:30:00", "+01:00", "PC1", status.InTransitAccepted},
		// "plateformes" must not read as "late".
		{"2024-03-27T01:14:00Z", "2024-03-27T02:14:00", "+01:00", "ET1", status.InTransitInTransit},
		// A code outside the table: its label decides.
		{"2024-03-28T08:45:00Z", "2024-03-28T09:45:00", "+01:00", "XX9", status.InTransitInTransit},
		// Summer time from 31 March: the offset changes with it.
		{"2024-04-02T04:00:00Z", "2024-04-02T06:00:00", "+02:00", "ET1", status.InTransitInTransit},
		{"2024-04-02T12:10:00Z", "2024-04-02T14:10:00", "+02:00", "AG1", status.AvailableForPickupAvailableForPickup},
	})
	if r := rs[1]; r.Found || r.TrackingNumber != "8R00000000017" || r.NotFound == "" || r.NotFound[:4] != "104:" || r.Err != nil {
		t.Fatalf("not yet available: %+v", r)
	}
	r = rs[2]
	checkEvents(t, r.Events, "fr", []wantEvent{
		{"2024-03-31T03:30:00Z", "2024-03-31T05:30:00", "+02:00", "ET3", status.InTransitArrivedDestinationCountry},
		{"2024-04-01T07:00:00Z", "2024-04-01T09:00:00", "+02:00", "DO1", status.InTransitCustomsProcessing},
		{"2024-04-02T15:20:00Z", "2024-04-02T17:20:00", "+02:00", "DO2", status.InTransitCustomsCleared},
		{"2024-04-03T06:05:00Z", "2024-04-03T08:05:00", "+02:00", "MD2", status.OutForDeliveryOutForDelivery},
	})
	eta := r.ETA
	if eta == nil || eta.Date != "2024-04-03" || eta.From != "12:00" || eta.To != "14:00" ||
		!eta.Start.Equal(time.Date(2024, 4, 3, 10, 0, 0, 0, time.UTC)) || !eta.End.Equal(time.Date(2024, 4, 3, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("ETA %+v", eta)
	}
	var ce *carrier.Error
	if r := rs[3]; r.TrackingNumber != "ABC" || !errors.Is(r.Err, carrier.ErrRejected) || !errors.As(r.Err, &ce) || ce.CarrierCode != "400" {
		t.Fatalf("invalid number %+v", r)
	}
	if r := rs[4]; r.TrackingNumber != "1K00000000014" || !errors.Is(r.Err, carrier.ErrUnavailable) || r.Found {
		t.Fatalf("back-end timeout %+v", r)
	}
}

func TestParseReturned(t *testing.T) {
	rs, err := Parse(testdata(t, "track-returned.json"))
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v %v", rs, err)
	}
	checkEvents(t, rs[0].Events, "en", []wantEvent{
		{"2024-10-01T08:00:00Z", "2024-10-01T10:00:00", "+02:00", "PC2", status.InTransitAccepted},
		{"2024-10-02T04:30:00Z", "2024-10-02T06:30:00", "+02:00", "ET2", status.InTransitDepartedOriginCountry},
		{"2024-10-05T06:00:00Z", "2024-10-05T08:00:00", "+02:00", "DO3", status.ExceptionCustomsHeld},
		// Generic "not deliverable", sharpened by its English label.
		{"2024-10-09T11:40:00Z", "2024-10-09T13:40:00", "+02:00", "ND1", status.AttemptFailAddressIssue},
		{"2024-10-22T14:00:00Z", "2024-10-22T16:00:00", "+02:00", "RE1", status.ExceptionReturning},
		{"2024-11-04T10:15:00Z", "2024-11-04T11:15:00", "+01:00", "DI2", status.ExceptionReturned},
	})
	// Final: the old estimate is not an ETA any more.
	if rs[0].ETA != nil {
		t.Fatalf("ETA %+v on a returned parcel", rs[0].ETA)
	}
}

func TestParseErrorObjects(t *testing.T) {
	rs, err := Parse(testdata(t, "error-404.json"))
	if err != nil || len(rs) != 1 || rs[0].Found || rs[0].TrackingNumber != "8R00000000017" || rs[0].NotFound == "" {
		t.Fatalf("404: %+v %v", rs, err)
	}
	rs, err = Parse(testdata(t, "error-400.json"))
	if err != nil || len(rs) != 1 || !errors.Is(rs[0].Err, carrier.ErrRejected) || rs[0].TrackingNumber != "ABC" {
		t.Fatalf("400: %+v %v", rs, err)
	}
	if code, msg := decodeError(testdata(t, "error-401.json")); code != "UNAUTHORIZED" || msg != "Invalid Okapi key" {
		t.Fatalf("gateway error decoded as %q %q", code, msg)
	}
	if code, _ := decodeError(testdata(t, "error-400.json")); code != "400" {
		t.Fatalf("400 decoded as %q", code)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, body := range []string{"", "null", "[]", "{}", "[{}]", `[{"returnCode":"x"}]`, `[{"shipment":{"event":[{"date":7}]}}]`,
		"<html>502</html>", string(testdata(t, "truncated.json")), string(testdata(t, "error-401.json"))} {
		if rs, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Errorf("Parse(%.40q) = %v, %v; want ErrBadResponse", body, rs, err)
		}
	}
	rs, err := Parse(testdata(t, "malformed-bad-date.json"))
	if err != nil || len(rs) != 5 {
		t.Fatalf("%v %v", rs, err)
	}
	// Only the item with the impossible date fails, with no partial timeline.
	if !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 || rs[2].Err != nil || len(rs[2].Events) != 4 {
		t.Fatalf("bad date: %+v / %+v", rs[0], rs[2])
	}
	// A date without offset is French local time, marked assumed.
	rs, err = Parse([]byte(`[{"returnCode":200,"shipment":{"idShip":"X","event":[{"code":"DI1","label":"Livré","date":"2024-07-01T10:00:00"}]}}]`))
	if err != nil || rs[0].Events[0].OffsetSource != shipment.OffsetAssumed || !rs[0].Events[0].Time.Equal(time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("no offset: %+v %v", rs, err)
	}
}

func TestCodeTable(t *testing.T) {
	for code, sub := range byCode {
		if !sub.Valid() {
			t.Errorf("%s maps to invalid substatus %q", code, sub)
		}
		if got := classify(code, "", "fr"); got != sub {
			t.Errorf("classify(%s) = %s, want %s", code, got, sub)
		}
	}
	if got := classify("ZZ1", "Texte sans rapport", "fr"); got != "" {
		t.Errorf("unknown code and text gave %q, want no status", got)
	}
	if got := classify("DI1", "Votre colis a été livré à votre voisin", "fr"); got != status.DeliveredNeighbour {
		t.Errorf("DI1 to a neighbour gave %q", got)
	}
}
