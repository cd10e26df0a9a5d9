package ups

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
	utc    string // RFC 3339 UTC
	local  string
	zone   string
	src    shipment.OffsetSource
	sub    status.Substatus
	city   string
	countr string
}

func checkEvents(t *testing.T, number string, got []shipment.Event, want []wantEvent) {
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
			t.Errorf("event %d (%s %s): %s/%s, want %s", i, e.Code, e.Text, e.Status, e.Substatus, w.sub)
		}
		if e.Location.City != w.city || e.Location.Country != w.countr {
			t.Errorf("event %d: location %+v, want %s %s", i, e.Location, w.city, w.countr)
		}
		if h := e.Hash; h == "" || h != shipment.HashEvent(Slug, number, &e) {
			t.Errorf("event %d: hash %q", i, e.Hash)
		}
	}
}

func TestParseInternationalWithGMTFields(t *testing.T) {
	r := parseOne(t, "track-international-gmt.json")
	if !r.Found || r.TrackingNumber != "1Z999AA10123456784" {
		t.Fatalf("result %+v", r)
	}
	checkEvents(t, r.TrackingNumber, r.Events, []wantEvent{
		{"2024-03-08T10:15:02Z", "2024-03-08T10:15:02", "", shipment.OffsetNone, status.InfoReceivedInfoReceived, "", "US"},
		{"2024-03-09T01:15:00Z", "2024-03-08T18:15:00", "-07:00", shipment.OffsetCarrierGMT, status.InTransitAccepted, "Phoenix", "US"},
		{"2024-03-10T04:59:00Z", "2024-03-09T23:59:00", "-05:00", shipment.OffsetCarrierGMT, status.InTransitDepartedFacility, "Louisville", "US"},
		// The US changed to daylight time on 10 March: the offset follows.
		{"2024-03-11T03:12:00Z", "2024-03-10T23:12:00", "-04:00", shipment.OffsetCarrierGMT, status.InTransitDepartedOriginCountry, "Louisville", "US"},
		{"2024-03-12T01:30:00Z", "2024-03-12T02:30:00", "+01:00", shipment.OffsetCarrierGMT, status.InTransitCustomsProcessing, "Koeln", "DE"},
		{"2024-03-12T02:10:00Z", "2024-03-12T03:10:00", "+01:00", shipment.OffsetCarrierGMT, status.InTransitArrivedDestinationCountry, "Koeln", "DE"},
		{"2024-03-12T21:15:00Z", "2024-03-12T22:15:00", "+01:00", shipment.OffsetCarrierGMT, status.InTransitArrivedFacility, "Eindhoven", "NL"},
		// gmtTime "64700" lost its leading zero.
		{"2024-03-13T06:47:00Z", "2024-03-13T07:47:00", "+01:00", shipment.OffsetCarrierGMT, status.OutForDeliveryOutForDelivery, "Amsterdam", "NL"},
	})
	if r.ETA == nil || r.ETA.Date != "2024-03-13" || r.ETA.From != "09:00" || r.ETA.To != "12:00" {
		t.Fatalf("ETA %+v, want the rescheduled date 2024-03-13 09:00-12:00", r.ETA)
	}
	if e := r.Events[7]; e.Code != "I/OT/021" || e.Text != "Out For Delivery Today" || e.Language != "en" || e.Location.PostalCode != "1012" {
		t.Fatalf("last event %+v", e)
	}
}

func TestParseExceptionCodes(t *testing.T) {
	r := parseOne(t, "track-exceptions.json")
	checkEvents(t, r.TrackingNumber, r.Events, []wantEvent{
		{"2024-07-14T10:00:00Z", "2024-07-14T06:00:00", "America/New_York", shipment.OffsetAssumed, status.InTransitDelayed, "Atlanta", "US"},
		{"2024-07-15T12:10:00Z", "2024-07-15T08:10:00", "America/New_York", shipment.OffsetAssumed, status.OutForDeliveryOutForDelivery, "Atlanta", "US"},
		// Same minute: UPS lists newest first and the attempt is listed
		// above the update, so the attempt is the later of the two.
		{"2024-07-15T18:23:00Z", "2024-07-15T14:23:00", "America/New_York", shipment.OffsetAssumed, "", "Atlanta", "US"},
		{"2024-07-15T18:23:00Z", "2024-07-15T14:23:00", "America/New_York", shipment.OffsetAssumed, status.AttemptFailRecipientUnavailable, "Atlanta", "US"},
		{"2024-07-16T19:00:00Z", "2024-07-16T15:00:00", "America/New_York", shipment.OffsetAssumed, status.ExceptionAddressIssue, "Atlanta", "US"},
		{"2024-07-17T22:30:00Z", "2024-07-17T18:30:00", "America/New_York", shipment.OffsetAssumed, status.ExceptionReturning, "Atlanta", "US"},
	})
	if r.Events[2].HasStatus() {
		t.Fatal("a type U update must carry no status")
	}
}

func TestParseMultiPackage(t *testing.T) {
	rs, err := Parse(testdata(t, "track-multi-package.json"))
	if err != nil || len(rs) != 2 {
		t.Fatalf("%d results, err %v", len(rs), err)
	}
	if rs[0].TrackingNumber != "1Z999AA10123456800" || rs[0].Events[0].Substatus != status.DeliveredDelivered {
		t.Fatalf("first package %+v", rs[0])
	}
	if rs[1].TrackingNumber != "1Z999AA10123456811" || rs[1].Events[0].Substatus != status.AvailableForPickupAvailableForPickup {
		t.Fatalf("second package %+v", rs[1])
	}
	if got := pick(rs, "1z999aa10123456811"); got.TrackingNumber != "1Z999AA10123456811" {
		t.Fatalf("pick by number: %+v", got)
	}
}

func TestParseNotFoundAndErrors(t *testing.T) {
	r := parseOne(t, "warning-not-found.json")
	if r.Found || r.NotFound != "TW0001: Tracking Information Not Found" || r.TrackingNumber != "1Z999AA10000000000" || r.Err != nil {
		t.Fatalf("not found: %+v", r)
	}
	r = parseOne(t, "error-not-found-404.json")
	if r.Found || r.NotFound == "" {
		t.Fatalf("not found as error body: %+v", r)
	}
	_, err := Parse(testdata(t, "error-invalid-number.json"))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrRejected) || !errors.As(err, &ce) || ce.CarrierCode != "TV1002" {
		t.Fatalf("invalid number: %v", err)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, name := range []string{"truncated.json"} {
		rs, err := Parse(testdata(t, name))
		if !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Fatalf("%s: results %v, err %v; want ErrBadResponse and nothing else", name, rs, err)
		}
	}
	for _, body := range []string{``, `null`, `[]`, `{}`, `{"trackResponse":{"shipment":[{"package":[{"activity":[{"date":true}]}]}]}}`, `<html>502 Bad Gateway</html>`} {
		if rs, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Errorf("Parse(%q) = %v, %v; want ErrBadResponse", body, rs, err)
		}
	}
	// One unreadable activity time: the package is an error with no events.
	r := parseOne(t, "malformed-bad-date.json")
	if !errors.Is(r.Err, carrier.ErrBadResponse) || len(r.Events) != 0 {
		t.Fatalf("bad date: %+v", r)
	}
}

func TestActivityTimeForms(t *testing.T) {
	for _, tc := range []struct {
		a    activityJSON
		want string
		src  shipment.OffsetSource
	}{
		{activityJSON{Date: "20240102", Time: "030405", GMTDate: "20240102", GMTTime: "20405"}, "2024-01-02T02:04:05Z", shipment.OffsetCarrierGMT},
		{activityJSON{Date: "20240102", Time: "030405", GMTOffset: "+0530"}, "2024-01-01T21:34:05Z", shipment.OffsetCarrierGMT},
		{activityJSON{Date: "20240102", Time: "03:04:05", GMTOffset: "-5"}, "2024-01-02T08:04:05Z", shipment.OffsetCarrierGMT},
		{activityJSON{Date: "20240102", Time: "0304"}, "2024-01-02T03:04:00Z", shipment.OffsetNone},
	} {
		st, err := activityTime(&tc.a, "", "")
		if err != nil || st.Time.UTC().Format(time.RFC3339) != tc.want || st.Source != tc.src {
			t.Errorf("%+v: %s %s %v; want %s %s", tc.a, st.Time.UTC().Format(time.RFC3339), st.Source, err, tc.want, tc.src)
		}
	}
	// Offset derived from the two clocks when gmtOffset is missing.
	st, _ := activityTime(&activityJSON{Date: "20240102", Time: "030405", GMTDate: "20240101", GMTTime: "213405"}, "", "")
	if st.Zone != "+05:30" || st.Offset != 19800 {
		t.Errorf("derived offset %s (%d), want +05:30", st.Zone, st.Offset)
	}
	for _, bad := range []activityJSON{{Date: "2024"}, {Date: "20240102", Time: "99"}, {Date: "20240102", Time: "256000"}, {Date: "20240102", Time: "ab:cd"}} {
		if _, err := activityTime(&bad, "", ""); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestClassifyFallbacks(t *testing.T) {
	for _, tc := range []struct {
		typ, code, sc, text string
		want                status.Substatus
	}{
		{"D", "F4", "011", "DELIVERED", status.DeliveredDelivered},
		{"D", "", "", "Delivered to locker", status.DeliveredLocker},
		{"I", "AR", "", "Arrival Scan", status.InTransitArrivedFacility},
		{"X", "", "", "Damage reported", status.ExceptionDamaged},
		{"X", "48", "", "", status.AttemptFailRecipientUnavailable},
		{"M", "", "007", "Shipment information voided", status.ExceptionCancelled},
		{"MV", "", "", "", status.ExceptionCancelled},
		{"U", "UT", "153", "Updated Delivery Time", ""},
		{"", "", "", "", status.InTransitInTransit},
		{"D", "", "005", "DELIVERED", status.DeliveredDelivered}, // type D beats a contradicting code
		{"I", "", "0161", "", status.AvailableForPickupAvailableForPickup},
	} {
		if got := classify(tc.typ, tc.code, tc.sc, tc.text); got != tc.want {
			t.Errorf("classify(%q,%q,%q,%q) = %q, want %q", tc.typ, tc.code, tc.sc, tc.text, got, tc.want)
		}
	}
}
