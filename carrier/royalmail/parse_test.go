package royalmail

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

// Times keep their offsets across the end of British Summer Time; the one
// without an offset is read as UK time.
func TestParseEventsDelivered(t *testing.T) {
	r := parseOne(t, "events-delivered.json")
	if !r.Found || r.TrackingNumber != "AB123456785GB" || r.Err != nil {
		t.Fatalf("result %+v", r)
	}
	const ex = shipment.OffsetExplicit
	checkEvents(t, r.TrackingNumber, r.Events, []wantEvent{
		{"2024-10-25T17:02:00Z", "2024-10-25T18:02:00", "+01:00", 3600, ex, status.InfoReceivedInfoReceived, "", "", ""},
		{"2024-10-26T20:14:00Z", "2024-10-26T21:14:00", "+01:00", 3600, ex, status.InTransitArrivedFacility, "", "", "GB"},
		{"2024-10-27T03:40:00Z", "2024-10-27T03:40:00", "+00:00", 0, ex, status.InTransitArrivedFacility, "", "", "GB"},
		{"2024-10-28T06:55:00Z", "2024-10-28T06:55:00", "+00:00", 0, ex, status.OutForDeliveryOutForDelivery, "", "", "GB"},
		{"2024-10-28T10:15:00Z", "2024-10-28T10:15:00", "Europe/London", 0, shipment.OffsetAssumed, status.AttemptFailRecipientUnavailable, "", "", "GB"},
		// A redelivery request: no status meaning.
		{"2024-10-28T19:00:00Z", "2024-10-28T19:00:00", "+00:00", 0, ex, "", "", "", ""},
		{"2024-10-29T11:05:00Z", "2024-10-29T11:05:00", "+00:00", 0, ex, status.DeliveredNeighbour, "", "", "GB"},
	})
	if e := r.Events[1]; e.Location.Text != "Warrington MC" || e.Code != "EVDAV" || e.Text != "Item received" {
		t.Errorf("event 1 %+v", e)
	}
	want := carrier.ETA{Date: "2024-10-28", From: "08:00", To: "13:30",
		Start: time.Date(2024, 10, 28, 8, 0, 0, 0, time.UTC), End: time.Date(2024, 10, 28, 13, 30, 0, 0, time.UTC)}
	if r.ETA == nil || r.ETA.Date != want.Date || r.ETA.From != want.From || r.ETA.To != want.To || !r.ETA.Start.Equal(want.Start) || !r.ETA.End.Equal(want.End) {
		t.Errorf("ETA %+v, want %+v", r.ETA, want)
	}
	if p := shipment.Derive(r.Events); p.Substatus != status.DeliveredNeighbour {
		t.Errorf("derived %s", p.Substatus)
	}
}

func TestParseEventsReturned(t *testing.T) {
	r := parseOne(t, "events-returned.json")
	const ex = shipment.OffsetExplicit
	// International: the events' offices are not all in GB.
	checkEvents(t, r.TrackingNumber, r.Events, []wantEvent{
		{"2024-03-04T16:45:00Z", "2024-03-04T16:45:00", "+00:00", 0, ex, status.InTransitAccepted, "", "", ""},
		// Unknown code: the name decides...
		{"2024-03-05T07:30:00Z", "2024-03-05T07:30:00", "+00:00", 0, ex, status.InTransitInTransit, "", "", ""},
		{"2024-03-07T11:00:00Z", "2024-03-07T12:00:00", "+01:00", 3600, ex, status.ExceptionReturning, "", "", ""},
		// ...and a name that says nothing gives no status.
		{"2024-03-08T08:00:00Z", "2024-03-08T09:00:00", "+01:00", 3600, ex, "", "", "", ""},
		{"2024-03-12T14:30:00Z", "2024-03-12T14:30:00", "+00:00", 0, ex, status.ExceptionReturned, "", "", ""},
	})
	if p := shipment.Derive(r.Events); p.Substatus != status.ExceptionReturned {
		t.Errorf("derived %s", p.Substatus)
	}
}

func TestParseSummaryMulti(t *testing.T) {
	rs, err := Parse(testdata(t, "summary-multi.json"))
	if err != nil || len(rs) != 3 {
		t.Fatalf("results %+v err %v", rs, err)
	}
	if !rs[0].Found || len(rs[0].Events) != 1 || rs[0].Events[0].Substatus != status.OutForDeliveryOutForDelivery ||
		!rs[0].Events[0].Time.Equal(time.Date(2024, 7, 2, 5, 40, 0, 0, time.UTC)) || rs[0].Events[0].Location.Country != "GB" {
		t.Errorf("summary item %+v", rs[0])
	}
	if rs[1].Found || rs[1].TrackingNumber != "ZZ000000000GB" || !strings.HasPrefix(rs[1].NotFound, "E1142: ") {
		t.Errorf("unknown item %+v", rs[1])
	}
	var ce *carrier.Error
	if !errors.Is(rs[2].Err, carrier.ErrRejected) || !errors.As(rs[2].Err, &ce) || ce.CarrierCode != "E1283" {
		t.Errorf("untracked item %+v", rs[2])
	}
}

func TestParseErrors(t *testing.T) {
	rs, err := Parse(testdata(t, "error-404-e1142.json"))
	if err != nil || len(rs) != 1 || rs[0].Found || !strings.Contains(rs[0].NotFound, "isn't recognised") {
		t.Fatalf("E1142: %+v %v", rs, err)
	}
	for name, kind := range map[string]error{
		"error-400-e1283.json": carrier.ErrRejected, "error-401.json": carrier.ErrAuth, "error-429-e0010.json": carrier.ErrRateLimited,
		"error-503-e1307.json": carrier.ErrUnavailable, "truncated.json": carrier.ErrBadResponse,
	} {
		rs, err := Parse(testdata(t, name))
		if !errors.Is(err, kind) || rs != nil {
			t.Errorf("%s: results %v err %v, want %v", name, rs, err, kind)
		}
	}
	for _, body := range []string{`{}`, `[]`, `null`, `{"mailPieces":[]}`, `{"mailPieces":"x"}`} {
		if _, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) {
			t.Errorf("%s: err %v, want ErrBadResponse", body, err)
		}
	}
	r := parseOne(t, "malformed-bad-time.json")
	if !errors.Is(r.Err, carrier.ErrBadResponse) || len(r.Events) != 0 {
		t.Fatalf("bad time: %+v", r)
	}
}
