package fedex

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
	utc  string
	loc  string // LocalTime
	zone string
	src  shipment.OffsetSource
	sub  status.Substatus
	city string
}

func checkEvents(t *testing.T, r carrier.Result, want []wantEvent) {
	t.Helper()
	if len(r.Events) != len(want) {
		t.Fatalf("%d events, want %d", len(r.Events), len(want))
	}
	for i, w := range want {
		e := r.Events[i]
		if s := e.Time.UTC().Format(time.RFC3339); s != w.utc || e.LocalTime != w.loc || e.Zone != w.zone || e.OffsetSource != w.src {
			t.Errorf("event %d (%s): %s local %s zone %q %s; want %s %s %q %s", i, e.Code, s, e.LocalTime, e.Zone, e.OffsetSource, w.utc, w.loc, w.zone, w.src)
		}
		if e.Substatus != w.sub || e.Status != w.sub.Status() || e.Location.City != w.city {
			t.Errorf("event %d (%s %q): %s at %q; want %s at %q", i, e.Code, e.Text, e.Substatus, e.Location.City, w.sub, w.city)
		}
		if e.Hash == "" || e.Hash != shipment.HashEvent(Slug, r.TrackingNumber, &e) {
			t.Errorf("event %d: hash %q", i, e.Hash)
		}
	}
}

func TestParseInternational(t *testing.T) {
	rs, err := Parse(testdata(t, "track-international.json"))
	if err != nil || len(rs) != 1 {
		t.Fatalf("%d results, err %v", len(rs), err)
	}
	r := rs[0]
	if !r.Found || r.TrackingNumber != "794987654321" || r.UniqueID != "12031~794987654321~FDEG" || r.ETA != nil {
		t.Fatalf("result %+v", r)
	}
	const ex = shipment.OffsetExplicit
	checkEvents(t, r, []wantEvent{
		{"2024-05-05T16:12:30Z", "2024-05-05T18:12:30", "+02:00", ex, status.InfoReceivedInfoReceived, ""},
		// No offset on the pick-up: Paris summer time assumed.
		{"2024-05-05T22:00:00Z", "2024-05-06T00:00:00", "Europe/Paris", shipment.OffsetAssumed, status.InTransitAccepted, "PARIS"},
		{"2024-05-06T19:55:00Z", "2024-05-06T21:55:00", "+02:00", ex, status.InTransitDepartedFacility, "ROISSY CHARLES DE GAULLE"},
		{"2024-05-07T09:10:00Z", "2024-05-07T04:10:00", "-05:00", ex, status.InTransitArrivedFacility, "MEMPHIS"},
		{"2024-05-07T11:45:00Z", "2024-05-07T06:45:00", "-05:00", ex, status.ExceptionDocumentsRequired, "MEMPHIS"},
		{"2024-05-07T18:20:00Z", "2024-05-07T13:20:00", "-05:00", ex, status.InTransitCustomsCleared, "MEMPHIS"},
		{"2024-05-08T03:30:00Z", "2024-05-07T22:30:00", "-05:00", ex, status.InTransitArrivedFacility, "CHICAGO"},
		{"2024-05-08T14:15:00Z", "2024-05-08T09:15:00", "-05:00", ex, status.OutForDeliveryOutForDelivery, "CHICAGO"},
		{"2024-05-08T22:40:00Z", "2024-05-08T17:40:00", "-05:00", ex, status.AttemptFailRecipientUnavailable, "CHICAGO"},
		{"2024-05-09T13:02:00Z", "2024-05-09T08:02:00", "-05:00", ex, status.OutForDeliveryOutForDelivery, "CHICAGO"},
		{"2024-05-09T19:05:00Z", "2024-05-09T14:05:00", "-05:00", ex, status.DeliveredDelivered, "CHICAGO"},
	})
	de := r.Events[8]
	if de.Code != "DE/DE/08" || de.Text != "Delivery exception: Customer not available or business closed" || de.Location.PostalCode != "60601" || de.Location.State != "IL" || de.Location.Country != "US" {
		t.Fatalf("delivery exception event %+v", de)
	}
	if r.Events[3].Code != "AR/IT" || r.Events[0].Location.Text != "" {
		t.Fatalf("codes/locations: %q %+v", r.Events[3].Code, r.Events[0].Location)
	}
}

func TestParseBatchNotFoundAndReusedNumber(t *testing.T) {
	rs, err := Parse(testdata(t, "track-batch.json"))
	if err != nil || len(rs) != 3 {
		t.Fatalf("%d results, err %v", len(rs), err)
	}
	if nf := rs[0]; nf.Found || nf.TrackingNumber != "770000000011" || nf.NotFound == "" || nf.Err != nil || len(nf.Events) != 0 {
		t.Fatalf("not found: %+v", nf)
	}
	ret := rs[1]
	checkEvents(t, ret, []wantEvent{
		{"2024-06-10T13:00:00Z", "2024-06-10T09:00:00", "-04:00", shipment.OffsetExplicit, status.InTransitAccepted, "NEWARK"},
		{"2024-06-11T20:30:00Z", "2024-06-11T16:30:00", "-04:00", shipment.OffsetExplicit, status.ExceptionDamaged, "NEWARK"},
		{"2024-06-12T14:00:00Z", "2024-06-12T10:00:00", "-04:00", shipment.OffsetExplicit, status.ExceptionReturning, "NEWARK"},
	})
	if ret.ETA != nil {
		t.Fatalf("empty window gave ETA %+v", ret.ETA)
	}
	hp := rs[2]
	if hp.UniqueID != "2460426000~770000000022~FX" || hp.Events[2].Substatus != status.AvailableForPickupAvailableForPickup || hp.Events[1].Substatus != status.InTransitDelayed {
		t.Fatalf("second shipment %+v", hp)
	}
	want := carrier.ETA{Date: "2024-06-20", From: "09:00", To: "17:00",
		Start: time.Date(2024, 6, 20, 13, 0, 0, 0, time.UTC), End: time.Date(2024, 6, 20, 21, 0, 0, 0, time.UTC)}
	if e := hp.ETA; e == nil || e.Date != want.Date || e.From != want.From || e.To != want.To || !e.Start.Equal(want.Start) || !e.End.Equal(want.End) {
		t.Fatalf("ETA %+v, want %+v", hp.ETA, want)
	}
	// Without a unique id the most recent shipment wins; with one, that one.
	if got := pick(rs, carrier.Request{TrackingNumber: "770000000022"}); got.UniqueID != hp.UniqueID {
		t.Fatalf("pick latest: %s", got.UniqueID)
	}
	if got := pick(rs, carrier.Request{TrackingNumber: "770000000022", Extra: map[string]string{"unique_id": ret.UniqueID}}); got.UniqueID != ret.UniqueID {
		t.Fatalf("pick by unique id: %s", got.UniqueID)
	}
	if got := pick(rs, carrier.Request{TrackingNumber: "999"}); got.Found || got.NotFound == "" {
		t.Fatalf("missing number: %+v", got)
	}
}

func TestParseErrorsAndMalformed(t *testing.T) {
	for name, kind := range map[string]error{
		"error-400-empty.json": carrier.ErrRejected,
		"error-401.json":       carrier.ErrAuth,
		"error-503.json":       carrier.ErrUnavailable,
		"truncated.json":       carrier.ErrBadResponse,
	} {
		rs, err := Parse(testdata(t, name))
		if !errors.Is(err, kind) || rs != nil {
			t.Errorf("%s: results %v, err %v; want %v", name, rs, err, kind)
		}
	}
	for _, body := range []string{``, `[]`, `{}`, `{"output":{"completeTrackResults":{}}}`, `<html></html>`} {
		if rs, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Errorf("Parse(%q) = %v, %v", body, rs, err)
		}
	}
	rs, err := Parse(testdata(t, "malformed-date.json"))
	if err != nil || len(rs) != 1 || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || len(rs[0].Events) != 0 {
		t.Fatalf("bad date: %+v, %v", rs, err)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		typ, derived, exc, text string
		want                    status.Substatus
	}{
		{"DL", "DL", "", "Delivered", status.DeliveredDelivered},
		{"ZZ", "RL", "", "Running late", status.InTransitDelayed},
		{"ZZ", "ZZ", "", "Something new", status.InTransitInTransit},
		{"DE", "DE", "07", "Refused", status.ExceptionRefused},
		{"DE", "DE", "", "Delivery exception: incorrect address", status.AttemptFailAddressIssue},
		{"SE", "SE", "", "Shipment exception: package lost", status.ExceptionLost},
		{"CD", "DY", "", "Clearance delay - Import", status.ExceptionCustomsHeld},
		{"od", "it", "", "", status.OutForDeliveryOutForDelivery},
	} {
		if got := classify(tc.typ, tc.derived, tc.exc, tc.text); got != tc.want {
			t.Errorf("classify(%q,%q,%q,%q) = %s, want %s", tc.typ, tc.derived, tc.exc, tc.text, got, tc.want)
		}
	}
}
