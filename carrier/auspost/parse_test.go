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
	src   shipment.OffsetSource
	sub   status.Substatus
	city  string
	state string
	cc    string
}

func checkEvents(t *testing.T, got []shipment.Event, want []wantEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i, w := range want {
		e := got[i]
		if s := e.Time.UTC().Format(time.RFC3339); s != w.utc || e.LocalTime != w.local || e.Zone != w.zone || e.OffsetSource != w.src {
			t.Errorf("event %d (%s): time %s local %s zone %q source %s; want %s %s %q %s", i, e.Text, s, e.LocalTime, e.Zone, e.OffsetSource, w.utc, w.local, w.zone, w.src)
		}
		if e.Substatus != w.sub || e.Status != w.sub.Status() {
			t.Errorf("event %d (%s): %s, want %s", i, e.Text, e.Substatus, w.sub)
		}
		if e.Location.City != w.city || e.Location.State != w.state || e.Location.Country != w.cc {
			t.Errorf("event %d (%s): location %+v, want %s %s %s", i, e.Text, e.Location, w.city, w.state, w.cc)
		}
		if e.Language != "en" || e.Hash == "" || e.Code != "" {
			t.Errorf("event %d: language %q hash %q code %q", i, e.Language, e.Hash, e.Code)
		}
	}
}

const ex = shipment.OffsetExplicit

func TestParseBatch(t *testing.T) {
	rs, err := Parse(testdata(t, "track-batch.json"))
	if err != nil || len(rs) != 4 {
		t.Fatalf("%d results, err %v", len(rs), err)
	}
	if !rs[0].Found || rs[0].TrackingNumber != "33LPZ5000010" || rs[0].Err != nil {
		t.Fatalf("first %+v", rs[0])
	}
	// AEST (+10:00) in July.
	checkEvents(t, rs[0].Events, []wantEvent{
		{"2024-06-30T23:12:03Z", "2024-07-01T09:12:03", "+10:00", ex, status.InfoReceivedInfoReceived, "", "", ""},
		{"2024-07-01T06:00:00Z", "2024-07-01T16:00:00", "+10:00", ex, status.InTransitAccepted, "BRISBANE", "QLD", "AU"},
		{"2024-07-02T09:44:31Z", "2024-07-02T19:44:31", "+10:00", ex, status.InTransitInTransit, "SUNSHINE WEST", "VIC", "AU"},
		{"2024-07-02T11:10:09Z", "2024-07-02T21:10:09", "+10:00", ex, status.InTransitDepartedFacility, "", "", ""},
		{"2024-07-02T20:55:00Z", "2024-07-03T06:55:00", "+10:00", ex, status.OutForDeliveryOutForDelivery, "MELTON", "VIC", "AU"},
		// A receiver's request carries no status.
		{"2024-07-02T21:02:40Z", "2024-07-03T07:02:40", "+10:00", ex, "", "", "", ""},
		{"2024-07-03T03:20:11Z", "2024-07-03T13:20:11", "+10:00", ex, status.DeliveredDelivered, "MELTON WEST", "VIC", "AU"},
	})
	// A consignment of two articles: one timeline, the shared first event once.
	checkEvents(t, rs[1].Events, []wantEvent{
		{"2024-12-04T07:00:00Z", "2024-12-04T18:00:00", "+11:00", ex, status.InfoReceivedInfoReceived, "", "", ""},
		{"2024-12-04T19:10:00Z", "2024-12-05T06:10:00", "+11:00", ex, status.InTransitArrivedFacility, "MELBOURNE AIRPORT", "VIC", "AU"},
		// Unrecognised wording on the newest event of its article: the
		// article's status ("Possible delay") speaks for it.
		{"2024-12-05T01:40:00Z", "2024-12-05T12:40:00", "+11:00", ex, status.InTransitDelayed, "PERTH", "WA", "AU"},
		{"2024-12-05T04:31:00Z", "2024-12-05T15:31:00", "+11:00", ex, status.AvailableForPickupAvailableForPickup, "CARLTON", "VIC", "AU"},
	})
	var ce *carrier.Error
	if r := rs[2]; r.Found || !errors.Is(r.Err, carrier.ErrRejected) || !errors.As(r.Err, &ce) || ce.CarrierCode != "ESB-10001" || r.TrackingNumber != "AB000000000AU" {
		t.Fatalf("invalid id %+v", r)
	}
	if r := rs[3]; r.Found || r.Err != nil || r.NotFound != "ESB-10002: Tracking ID not found" {
		t.Fatalf("unknown id %+v", r)
	}
}

func TestParseDatesWithoutOffset(t *testing.T) {
	rs, err := Parse(testdata(t, "track-no-offset.json"))
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v %v", rs, err)
	}
	// December: Queensland keeps +10:00, Victoria (the fallback) is on +11:00.
	checkEvents(t, rs[0].Events, []wantEvent{
		{"2024-12-08T22:00:00Z", "2024-12-09T09:00:00", "Australia/Melbourne", shipment.OffsetAssumed, status.InfoReceivedInfoReceived, "", "", ""},
		{"2024-12-10T01:45:57Z", "2024-12-10T11:45:57", "Australia/Brisbane", shipment.OffsetAssumed, status.InTransitInTransit, "PARREARRA", "QLD", "AU"},
	})
}

func TestParseErrors(t *testing.T) {
	for _, name := range []string{"error-401.json", "error-400-request.json"} {
		var ce *carrier.Error
		if rs, err := Parse(testdata(t, name)); !errors.Is(err, carrier.ErrRejected) || rs != nil || !errors.As(err, &ce) || ce.CarrierCode == "" {
			t.Errorf("%s: %v %v", name, rs, err)
		}
	}
	if code, msg := decodeError(testdata(t, "error-401.json")); code != "API_001" || msg != "Unauthorized" {
		t.Fatalf("decoded %q %q", code, msg)
	}
	for _, body := range []string{"", "null", "{}", `{"tracking_results":[]}`, `{"tracking_results":{}}`, "<html/>",
		`{"tracking_results":[{"tracking_id":"X","trackable_items":[{"events":[{"date":"yesterday"}]}]}]}`[:40], string(testdata(t, "truncated.json"))} {
		if rs, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Errorf("Parse(%.40q) = %v, %v; want ErrBadResponse", body, rs, err)
		}
	}
	rs, err := Parse(testdata(t, "malformed-bad-date.json"))
	if err != nil || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 || rs[1].Err != nil {
		t.Fatalf("bad date: %+v %v", rs, err)
	}
	rs, err = Parse([]byte(`{"tracking_results":[{"tracking_id":"X"}]}`))
	if err != nil || rs[0].Found || rs[0].NotFound == "" {
		t.Fatalf("no items: %+v %v", rs, err)
	}
}

func TestParseLocation(t *testing.T) {
	for in, want := range map[string]shipment.Location{
		"KEW VIC":                 {Text: "KEW VIC", City: "KEW", State: "VIC", Country: "AU"},
		"Sydney,NSW":              {Text: "Sydney,NSW", City: "Sydney", State: "NSW", Country: "AU"},
		"CHICAGO (US)":            {Text: "CHICAGO (US)", City: "CHICAGO", Country: "US"},
		"NZ":                      {Text: "NZ", Country: "NZ"},
		"Transit Scan":            {Text: "Transit Scan"},
		"US-60199, UNITED STATES": {Text: "US-60199, UNITED STATES"},
		"SOMEWHERE (XX)":          {Text: "SOMEWHERE (XX)"},
		"":                        {},
	} {
		if got := parseLocation(in); got != want {
			t.Errorf("parseLocation(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestClassifyWordings(t *testing.T) {
	for text, want := range map[string]status.Substatus{
		"Delivered - Left in a safe place":             status.DeliveredDelivered,
		"Delivered to parcel locker":                   status.DeliveredLocker,
		"Cannot be delivered":                          status.ExceptionOther,
		"Article damaged":                              status.ExceptionDamaged,
		"Unsuccessful Delivery - Card left":            status.AttemptFailOther,
		"Returned to sender":                           status.ExceptionReturned,
		"Item is in Customs":                           status.InTransitCustomsProcessing,
		"Item cleared by Customs":                      status.InTransitCustomsCleared,
		"Cleared and awaiting international departure": status.InTransitCustomsCleared,
		"Despatch Parcels from Export Facility":        status.InTransitDepartedOriginCountry,
		"Arrived in New Zealand":                       status.InTransitArrivedDestinationCountry,
		"Redirection requested by receiver":            "",
		"Gibberish nobody says":                        "",
	} {
		if got := classify(text); got != want {
			t.Errorf("classify(%q) = %q, want %q", text, got, want)
		}
	}
	for _, ph := range phrases {
		if ph.sub != noStatus && !ph.sub.Valid() {
			t.Errorf("%v maps to invalid %q", ph.all, ph.sub)
		}
	}
	for s, sub := range byItemStatus {
		if sub != noStatus && !sub.Valid() {
			t.Errorf("item status %q maps to invalid %q", s, sub)
		}
	}
}
