package seventeentrack

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

func TestParseChinaPostTwoProviders(t *testing.T) {
	rs, err := Parse(testdata(t, "gettrackinfo-china-post.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("%d results, want 1", len(rs))
	}
	r := rs[0]
	if r.Err != nil || !r.Found || r.TrackingNumber != "RR123456785CN" {
		t.Fatalf("result %+v", r)
	}
	want := []struct {
		utc    string
		sub    status.Substatus
		local  string
		off    int
		source shipment.OffsetSource
		city   string
	}{
		{"2024-10-28T01:12:00Z", status.InfoReceivedInfoReceived, "2024-10-28T09:12:00", 8 * 3600, shipment.OffsetExplicit, ""},
		{"2024-10-28T10:40:00Z", status.InTransitAccepted, "2024-10-28T18:40:00", 8 * 3600, shipment.OffsetExplicit, "Shenzhen"},
		{"2024-10-29T18:15:00Z", status.InTransitDepartedOriginCountry, "2024-10-30T02:15:00", 8 * 3600, shipment.OffsetExplicit, "Shenzhen"},
		// Only time_utc: the instant is exact, the local time shown in New York.
		{"2024-11-02T09:45:00Z", status.InTransitArrivedDestinationCountry, "2024-11-02T05:45:00", -4 * 3600, shipment.OffsetAssumed, "JAMAICA"},
		{"2024-11-03T02:10:00Z", status.InTransitCustomsCleared, "2024-11-02T22:10:00", -4 * 3600, shipment.OffsetExplicit, "JAMAICA"},
		{"2024-11-08T12:31:00Z", status.OutForDeliveryOutForDelivery, "2024-11-08T07:31:00", -5 * 3600, shipment.OffsetExplicit, "BROOKLYN"},
		{"2024-11-08T19:05:00Z", status.DeliveredDelivered, "2024-11-08T14:05:00", -5 * 3600, shipment.OffsetExplicit, "BROOKLYN"},
	}
	if len(r.Events) != len(want) {
		t.Fatalf("%d events, want %d", len(r.Events), len(want))
	}
	for i, w := range want {
		e := r.Events[i]
		if !e.Time.Equal(mustUTC(t, w.utc)) {
			t.Errorf("event %d time %s, want %s", i, e.Time, w.utc)
		}
		if e.Substatus != w.sub || e.Status != w.sub.Status() {
			t.Errorf("event %d %q: %s/%s, want %s", i, e.Text, e.Status, e.Substatus, w.sub)
		}
		if e.LocalTime != w.local || e.UTCOffset != w.off || e.OffsetSource != w.source {
			t.Errorf("event %d local %s %d %s, want %s %d %s", i, e.LocalTime, e.UTCOffset, e.OffsetSource, w.local, w.off, w.source)
		}
		if e.Location.City != w.city {
			t.Errorf("event %d city %q, want %q", i, e.Location.City, w.city)
		}
		if e.Hash != shipment.HashEvent("china-post", "RR123456785CN", &e) {
			t.Errorf("event %d hash not computed with the carrier's Waypost slug", i)
		}
	}
	if got := r.Events[1].Location; got.PostalCode != "518000" || got.Country != "CN" {
		t.Errorf("acceptance location %+v", got)
	}
	if got := r.Events[6].Location; got.State != "NY" || got.Country != "US" || got.Text != "BROOKLYN, NY 11201" {
		t.Errorf("delivery location %+v", got)
	}
	if r.Events[3].Zone != "America/New_York" {
		t.Errorf("assumed zone %q", r.Events[3].Zone)
	}
	if r.Events[4].Code != "InTransit_CustomsReleased" || r.Events[3].Code != "Arrival" {
		t.Errorf("codes %q %q", r.Events[4].Code, r.Events[3].Code)
	}
	if r.ETA == nil || r.ETA.Date != "2024-11-07" || !r.ETA.Start.Equal(mustUTC(t, "2024-11-07T05:00:00Z")) ||
		!r.ETA.End.Equal(mustUTC(t, "2024-11-09T05:00:00Z")) {
		t.Errorf("ETA %+v", r.ETA)
	}
}

func TestParseMixedAcceptedRejected(t *testing.T) {
	rs, err := Parse(testdata(t, "gettrackinfo-mixed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 {
		t.Fatalf("%d results", len(rs))
	}
	byNum := map[string]carrier.Result{}
	for _, r := range rs {
		byNum[r.TrackingNumber] = r
	}
	if r := byNum["YT2412345678901234"]; r.Found || r.Err != nil || r.NotFound != "NotFound_Other" || len(r.Events) != 0 {
		t.Errorf("no-events result %+v", r)
	}
	if r := byNum["LX987654321CN"]; r.Found || r.Err != nil || r.NotFound == "" {
		t.Errorf("not registered %+v", r)
	}
	if r := byNum["UG111222333CN"]; r.Found || r.Err != nil || r.NotFound == "" {
		t.Errorf("no info yet %+v", r)
	}
	r := byNum["ABC123"]
	var ce *carrier.Error
	if !errors.Is(r.Err, carrier.ErrRejected) || !errors.As(r.Err, &ce) || ce.CarrierCode != "-18019903" {
		t.Fatalf("not detected: %+v", r)
	}
}

func TestParseWholeCallError(t *testing.T) {
	_, err := Parse(testdata(t, "error-invalid-key.json"))
	var ce *carrier.Error
	if !errors.Is(err, carrier.ErrAuth) || !errors.As(err, &ce) || ce.CarrierCode != "-18010002" {
		t.Fatalf("err %v", err)
	}
}

func TestParseBadBodies(t *testing.T) {
	for _, name := range []string{"truncated.json"} {
		rs, err := Parse(testdata(t, name))
		if !errors.Is(err, carrier.ErrBadResponse) || rs != nil {
			t.Errorf("%s: %v %v", name, rs, err)
		}
	}
	for _, body := range []string{``, `[]`, `{"code":0}`, `{"data":{}}`, `{"code":0,"data":{}} {}`, `{"code":"x","data":{}}`} {
		if _, err := Parse([]byte(body)); !errors.Is(err, carrier.ErrBadResponse) {
			t.Errorf("%q: %v", body, err)
		}
	}
	// An unreadable event time spoils only that number, never half a timeline.
	rs, err := Parse(testdata(t, "malformed-time.json"))
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v %v", rs, err)
	}
	if !errors.Is(rs[0].Err, carrier.ErrBadResponse) || rs[0].Events != nil || rs[0].Found {
		t.Fatalf("result %+v", rs[0])
	}
}

func TestParsePushUpdatedWithoutStages(t *testing.T) {
	rs, err := Parse(testdata(t, "push-updated-cainiao.json"))
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v %v", rs, err)
	}
	r := rs[0]
	if !r.Found || r.TrackingNumber != "LP00123456789012" || len(r.Events) != 2 {
		t.Fatalf("result %+v", r)
	}
	dep, imp := r.Events[0], r.Events[1]
	if !dep.Time.Equal(mustUTC(t, "2024-06-01T15:50:00Z")) || dep.Status != status.InTransit {
		t.Errorf("departure %s %s", dep.Time, dep.Substatus)
	}
	if !imp.Time.Equal(mustUTC(t, "2024-06-03T14:20:00Z")) || imp.Substatus != status.InTransitCustomsProcessing {
		t.Errorf("import %s %s", imp.Time, imp.Substatus)
	}
	if dep.Hash != shipment.HashEvent("cainiao", "LP00123456789012", &dep) {
		t.Error("hash not computed with the cainiao slug")
	}
	// A stopped notice carries no tracking information.
	rs, err = Parse(testdata(t, "push-stopped.json"))
	if err != nil || rs != nil {
		t.Fatalf("stopped: %v %v", rs, err)
	}
}

func TestLatestStatusFillsUnexplainedNewestEvent(t *testing.T) {
	body := `{"code":0,"data":{"accepted":[{"number":"X1","carrier":3011,"track_info":{
		"latest_status":{"status":"Exception","sub_status":"Exception_Returning"},
		"tracking":{"providers":[{"provider":{"key":3011,"country":"CN"},"events":[
		 {"time_iso":"2024-01-02T10:00:00+08:00","description":"qwxz 0042","stage":null,"address":{"country":"CN"}},
		 {"time_iso":"2024-01-01T10:00:00+08:00","description":"xyzzy","stage":null,"address":{"country":"CN"}}]}]}}}],"rejected":[]}}`
	rs, err := Parse([]byte(body))
	if err != nil || len(rs) != 1 || len(rs[0].Events) != 2 {
		t.Fatalf("%v %v", rs, err)
	}
	if e := rs[0].Events[0]; e.Status != "" {
		t.Errorf("older unexplained event got status %s", e.Substatus)
	}
	if e := rs[0].Events[1]; e.Substatus != status.ExceptionReturning {
		t.Errorf("newest event %s, want latest_status exception.returning", e.Substatus)
	}
}

func TestEventTimeRules(t *testing.T) {
	cases := []struct {
		name, iso, utc, country, state string
		wantUTC, wantLocal             string
		wantOff                        int
		wantSrc                        shipment.OffsetSource
	}{
		{"explicit", "2024-03-01T10:00:00+09:00", "", "JP", "", "2024-03-01T01:00:00Z", "2024-03-01T10:00:00", 9 * 3600, shipment.OffsetExplicit},
		// Standard offset sent in summer: the wall clock is kept, Berlin's offset applied.
		{"seasonal fix", "2023-07-10T12:00:00+01:00", "2023-07-10T11:00:00Z", "DE", "", "2023-07-10T10:00:00Z", "2023-07-10T12:00:00", 2 * 3600, shipment.OffsetAssumed},
		// Same offset in winter is right and kept.
		{"winter kept", "2023-01-10T12:00:00+01:00", "", "DE", "", "2023-01-10T11:00:00Z", "2023-01-10T12:00:00", 3600, shipment.OffsetExplicit},
		// An offset of another zone entirely (event abroad) is kept.
		{"foreign kept", "2023-07-10T12:00:00+08:00", "", "DE", "", "2023-07-10T04:00:00Z", "2023-07-10T12:00:00", 8 * 3600, shipment.OffsetExplicit},
		{"local plus utc", "2024-05-05T08:30:00", "2024-05-05T00:30:00Z", "", "", "2024-05-05T00:30:00Z", "2024-05-05T08:30:00", 8 * 3600, shipment.OffsetCarrierGMT},
		{"local assumed", "2024-05-05T08:30:00", "", "CN", "", "2024-05-05T00:30:00Z", "2024-05-05T08:30:00", 8 * 3600, shipment.OffsetAssumed},
		{"utc only unknown place", "", "2024-05-05T00:30:00Z", "", "", "2024-05-05T00:30:00Z", "2024-05-05T00:30:00", 0, shipment.OffsetExplicit},
	}
	for _, c := range cases {
		st, err := eventTime(c.iso, c.utc, c.country, c.state)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !st.Time.Equal(mustUTC(t, c.wantUTC)) || st.Local != c.wantLocal || st.Offset != c.wantOff || st.Source != c.wantSrc {
			t.Errorf("%s: got %s %s %d %s", c.name, st.Time, st.Local, st.Offset, st.Source)
		}
	}
	if _, err := eventTime("", "", "", ""); err == nil {
		t.Error("no time accepted")
	}
	if _, err := eventTime("", "soon", "", ""); err == nil {
		t.Error("bad time_utc accepted")
	}
}

func TestCarrierTableMatchesDirectory(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range carrierCodes {
		if _, ok := carrier.Lookup(c.slug); !ok {
			t.Errorf("slug %q is not in the carrier directory", c.slug)
		}
		if seen[c.slug] {
			t.Errorf("slug %q listed twice", c.slug)
		}
		seen[c.slug] = true
		if c.code <= 0 {
			t.Errorf("slug %q has code %d", c.slug, c.code)
		}
	}
	for slug, code := range map[string]int{"china-post": 3011, "cainiao": 190271, "yunexpress": 190008,
		"4px": 190094, "yanwen": 190012, "usps": 21051, "royal-mail": 11031, "dhl-germany": 7041} {
		if got, ok := CarrierCode(slug); !ok || got != code {
			t.Errorf("CarrierCode(%s) = %d %v, want %d", slug, got, ok, code)
		}
	}
	if s, _ := SlugFor(6051); s != "la-poste" {
		t.Errorf("6051 maps back to %q", s)
	}
	if HashSlug(999999) != Name || HashSlug(3011) != "china-post" {
		t.Error("HashSlug")
	}
	if _, ok := CarrierCode("no-such-carrier"); ok {
		t.Error("unknown slug has a code")
	}
}
