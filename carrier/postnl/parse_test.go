package postnl

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
	off   int
	code  string
	sub   status.Substatus
}

const (
	cet  = 3600
	cest = 7200
)

// checkEvents asserts times (all assumed Europe/Amsterdam: PostNL gives
// Dutch local time without offset), codes and substatuses.
func checkEvents(t *testing.T, got []shipment.Event, lang string, want []wantEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i, w := range want {
		e := got[i]
		if s := e.Time.UTC().Format(time.RFC3339); s != w.utc || e.LocalTime != w.local || e.UTCOffset != w.off ||
			e.Zone != "Europe/Amsterdam" || e.OffsetSource != shipment.OffsetAssumed {
			t.Errorf("event %d (%s): time %s local %s off %d zone %q source %s; want %s %s %d Europe/Amsterdam assumed",
				i, e.Text, s, e.LocalTime, e.UTCOffset, e.Zone, e.OffsetSource, w.utc, w.local, w.off)
		}
		if e.Code != w.code || e.Substatus != w.sub || e.Status != w.sub.Status() {
			t.Errorf("event %d (%s %s): %s, want %s %s", i, e.Code, e.Text, e.Substatus, w.code, w.sub)
		}
		if e.Language != lang || e.Hash == "" {
			t.Errorf("event %d: language %q (want %s) hash %q", i, e.Language, lang, e.Hash)
		}
	}
}

func parseOne(t *testing.T, name string) carrier.Result {
	t.Helper()
	rs, err := Parse(testdata(t, name))
	if err != nil || len(rs) != 1 {
		t.Fatalf("%s: %d results, err %v", name, len(rs), err)
	}
	return rs[0]
}

func TestParseCompleteEnglishAcrossDST(t *testing.T) {
	r := parseOne(t, "status-complete-en.json")
	if !r.Found || r.TrackingNumber != "3SWAYP000000012" || r.Err != nil {
		t.Fatalf("result %+v", r)
	}
	// Summer time ends on 27 October 2024: +02:00 before, +01:00 after.
	checkEvents(t, r.Events, "en", []wantEvent{
		{"2024-10-25T09:02:55Z", "2024-10-25T11:02:55", cest, "A01", status.InfoReceivedInfoReceived},
		{"2024-10-25T17:48:02Z", "2024-10-25T19:48:02", cest, "B01", status.InTransitAccepted},
		{"2024-10-26T02:15:40Z", "2024-10-26T04:15:40", cest, "J01", status.InTransitInTransit},
		{"2024-10-26T08:01:12Z", "2024-10-26T10:01:12", cest, "J05", status.OutForDeliveryOutForDelivery},
		// K14 sets status 7 (in distribution), but says the attempt failed.
		{"2024-10-26T14:20:00Z", "2024-10-26T16:20:00", cest, "K14", status.AttemptFailRecipientUnavailable},
		{"2024-10-28T08:05:31Z", "2024-10-28T09:05:31", cet, "J05", status.OutForDeliveryOutForDelivery},
		{"2024-10-28T12:42:07Z", "2024-10-28T13:42:07", cet, "I10", status.DeliveredNeighbour},
	})
	if r.ETA != nil {
		t.Fatalf("delivered parcel has ETA %+v", r.ETA)
	}
}

func TestParseCurrentSingleObject(t *testing.T) {
	r := parseOne(t, "status-current-single.json")
	// Without detail there are no events: the current status is the event.
	checkEvents(t, r.Events, "nl", []wantEvent{
		{"2025-01-15T07:12:44Z", "2025-01-15T08:12:44", cet, "status:7", status.OutForDeliveryOutForDelivery},
	})
	if r.ETA == nil || r.ETA.Date != "2025-01-15" || r.ETA.From != "10:30" || r.ETA.To != "12:30" || !r.ETA.Start.IsZero() {
		t.Fatalf("ETA %+v", r.ETA)
	}
}

func TestParseMultiParcel(t *testing.T) {
	rs, err := Parse(testdata(t, "status-multicollo.json"))
	if err != nil || len(rs) != 2 {
		t.Fatalf("%d results, err %v", len(rs), err)
	}
	// Event and OldStatus given as bare objects, not lists.
	checkEvents(t, rs[0].Events, "nl", []wantEvent{
		{"2025-06-02T19:30:00Z", "2025-06-02T21:30:00", cest, "status:2", status.InTransitAccepted},
		{"2025-06-03T12:10:00Z", "2025-06-03T14:10:00", cest, "I01", status.DeliveredDelivered},
	})
	checkEvents(t, rs[1].Events, "nl", []wantEvent{
		// Q99 is not in PostNL's table and no status shares its second: the text decides.
		{"2025-06-03T03:00:00Z", "2025-06-03T05:00:00", cest, "Q99", status.InTransitInTransit},
		{"2025-06-03T12:12:00Z", "2025-06-03T14:12:00", cest, "K70", status.AttemptFailOther},
		{"2025-06-04T09:00:00Z", "2025-06-04T11:00:00", cest, "J02", status.AvailableForPickupAvailableForPickup},
	})
	if rs[1].TrackingNumber != "3SWAYP000000043" {
		t.Fatalf("second parcel %q", rs[1].TrackingNumber)
	}
	if got := pick(rs, "3swayp000000043"); got.TrackingNumber != "3SWAYP000000043" {
		t.Fatalf("pick %q", got.TrackingNumber)
	}
	if got := pick(rs, "3SWAYP000000099"); got.TrackingNumber != "3SWAYP000000099" || !got.Found {
		t.Fatalf("pick by main barcode: %+v", got)
	}
}

func TestParseNotFoundAndFaults(t *testing.T) {
	r := parseOne(t, "status-not-found.json")
	if r.Found || r.NotFound != "2: No shipment found" || r.Err != nil {
		t.Fatalf("not found %+v", r)
	}
	for name, kind := range map[string]error{"error-401.json": carrier.ErrAuth, "error-429.json": carrier.ErrRateLimited, "error-400.json": carrier.ErrRejected} {
		if rs, err := Parse(testdata(t, name)); !errors.Is(err, kind) || rs != nil {
			t.Errorf("%s: %v %v, want %v", name, rs, err, kind)
		}
	}
	if code, msg := decodeError(testdata(t, "error-401.json")); code != "oauth.v2.InvalidApiKey" || msg != "Invalid ApiKey" {
		t.Fatalf("decoded %q %q", code, msg)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, body := range []string{"", "null", "{}", `{"CurrentStatus":{}}`, `{"CurrentStatus":{"Shipment":7}}`, "<html>502</html>",
		`{"CurrentStatus":{"Shipment":{"Barcode":{"x":1"}}}}`, string(testdata(t, "truncated.json"))} {
		if rs, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Errorf("Parse(%.40q) = %v, %v; want ErrBadResponse", body, rs, err)
		}
	}
	r := parseOne(t, "malformed-bad-date.json")
	if !errors.Is(r.Err, carrier.ErrBadResponse) || len(r.Events) != 0 || r.ETA != nil {
		t.Fatalf("bad date: %+v", r)
	}
}

func TestTextValues(t *testing.T) {
	for in, want := range map[string]text{`"a"`: "a", `" {} "`: "", `{}`: "", `[]`: "", `null`: "", `12`: "12", `{"a":[1]}`: ""} {
		var v text
		if err := v.UnmarshalJSON([]byte(in)); err != nil || v != want {
			t.Errorf("%s: %q %v, want %q", in, v, err, want)
		}
	}
	for _, bad := range []string{`true`, `{`, ``} {
		var v text
		if err := v.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestCodeTables(t *testing.T) {
	for code, st := range eventStatus {
		if _, ok := byStatus[st]; !ok {
			t.Errorf("event %s sets status %s, which byStatus lacks", code, st)
		}
	}
	for code, sub := range byEvent {
		if _, ok := eventStatus[code]; !ok {
			t.Errorf("byEvent names %s, which is not in PostNL's event table", code)
		}
		if sub != noStatus && !sub.Valid() {
			t.Errorf("%s maps to invalid %q", code, sub)
		}
	}
	for st, sub := range byStatus {
		if sub != noStatus && !sub.Valid() {
			t.Errorf("status %s maps to invalid %q", st, sub)
		}
	}
	// Status 99 events carry no status unless their code says more.
	if got := classifyEvent("A41", "", "Klantenservice heeft contact gehad", "nl"); got != noStatus {
		t.Errorf("A41 gave %q", got)
	}
	if got := classifyEvent("H30", "", "Verzender heeft de zendingsopdracht geannuleerd", "nl"); got != status.ExceptionCancelled {
		t.Errorf("H30 gave %q", got)
	}
	if got := classifyStatus("77", "4", "", "nl"); got != status.DeliveredDelivered {
		t.Errorf("unknown status in phase 4 gave %q", got)
	}
}
