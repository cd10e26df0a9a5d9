package shipment

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/waypost/waypost/status"
	"golang.org/x/text/language"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestNormalizeEventRejects(t *testing.T) {
	cases := map[string]Event{
		"zero time":        {},
		"before 1990":      {Time: time.Date(1989, 12, 31, 23, 0, 0, 0, time.UTC)},
		"future":           {Time: now.Add(49 * time.Hour)},
		"unknown status":   {Time: now, Status: "lost_in_space"},
		"bad substatus":    {Time: now, Substatus: "nope.nope"},
		"offset source":    {Time: now, OffsetSource: "guessed"},
		"offset too large": {Time: now, UTCOffset: 20 * 3600, OffsetSource: OffsetExplicit},
	}
	for name, e := range cases {
		_, _, err := NormalizeEvent(e, now)
		var ie *InvalidError
		if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) || ie.Reason == "" {
			t.Errorf("%s: got %v, want an *InvalidError with a reason", name, err)
		}
	}
	if _, _, err := NormalizeEvent(Event{Time: now.Add(47 * time.Hour)}, now); err != nil {
		t.Errorf("47h ahead should be accepted: %v", err)
	}
}

func TestNormalizeEventRepairs(t *testing.T) {
	long := strings.Repeat("é", 1<<19) // 1 MiB of two-byte runes
	e := Event{
		Time:     time.Date(2026, 5, 1, 10, 0, 0, 123456789, time.FixedZone("", 2*3600)),
		Text:     long,
		Code:     "A\xffB",
		Location: Location{City: "Pa\x00ris", Country: "zz"},
		Status:   status.Delivered, Substatus: status.InTransitAccepted,
	}
	got, rs, err := NormalizeEvent(e, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Text) > MaxTextBytes || !utf8.ValidString(got.Text) || !strings.HasPrefix(long, got.Text) {
		t.Errorf("text cut to %d bytes, valid=%v", len(got.Text), utf8.ValidString(got.Text))
	}
	if got.Code != "A\uFFFDB" {
		t.Errorf("code %q", got.Code)
	}
	if got.Location.City != "Paris" || got.Location.Country != "" {
		t.Errorf("location %+v", got.Location)
	}
	if got.Substatus != status.DeliveredDelivered {
		t.Errorf("substatus %s", got.Substatus)
	}
	if got.Time.Location() != time.UTC || got.Time.Nanosecond() != 123456000 || got.OffsetSource != OffsetNone {
		t.Errorf("time %v, source %s", got.Time, got.OffsetSource)
	}
	fields := map[string]bool{}
	for _, r := range rs {
		fields[r.Field] = true
	}
	for _, f := range []string{"text", "code", "location.city", "location.country", "substatus"} {
		if !fields[f] {
			t.Errorf("no repair recorded for %s (got %v)", f, rs)
		}
	}
}

func TestNormalizeEventStatusFromSubstatus(t *testing.T) {
	got, rs, err := NormalizeEvent(Event{Time: now, Substatus: status.ExceptionCustomsHeld, Location: Location{Country: "uk"}}, now)
	if err != nil || got.Status != status.Exception || got.Location.Country != "GB" || len(rs) != 1 {
		t.Fatalf("got %+v %v %v", got, rs, err)
	}
	got, rs, _ = NormalizeEvent(Event{Time: now, Status: status.InTransit, Location: Location{Country: "de"}}, now)
	if got.Substatus != status.InTransitInTransit || got.Location.Country != "DE" || len(rs) != 0 {
		t.Fatalf("got %+v %v", got, rs)
	}
}

func TestTruncateRuneBoundary(t *testing.T) {
	for n := range 12 {
		s := truncate("a€b€c€", n)
		if !utf8.ValidString(s) || len(s) > n {
			t.Errorf("truncate(%d) = %q", n, s)
		}
	}
}

func TestNormalizeShipment(t *testing.T) {
	s, _, err := NormalizeShipment(Shipment{Reference: " #1001 ", OriginCountry: "cn", DestinationCountry: "UK",
		Customer: Contact{Email: "a@example.com"}, PromisedDate: time.Date(2026, 6, 3, 17, 0, 0, 0, time.UTC)})
	if err != nil || s.Reference != "#1001" || s.OriginCountry != "CN" || s.DestinationCountry != "GB" || s.PromisedDate.Hour() != 0 {
		t.Fatalf("got %+v, %v", s, err)
	}
	for _, bad := range []Shipment{
		{DestinationCountry: "XX"},
		{Customer: Contact{Email: "not-an-email"}},
		{Reference: strings.Repeat("r", 129)},
	} {
		if _, _, err := NormalizeShipment(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestNormalizeParcel(t *testing.T) {
	p, err := NormalizeParcel(Parcel{Carrier: "royal-mail", TrackingNumber: " AB123456785GB ", Extra: map[string]string{"postal_code": "SW1A 1AA"}})
	if err != nil || p.TrackingNumber != "AB123456785GB" || p.Leg != 1 {
		t.Fatalf("got %+v %v", p, err)
	}
	for _, bad := range []Parcel{{Carrier: "Royal Mail", TrackingNumber: "1"}, {Carrier: "ups"}, {Carrier: "ups", TrackingNumber: "1\xff"}} {
		if _, err := NormalizeParcel(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestCountriesAgainstXText cross-checks the hand-written table against an
// independent source: every code must be a country region in x/text, and
// the codes x/text knows but the table lacks must all be historic or
// exceptionally reserved ones.
func TestCountriesAgainstXText(t *testing.T) {
	if n := len(Countries()); n != 250 {
		t.Errorf("%d codes, want 249 assigned + XK", n)
	}
	notAssigned := map[string]bool{}
	for _, c := range strings.Fields("AC AN BU CP CQ CS CT DD DG DY EA EZ FQ FX HV IC JT MI NH NQ NT PC PU PZ RH SU TA TP UK UN VD WK YD YU ZR") {
		notAssigned[c] = true
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			c := string([]rune{a, b})
			r, err := language.ParseRegion(c)
			x := err == nil && r.IsCountry() && r.String() == c
			switch {
			case ValidCountry(c) && !x:
				t.Errorf("%s is in the table but not a country in x/text", c)
			case !ValidCountry(c) && x && !notAssigned[c]:
				t.Errorf("%s is a country in x/text but missing from the table", c)
			}
		}
	}
}
