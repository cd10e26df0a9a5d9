package usps

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
		if e.Hash == "" || e.Hash != shipment.HashEvent(Slug, number, &e) || e.Language != "en" {
			t.Errorf("event %d hash %q language %q", i, e.Hash, e.Language)
		}
	}
}

// The GMT fields give the instant across the end of summer time; the
// event without them is read as New York time (a trailing Z is not UTC).
func TestParseDetailAcrossDST(t *testing.T) {
	r := parseOne(t, "track-detail-dst.json")
	if !r.Found || r.TrackingNumber != "9400111899223344556677" || r.UniqueID != "204815162" || r.Err != nil {
		t.Fatalf("result %+v", r)
	}
	const g, bdc = shipment.OffsetCarrierGMT, "BROOKLYN NY DISTRIBUTION CENTER"
	checkEvents(t, r.TrackingNumber, r.Events, []wantEvent{
		{"2024-11-01T20:20:31Z", "2024-11-01T16:20:00", "-04:00", -4 * 3600, g, status.InfoReceivedInfoReceived, "BROOKLYN", "NY", "US"},
		{"2024-11-02T14:05:12Z", "2024-11-02T10:05:00", "-04:00", -4 * 3600, g, status.InTransitAccepted, "BROOKLYN", "NY", "US"},
		{"2024-11-03T01:40:00Z", "2024-11-02T21:40:00", "-04:00", -4 * 3600, g, status.InTransitArrivedFacility, bdc, "", "US"},
		{"2024-11-03T08:15:44Z", "2024-11-03T03:15:00", "-05:00", -5 * 3600, g, status.InTransitDepartedFacility, bdc, "", "US"},
		{"2024-11-05T04:50:02Z", "2024-11-04T23:50:00", "-05:00", -5 * 3600, g, status.InTransitArrivedFacility, "ORLANDO FL DISTRIBUTION CENTER", "", "US"},
		{"2024-11-05T11:45:00Z", "2024-11-05T06:45:00", "America/New_York", -5 * 3600, shipment.OffsetAssumed, status.InTransitArrivedFacility, "TAMPA", "FL", "US"},
		{"2024-11-05T12:10:09Z", "2024-11-05T07:10:00", "-05:00", -5 * 3600, g, status.OutForDeliveryOutForDelivery, "TAMPA", "FL", "US"},
		{"2024-11-05T18:32:51Z", "2024-11-05T13:32:00", "-05:00", -5 * 3600, g, status.DeliveredLocker, "TAMPA", "FL", "US"},
	})
	if e := r.Events[7]; e.Code != "01" || e.Text != "Delivered, Parcel Locker" || e.Location.Text != "TAMPA, FL 33602" || e.Location.PostalCode != "33602" {
		t.Errorf("delivered event %+v", e)
	}
	if r.ETA != nil {
		t.Errorf("delivered item has ETA %+v", r.ETA)
	}
}

func TestParseDetailExceptions(t *testing.T) {
	r := parseOne(t, "track-detail-exceptions.json")
	if r.UniqueID != "331907744" {
		t.Errorf("unique id %q (spelt uniqueMailPieceId)", r.UniqueID)
	}
	const g = shipment.OffsetCarrierGMT
	checkEvents(t, r.TrackingNumber, r.Events, []wantEvent{
		{"2024-01-08T16:00:00Z", "2024-01-08T09:00:00", "-07:00", -7 * 3600, g, status.InTransitAccepted, "PHOENIX", "AZ", "US"},
		// No eventCode: the text decides.
		{"2024-01-10T03:00:00Z", "2024-01-09T20:00:00", "-07:00", -7 * 3600, g, status.InTransitDelayed, "", "", ""},
		{"2024-01-11T22:20:00Z", "2024-01-11T14:20:00", "-08:00", -8 * 3600, g, status.AttemptFailRecipientUnavailable, "SEATTLE", "WA", "US"},
		{"2024-01-12T00:00:00Z", "2024-01-11T16:00:00", "-08:00", -8 * 3600, g, status.AvailableForPickupAvailableForPickup, "SEATTLE", "WA", "US"},
		// DX: no status meaning.
		{"2024-01-18T08:00:00Z", "2024-01-18T00:00:00", "-08:00", -8 * 3600, g, "", "", "", ""},
		{"2024-01-27T16:00:05Z", "2024-01-27T08:00:00", "-08:00", -8 * 3600, g, status.ExceptionReturning, "SEATTLE", "WA", "US"},
	})
	if r.Events[0].Location.Text != "PHOENIX, AZ 85001" {
		t.Errorf("location text %q", r.Events[0].Location.Text)
	}
	if r.ETA == nil || *r.ETA != (carrier.ETA{Date: "2024-02-02", From: "09:00", To: "17:00"}) {
		t.Errorf("ETA %+v", r.ETA)
	}
}

func TestParseErrors(t *testing.T) {
	rs, err := Parse(testdata(t, "error-404.json"))
	if err != nil || len(rs) != 1 || rs[0].Found || rs[0].NotFound == "" || len(rs[0].Events) != 0 {
		t.Fatalf("404: %+v %v", rs, err)
	}
	for name, kind := range map[string]error{
		"error-400.json": carrier.ErrRejected, "error-401.json": carrier.ErrAuth, "error-429.json": carrier.ErrRateLimited,
		"oauth-invalid-client.json": carrier.ErrAuth, "truncated.json": carrier.ErrBadResponse,
	} {
		rs, err := Parse(testdata(t, name))
		if !errors.Is(err, kind) || rs != nil {
			t.Errorf("%s: results %v err %v, want %v", name, rs, err, kind)
		}
	}
	var ce *carrier.Error
	if _, err := Parse(testdata(t, "error-400.json")); !errors.As(err, &ce) || ce.CarrierCode != "400" ||
		ce.Message != "Invalid tracking number.; Invalid request; The tracking number provided is not valid." {
		t.Errorf("400 detail: %v", err)
	}
	for _, body := range []string{`{}`, `[]`, `null`, `{"error":42}`} {
		if _, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) {
			t.Errorf("%s: err %v, want ErrBadResponse", body, err)
		}
	}
	r := parseOne(t, "malformed-bad-time.json")
	if !errors.Is(r.Err, carrier.ErrBadResponse) || len(r.Events) != 0 {
		t.Fatalf("bad time: %+v", r)
	}
}

func TestEventTimeRules(t *testing.T) {
	for _, c := range []struct {
		name string
		ev   eventJSON
		utc  string
		src  shipment.OffsetSource
		off  int
	}{
		{"explicit offset in eventTimestamp", eventJSON{EventTimestamp: "2024-07-01T10:00:00-06:00"}, "2024-07-01T16:00:00Z", shipment.OffsetExplicit, -6 * 3600},
		{"Z distrusted, Hawaii assumed", eventJSON{EventTimestamp: "2024-07-01T10:00:00Z", EventState: "HI"}, "2024-07-01T20:00:00Z", shipment.OffsetAssumed, -10 * 3600},
		{"nothing known", eventJSON{EventTimestamp: "2024-07-01T10:00:00"}, "2024-07-01T10:00:00Z", shipment.OffsetNone, 0},
		{"GMT only", eventJSON{GMTTimestamp: "2024-07-01T10:00:00.5Z"}, "2024-07-01T10:00:00Z", shipment.OffsetNone, 0},
		{"half-hour zone derived", eventJSON{EventTimestamp: "2024-07-01T15:30:00", GMTTimestamp: "2024-07-01T10:00:20Z"}, "2024-07-01T10:00:20Z", shipment.OffsetCarrierGMT, 5*3600 + 1800},
	} {
		l := location(&c.ev)
		st, err := eventTime(&c.ev, l.Country, l.State)
		if err != nil || st.Time.UTC().Truncate(time.Second).Format(time.RFC3339) != c.utc || st.Source != c.src || st.Offset != c.off {
			t.Errorf("%s: %+v %v; want %s %s %d", c.name, st, err, c.utc, c.src, c.off)
		}
	}
	bad := eventJSON{EventTimestamp: "2024-07-02T10:00:00", GMTTimestamp: "2024-07-01T10:00:00Z"}
	if _, err := eventTime(&bad, "US", ""); err == nil {
		t.Error("clocks a day apart accepted")
	}
}

func TestZip5(t *testing.T) {
	for in, want := range map[string]string{"33602": "33602", "33602-1234": "33602", " 98101 ": "98101", "3360": "", "A3602": "", "336021234": ""} {
		if got := zip5(in); got != want {
			t.Errorf("zip5(%q) = %q, want %q", in, got, want)
		}
	}
}
