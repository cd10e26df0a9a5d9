package aftership

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

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustUTC(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func TestParseList(t *testing.T) {
	rs, err := Parse(testdata(t, "list-china-post.json"))
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v %v", rs, err)
	}
	r := rs[0]
	if r.Err != nil || !r.Found || r.TrackingNumber != "RR123456785CN" || r.UniqueID != "5b74f4958776db0e00b6f5ed" {
		t.Fatalf("result %+v", r)
	}
	want := []struct {
		utc, local string
		off        int
		src        shipment.OffsetSource
		sub        status.Substatus
		country    string
		postal     string
	}{
		{"2024-10-28T01:12:00Z", "2024-10-28T09:12:00", 8 * 3600, shipment.OffsetExplicit, status.InfoReceivedInfoReceived, "CN", ""},
		// No offset: China's zone is assumed.
		{"2024-10-28T10:40:00Z", "2024-10-28T18:40:00", 8 * 3600, shipment.OffsetAssumed, status.InTransitAccepted, "CN", "518000"},
		{"2024-11-03T02:10:00Z", "2024-11-02T22:10:00", -4 * 3600, shipment.OffsetExplicit, status.InTransitCustomsCleared, "US", "11430"},
		// No offset, in New York after the end of summer time.
		{"2024-11-08T12:31:00Z", "2024-11-08T07:31:00", -5 * 3600, shipment.OffsetAssumed, status.OutForDeliveryOutForDelivery, "US", "11201"},
		{"2024-11-08T19:05:00Z", "2024-11-08T14:05:00", -5 * 3600, shipment.OffsetExplicit, status.DeliveredSigned, "US", "11201"},
	}
	if len(r.Events) != len(want) {
		t.Fatalf("%d events", len(r.Events))
	}
	for i, w := range want {
		e := r.Events[i]
		if !e.Time.Equal(mustUTC(t, w.utc)) || e.LocalTime != w.local || e.UTCOffset != w.off || e.OffsetSource != w.src {
			t.Errorf("event %d time %s %s %d %s", i, e.Time, e.LocalTime, e.UTCOffset, e.OffsetSource)
		}
		if e.Substatus != w.sub || e.Status != w.sub.Status() {
			t.Errorf("event %d substatus %s, want %s", i, e.Substatus, w.sub)
		}
		if e.Location.Country != w.country || e.Location.PostalCode != w.postal {
			t.Errorf("event %d location %+v", i, e.Location)
		}
		if e.Hash != shipment.HashEvent("china-post", "RR123456785CN", &e) {
			t.Errorf("event %d hash", i)
		}
	}
	if r.Events[4].Code != "01" || r.Events[3].Zone != "America/New_York" || r.Events[2].Location.State != "NY" {
		t.Errorf("code %q zone %q", r.Events[4].Code, r.Events[3].Zone)
	}
	if r.ETA == nil || r.ETA.Date != "2024-11-08" {
		t.Errorf("ETA %+v", r.ETA)
	}
}

func TestParsePendingAndErrors(t *testing.T) {
	rs, err := Parse(testdata(t, "create-pending.json"))
	if err != nil || len(rs) != 1 || rs[0].Found || rs[0].NotFound == "" || rs[0].TrackingNumber != "YT2412345678901234" {
		t.Fatalf("pending: %+v %v", rs, err)
	}
	rs, err = Parse(testdata(t, "error-4004.json"))
	if err != nil || len(rs) != 1 || rs[0].Found || rs[0].NotFound == "" {
		t.Fatalf("4004: %+v %v", rs, err)
	}
	var ce *carrier.Error
	if _, err := Parse(testdata(t, "error-401.json")); !errors.Is(err, carrier.ErrAuth) {
		t.Errorf("401: %v", err)
	}
	if _, err := Parse(testdata(t, "error-4003.json")); !errors.Is(err, carrier.ErrRejected) || !errors.As(err, &ce) || ce.CarrierCode != "4003" {
		t.Errorf("4003: %v", err)
	}
	for _, body := range [][]byte{testdata(t, "truncated.json"), []byte(""), []byte(`{"data":{}}`),
		[]byte(`{"meta":{"code":200},"data":{}}`), []byte(`{"meta":{"code":200}}`), []byte(`{"meta":{"code":200},"data":{}} x`)} {
		if rs, err := Parse(body); !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Errorf("%.40q: %v %v", body, rs, err)
		}
	}
	rs, err = Parse(testdata(t, "malformed-time.json"))
	if err != nil || len(rs) != 1 || !errors.Is(rs[0].Err, carrier.ErrBadResponse) || rs[0].Events != nil {
		t.Fatalf("malformed time: %+v %v", rs, err)
	}
	// An empty list is an answer, not a failure.
	if rs, err := Parse([]byte(`{"meta":{"code":200},"data":{"trackings":[]}}`)); err != nil || len(rs) != 0 {
		t.Fatalf("empty list: %v %v", rs, err)
	}
}

func TestParseWebhook(t *testing.T) {
	rs, err := Parse(testdata(t, "webhook-tracking-update.json"))
	if err != nil || len(rs) != 1 || len(rs[0].Events) != 2 {
		t.Fatalf("%v %v", rs, err)
	}
	e := rs[0].Events[1]
	if e.Substatus != status.ExceptionCustomsHeld || !e.Time.Equal(mustUTC(t, "2024-06-03T14:20:00Z")) ||
		e.Zone != "Europe/Madrid" || e.OffsetSource != shipment.OffsetAssumed || e.Location.Country != "ES" {
		t.Fatalf("customs event %+v", e)
	}
	if rs[0].Events[0].Substatus != status.InTransitDepartedFacility {
		t.Errorf("departure %s", rs[0].Events[0].Substatus)
	}
	if e.Hash != shipment.HashEvent("yunexpress", "YT2412345678901234", &e) {
		t.Error("hash")
	}
}

func TestClassifyCodes(t *testing.T) {
	cases := []struct {
		subtag, tag, text string
		want              status.Substatus
	}{
		{"Exception_010", "Exception", "", status.ExceptionReturning},
		{"", "Delivered", "Left with neighbour at no. 12", status.DeliveredNeighbour},
		{"", "AttemptFail", "", status.AttemptFailOther},
		{"Pending_001", "Pending", "Shipment pending", ""},
		{"", "", "Out for delivery", status.OutForDeliveryOutForDelivery},
		{"", "", "qwxz 0042", ""},
	}
	for _, c := range cases {
		if got := classify(c.subtag, c.tag, c.text); got != c.want {
			t.Errorf("classify(%q,%q,%q) = %s, want %s", c.subtag, c.tag, c.text, got, c.want)
		}
	}
}

func TestCountryCodes(t *testing.T) {
	if n := len(alpha2of); n < 249 {
		t.Errorf("%d alpha-3 codes, want the 249 of ISO 3166-1", n)
	}
	for a3, a2 := range alpha2of {
		if !shipment.ValidCountry(a2) {
			t.Errorf("%s -> %s is not a country of package shipment", a3, a2)
		}
		if alpha3(a2) != a3 {
			t.Errorf("round trip of %s", a3)
		}
	}
	if alpha2("chn") != "CN" || alpha2("GB") != "GB" || alpha2("XXX") != "" || alpha3("de") != "DEU" {
		t.Error("alpha2/alpha3")
	}
}

func TestCourierSlugs(t *testing.T) {
	for w, a := range slugOverrides {
		if _, ok := carrier.Lookup(w); !ok {
			t.Errorf("%s is not in the directory", w)
		}
		if CourierSlug(w) != a || WaypostSlug(a) != w {
			t.Errorf("%s <-> %s", w, a)
		}
	}
	if CourierSlug("china-post") != "china-post" || WaypostSlug("cainiao") != "cainiao" {
		t.Error("identity mapping")
	}
}
