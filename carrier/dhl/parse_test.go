package dhl

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

func parseOne(t *testing.T, name string) carrier.Result {
	t.Helper()
	rs, err := Parse(testdata(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(rs) != 1 {
		t.Fatalf("%s: %d results, want 1", name, len(rs))
	}
	return rs[0]
}

type wantEvent struct {
	utc     string // RFC 3339 UTC
	local   string
	zone    string
	offset  int
	src     shipment.OffsetSource
	sub     status.Substatus
	city    string
	state   string
	country string
}

func checkEvents(t *testing.T, number string, got []shipment.Event, want []wantEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i, w := range want {
		e := got[i]
		if s := e.Time.UTC().Format(time.RFC3339); s != w.utc || e.LocalTime != w.local || e.Zone != w.zone || e.UTCOffset != w.offset || e.OffsetSource != w.src {
			t.Errorf("event %d (%s): time %s local %s zone %q offset %d source %s; want %s %s %q %d %s",
				i, e.Text, s, e.LocalTime, e.Zone, e.UTCOffset, e.OffsetSource, w.utc, w.local, w.zone, w.offset, w.src)
		}
		if e.Substatus != w.sub || e.Status != w.sub.Status() {
			t.Errorf("event %d (%s %s): %s/%s, want %s", i, e.Code, e.Text, e.Status, e.Substatus, w.sub)
		}
		if e.Location.City != w.city || e.Location.State != w.state || e.Location.Country != w.country {
			t.Errorf("event %d location %+v, want %s/%s/%s", i, e.Location, w.city, w.state, w.country)
		}
		if e.Hash == "" || e.Hash != shipment.HashEvent(Slug, number, &e) {
			t.Errorf("event %d hash %q", i, e.Hash)
		}
	}
}

func TestParseExpressInternational(t *testing.T) {
	r := parseOne(t, "track-express-international.json")
	if !r.Found || r.TrackingNumber != "1234567890" || r.Err != nil {
		t.Fatalf("result %+v", r)
	}
	const ex = shipment.OffsetExplicit
	checkEvents(t, r.TrackingNumber, r.Events, []wantEvent{
		{"2024-11-03T14:02:00Z", "2024-11-03T14:02:00", "+00:00", 0, ex, status.InfoReceivedInfoReceived, "", "", ""},
		{"2024-11-03T18:47:00Z", "2024-11-03T19:47:00", "+01:00", 3600, ex, status.InTransitAccepted, "LEIPZIG", "", "DE"},
		{"2024-11-04T10:30:00Z", "2024-11-04T11:30:00", "+01:00", 3600, ex, status.InTransitDepartedFacility, "LEIPZIG", "", "DE"},
		{"2024-11-05T02:05:00Z", "2024-11-04T21:05:00", "-05:00", -5 * 3600, ex, status.InTransitArrivedFacility, "CINCINNATI HUB", "", "US"},
		{"2024-11-05T04:40:00Z", "2024-11-04T23:40:00", "-05:00", -5 * 3600, ex, status.InTransitCustomsCleared, "CINCINNATI HUB", "", "US"},
		{"2024-11-05T13:12:00Z", "2024-11-05T08:12:00", "-05:00", -5 * 3600, ex, status.OutForDeliveryOutForDelivery, "CINCINNATI", "", "US"},
	})
	if r.Events[1].Location.PostalCode != "04109" || r.Events[1].Location.Text != "Hainstrasse 3, LEIPZIG" {
		t.Errorf("pickup location %+v", r.Events[1].Location)
	}
	if r.Events[5].Code != "transit" || r.Events[5].Text != "Shipment is out with courier for delivery" || r.Events[5].Language != "en" {
		t.Errorf("last event %+v", r.Events[5])
	}
	want := carrier.ETA{Date: "2024-11-05", From: "09:00", To: "18:00",
		Start: time.Date(2024, 11, 5, 14, 0, 0, 0, time.UTC), End: time.Date(2024, 11, 5, 23, 0, 0, 0, time.UTC)}
	if r.ETA == nil || r.ETA.Date != want.Date || r.ETA.From != want.From || r.ETA.To != want.To ||
		!r.ETA.Start.Equal(want.Start) || !r.ETA.End.Equal(want.End) {
		t.Errorf("ETA %+v, want %+v", r.ETA, want)
	}
}

// Parcel DE sends German local times without offset: Europe/Berlin is
// assumed, and the switch to summer time on 2024-03-31 must move the
// offset from +01:00 to +02:00.
func TestParseParcelDEAcrossDST(t *testing.T) {
	r := parseOne(t, "track-parcel-de-dst.json")
	const as, berlin = shipment.OffsetAssumed, "Europe/Berlin"
	checkEvents(t, r.TrackingNumber, r.Events, []wantEvent{
		{"2024-03-29T15:05:00Z", "2024-03-29T16:05:00", berlin, 3600, as, status.InfoReceivedInfoReceived, "", "", ""},
		{"2024-03-30T21:10:00Z", "2024-03-30T22:10:00", berlin, 3600, as, status.InTransitAccepted, "", "", "DE"},
		{"2024-03-31T07:15:00Z", "2024-03-31T09:15:00", berlin, 7200, as, status.InTransitArrivedFacility, "", "", "DE"},
		{"2024-04-02T05:58:00Z", "2024-04-02T07:58:00", berlin, 7200, as, status.OutForDeliveryOutForDelivery, "", "", ""},
		{"2024-04-02T09:40:00Z", "2024-04-02T11:40:00", berlin, 7200, as, status.AttemptFailRecipientUnavailable, "", "", ""},
		{"2024-04-02T09:47:00Z", "2024-04-02T11:47:00", berlin, 7200, as, status.DeliveredNeighbour, "", "", "DE"},
	})
	for i, e := range r.Events {
		if e.Language != "de" {
			t.Errorf("event %d language %q, want de (detected)", i, e.Language)
		}
	}
	if r.Events[5].Location.Text != "Deutschland" {
		t.Errorf("location text %q", r.Events[5].Location.Text)
	}
	if r.ETA != nil {
		t.Errorf("ETA %+v, want none", r.ETA)
	}
}

func TestParseEcommerceUnknownCodesAndReturn(t *testing.T) {
	r := parseOne(t, "track-ecommerce-return.json")
	const ex = shipment.OffsetExplicit
	checkEvents(t, r.TrackingNumber, r.Events, []wantEvent{
		{"2024-06-10T10:10:00Z", "2024-06-10T06:10:00", "-04:00", -4 * 3600, ex, status.InTransitArrivedFacility, "Atlanta", "GA", "US"},
		{"2024-06-11T22:30:00Z", "2024-06-11T15:30:00", "-07:00", -7 * 3600, ex, status.AttemptFailAddressIssue, "San Francisco", "CA", "US"},
		// "unknown" with a text that says nothing: no status meaning.
		{"2024-06-12T15:00:00Z", "2024-06-12T08:00:00", "-07:00", -7 * 3600, ex, "", "San Francisco", "CA", "US"},
		// No offset: Memphis, TN is assumed to be on Central time (CDT).
		{"2024-06-14T15:20:00Z", "2024-06-14T10:20:00", "America/Chicago", -5 * 3600, shipment.OffsetAssumed, status.ExceptionReturned, "Memphis", "TN", "US"},
	})
	if r.Events[2].HasStatus() {
		t.Errorf("statusless event has status %q", r.Events[2].Status)
	}
}

func TestParseErrors(t *testing.T) {
	rs, err := Parse(testdata(t, "error-404.json"))
	if err != nil || len(rs) != 1 || rs[0].Found || rs[0].NotFound != "404 No result found: No shipment with given tracking number found." {
		t.Fatalf("404: %+v %v", rs, err)
	}
	for name, kind := range map[string]error{
		"error-401.json": carrier.ErrAuth, "error-429.json": carrier.ErrRateLimited, "error-400.json": carrier.ErrRejected,
		"truncated.json": carrier.ErrBadResponse,
	} {
		rs, err := Parse(testdata(t, name))
		if !errors.Is(err, kind) || rs != nil {
			t.Errorf("%s: results %v err %v, want %v", name, rs, err, kind)
		}
	}
	for _, body := range []string{`{}`, `[]`, `null`, `{"shipments":null}`} {
		if _, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) {
			t.Errorf("%s: err %v, want ErrBadResponse", body, err)
		}
	}
	rs, err = Parse([]byte(`{"shipments":[]}`))
	if err != nil || len(rs) != 1 || rs[0].Found {
		t.Errorf("empty shipments: %+v %v", rs, err)
	}
	r := parseOne(t, "malformed-bad-timestamp.json")
	if !errors.Is(r.Err, carrier.ErrBadResponse) || len(r.Events) != 0 || r.TrackingNumber != "00340434161094099999" {
		t.Fatalf("bad timestamp: %+v", r)
	}
}

func TestPlace(t *testing.T) {
	for in, want := range map[string]shipment.Location{
		"Deutschland":           {Text: "Deutschland", Country: "DE"},
		"LEIPZIG - GERMANY":     {Text: "LEIPZIG - GERMANY", City: "LEIPZIG", Country: "DE"},
		"Oderweg 2, AMSTERDAM":  {Text: "Oderweg 2, AMSTERDAM", City: "AMSTERDAM"},
		"CINCINNATI, OH - USA":  {Text: "CINCINNATI, OH - USA", City: "CINCINNATI", State: "OH", Country: "US"},
		"Main St 1, Austin, TX": {Text: "Main St 1, Austin, TX", City: "Austin", State: "TX"},
		"Bonn":                  {Text: "Bonn", City: "Bonn"},
	} {
		p := &placeJSON{}
		p.Address = &struct {
			CountryCode     text `json:"countryCode"`
			PostalCode      text `json:"postalCode"`
			AddressLocality text `json:"addressLocality"`
		}{AddressLocality: text(in)}
		if got := place(p); got != want {
			t.Errorf("place(%q) = %+v, want %+v", in, got, want)
		}
	}
}

// The code is DHL's verdict: a text may sharpen it but never contradict it.
func TestClassifyCodeBoundsText(t *testing.T) {
	for _, c := range []struct {
		code, text string
		want       status.Substatus
	}{
		{"pre-transit", "DELIVERED", status.InfoReceivedInfoReceived},
		{"transit", "Die Sendung wurde zugestellt.", status.InTransitInTransit},
		{"delivered", "Die Sendung liegt in der Packstation zur Abholung bereit.", status.AvailableForPickupAvailableForPickup},
		{"delivered", "Shipment is out with courier for delivery", status.DeliveredDelivered},
		{"failure", "Die Sendung wurde zugestellt.", status.ExceptionOther},
		{"unknown", "Die Sendung wurde zugestellt.", status.DeliveredDelivered},
		{"unknown", "", ""},
		{"something-new", "Shipment is out with courier for delivery", status.OutForDeliveryOutForDelivery},
	} {
		if got, _ := classify(c.code, c.text, ""); got != c.want {
			t.Errorf("classify(%q, %q) = %q, want %q", c.code, c.text, got, c.want)
		}
	}
}
