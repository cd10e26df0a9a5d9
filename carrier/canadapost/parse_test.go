package canadapost

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
	utc   string // RFC 3339 UTC
	local string
	zone  string
	off   int
	src   shipment.OffsetSource
	code  string
	sub   status.Substatus
	city  string
	cc    string
}

func checkEvents(t *testing.T, got []shipment.Event, want []wantEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i, w := range want {
		e := got[i]
		if s := e.Time.UTC().Format(time.RFC3339); s != w.utc || e.LocalTime != w.local || e.Zone != w.zone || e.OffsetSource != w.src || e.UTCOffset != w.off {
			t.Errorf("event %d (%s): time %s local %s zone %q off %d source %s; want %s %s %q %d %s",
				i, e.Text, s, e.LocalTime, e.Zone, e.UTCOffset, e.OffsetSource, w.utc, w.local, w.zone, w.off, w.src)
		}
		if e.Code != w.code || e.Substatus != w.sub || e.Status != w.sub.Status() {
			t.Errorf("event %d (%s %s): %s/%s, want %s %s", i, e.Code, e.Text, e.Status, e.Substatus, w.code, w.sub)
		}
		if e.Location.City != w.city || e.Location.Country != w.cc {
			t.Errorf("event %d: location %+v, want %s %s", i, e.Location, w.city, w.cc)
		}
		if e.Hash == "" || e.Language != "en" {
			t.Errorf("event %d: hash %q language %q", i, e.Hash, e.Language)
		}
	}
}

const (
	edt = -4 * 3600
	pdt = -7 * 3600
	est = -5 * 3600
	nst = -(3*3600 + 1800)
)

func TestParseDetailV2Namespace(t *testing.T) {
	r := parseOne(t, "track-detail-v2.xml")
	if !r.Found || r.TrackingNumber != "1371134583769923" || r.Err != nil {
		t.Fatalf("result %+v", r)
	}
	checkEvents(t, r.Events, []wantEvent{
		// Unlisted identifier: the text decides.
		{"2024-07-08T14:15:00Z", "2024-07-08T10:15:00", "EDT", edt, shipment.OffsetTZAbbrev, "3000", status.InTransitAccepted, "TORONTO", "CA"},
		{"2024-07-09T01:30:00Z", "2024-07-08T21:30:00", "EDT", edt, shipment.OffsetTZAbbrev, "0100", status.InTransitInTransit, "MISSISSAUGA", "CA"},
		{"2024-07-11T06:10:00Z", "2024-07-10T23:10:00", "PDT", pdt, shipment.OffsetTZAbbrev, "0100", status.InTransitInTransit, "RICHMOND", "CA"},
		{"2024-07-11T14:55:00Z", "2024-07-11T07:55:00", "PDT", pdt, shipment.OffsetTZAbbrev, "0174", status.OutForDeliveryOutForDelivery, "VANCOUVER", "CA"},
		{"2024-07-11T23:40:00Z", "2024-07-11T16:40:00", "PDT", pdt, shipment.OffsetTZAbbrev, "0167", status.AttemptFailRecipientUnavailable, "VANCOUVER", "CA"},
		{"2024-07-12T15:12:00Z", "2024-07-12T08:12:00", "PDT", pdt, shipment.OffsetTZAbbrev, "0174", status.OutForDeliveryOutForDelivery, "VANCOUVER", "CA"},
		// Same second: listed newest first, the signature record above
		// the delivery, so the delivery comes first; a signatory makes it signed.
		{"2024-07-12T21:05:10Z", "2024-07-12T14:05:10", "PDT", pdt, shipment.OffsetTZAbbrev, "1496", status.DeliveredSigned, "VANCOUVER", "CA"},
		{"2024-07-12T21:05:10Z", "2024-07-12T14:05:10", "PDT", pdt, shipment.OffsetTZAbbrev, "20", "", "VANCOUVER", "CA"},
	})
	if r.Events[0].Location.Text != "QUEEN ST POST OFFICE, TORONTO, ON" || r.Events[0].Location.State != "ON" {
		t.Fatalf("retail location %+v", r.Events[0].Location)
	}
	if r.Events[7].HasStatus() {
		t.Fatal("a signature-image record must carry no status")
	}
	if r.ETA != nil {
		t.Fatalf("delivered parcel has ETA %+v", r.ETA)
	}
}

func TestParseInternationalZones(t *testing.T) {
	r := parseOne(t, "track-international.xml")
	checkEvents(t, r.Events, []wantEvent{
		{"2024-02-03T21:30:00Z", "2024-02-03T18:00:00", "NST", nst, shipment.OffsetTZAbbrev, "0100", status.InTransitInTransit, "ST. JOHN'S", "CA"},
		// No zone given: Quebec's zone is assumed (EST in February).
		{"2024-02-06T00:02:33Z", "2024-02-05T19:02:33", "America/Toronto", est, shipment.OffsetAssumed, "0100", status.InTransitInTransit, "LAVAL", "CA"},
		{"2024-02-06T16:20:00Z", "2024-02-06T11:20:00", "EST", est, shipment.OffsetTZAbbrev, "0810", status.ExceptionCustomsHeld, "MISSISSAUGA", "CA"},
		// Abroad, with an empty zone or a country name: no offset known.
		{"2024-02-13T09:31:07Z", "2024-02-13T09:31:07", "", 0, shipment.OffsetNone, "4310", status.InTransitArrivedDestinationCountry, "ILTLVA", ""},
		{"2024-02-14T15:49:00Z", "2024-02-14T15:49:00", "", 0, shipment.OffsetNone, "4600", status.InTransitArrivedFacility, "6100000,Israel", ""},
	})
	if r.ETA == nil || r.ETA.Date != "2024-02-20" || r.ETA.From != "" {
		t.Fatalf("ETA %+v, want 2024-02-20", r.ETA)
	}
}

func TestParseMessages(t *testing.T) {
	r := parseOne(t, "error-no-pin-history.xml")
	if r.Found || r.NotFound != "004: No Pin History" || r.Err != nil || len(r.Events) != 0 {
		t.Fatalf("not found: %+v", r)
	}
	for name, want := range map[string]struct {
		kind error
		code string
	}{
		"error-auth.xml":     {carrier.ErrAuth, "E002"},
		"error-throttle.xml": {carrier.ErrRateLimited, "Server"},
		"error-rejected.xml": {carrier.ErrRejected, "9999"},
	} {
		rs, err := Parse(testdata(t, name))
		var ce *carrier.Error
		if rs != nil || !errors.Is(err, want.kind) || !errors.As(err, &ce) || ce.CarrierCode != want.code {
			t.Errorf("%s: %v, %v; want %v with code %s", name, rs, err, want.kind, want.code)
		}
	}
	_, err := Parse(testdata(t, "error-throttle.xml"))
	var ce *carrier.Error
	if !errors.As(err, &ce) || ce.RetryAfter != time.Minute {
		t.Fatalf("throttle must ask to wait a minute: %v", err)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, body := range []string{"", "   ", "null", "{}", "<html><body>502 Bad Gateway</body></html>",
		"<messages/>", "<?xml version=\"1.0\" encoding=\"EBCDIC\"?><tracking-detail/>", string(testdata(t, "truncated.xml"))} {
		if rs, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Errorf("Parse(%.40q) = %v, %v; want ErrBadResponse", body, rs, err)
		}
	}
	r := parseOne(t, "malformed-bad-date.xml")
	if !errors.Is(r.Err, carrier.ErrBadResponse) || len(r.Events) != 0 {
		t.Fatalf("bad date: %+v", r)
	}
	// A Latin-1 declaration is decoded, not refused.
	latin := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><tracking-detail><pin>1</pin><significant-events><occurrence>" +
		"<event-identifier>1496</event-identifier><event-date>2024-01-02</event-date><event-time>10:00:00</event-time>" +
		"<event-time-zone>EST</event-time-zone><event-description>Livr\xe9</event-description></occurrence></significant-events></tracking-detail>")
	rs, err := Parse(latin)
	if err != nil || rs[0].Events[0].Text != "Livré" {
		t.Fatalf("latin-1: %+v %v", rs, err)
	}
}

func TestEventStampForms(t *testing.T) {
	for _, tc := range []struct {
		date, clock, zone, cc, prov string
		want                        string
		src                         shipment.OffsetSource
	}{
		{"2024-01-15", "10:00:00", "AST", "CA", "NS", "2024-01-15T14:00:00Z", shipment.OffsetTZAbbrev},
		{"2024-01-15", "10:00:00", "mst", "CA", "AB", "2024-01-15T17:00:00Z", shipment.OffsetTZAbbrev},
		{"2024-07-15", "10:00", "NDT", "CA", "NL", "2024-07-15T12:30:00Z", shipment.OffsetTZAbbrev},
		{"2024-07-15", "10:00:00", "GMT+2", "", "", "2024-07-15T08:00:00Z", shipment.OffsetCarrierGMT},
		{"2024-07-15", "10:00:00", "", "CA", "BC", "2024-07-15T17:00:00Z", shipment.OffsetAssumed},
		{"2024-07-15", "", "", "CA", "SK", "2024-07-15T06:00:00Z", shipment.OffsetAssumed}, // Saskatchewan keeps CST all year
		{"2024-07-15", "10:00:00", "", "", "", "2024-07-15T10:00:00Z", shipment.OffsetNone},
	} {
		st, err := eventStamp(tc.date, tc.clock, tc.zone, tc.cc, tc.prov)
		if err != nil || st.Time.UTC().Format(time.RFC3339) != tc.want || st.Source != tc.src {
			t.Errorf("%+v: %s %s %v; want %s %s", tc, st.Time.UTC().Format(time.RFC3339), st.Source, err, tc.want, tc.src)
		}
	}
	for _, bad := range [][2]string{{"2024/01/15", "10:00:00"}, {"2024-01-15", "25:00:00"}, {"", ""}, {"2024-01-15", "10h"}} {
		if _, err := eventStamp(bad[0], bad[1], "EST", "", ""); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		id, text string
		signed   bool
		want     status.Substatus
	}{
		{"1496", "Item successfully delivered", false, status.DeliveredDelivered},
		{"01496", "Item successfully delivered", true, status.DeliveredSigned},
		{"1408", "Delivered to your community mailbox, parcel locker or apt./condo mailbox", false, status.DeliveredLocker},
		{"0150", "Item refused by recipient", false, status.ExceptionRefused},
		{"0181", "Delivery attempted; business closed", false, status.AttemptFailBusinessClosed},
		{"1100", "Item could not be delivered", false, status.AttemptFailOther},
		{"0125", "Item being held; duties and taxes owing", false, status.ExceptionDutiesDue},
		{"1407", "Item available for pickup at Post Office", false, status.AvailableForPickupAvailableForPickup},
		{"0173", "Customer addressing error found; attempting to correct. Possible delay", false, status.InTransitDelayed},
		{"20", "Signature image recorded for Online viewing", true, ""},
		{"9876", "Text nobody recognises", false, ""},
		{"", "Item out for delivery", false, status.OutForDeliveryOutForDelivery},
	} {
		if got := classify(tc.id, tc.text, tc.signed, "en"); got != tc.want {
			t.Errorf("classify(%q, %q) = %q, want %q", tc.id, tc.text, got, tc.want)
		}
	}
	for n, sub := range byIdentifier {
		if sub != noStatus && !sub.Valid() {
			t.Errorf("identifier %d maps to invalid substatus %q", n, sub)
		}
	}
}
