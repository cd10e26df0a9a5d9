package carrier

import (
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

func TestParseISO(t *testing.T) {
	for _, tc := range []struct {
		in, country, region string
		utc, local, zone    string
		off                 int
		src                 shipment.OffsetSource
	}{
		{"2024-04-26T07:50:00-07:00", "", "", "2024-04-26T14:50:00Z", "2024-04-26T07:50:00", "-07:00", -25200, shipment.OffsetExplicit},
		{"2024-04-26T07:50:00Z", "US", "CA", "2024-04-26T07:50:00Z", "2024-04-26T07:50:00", "+00:00", 0, shipment.OffsetExplicit},
		{"2024-04-26T07:50:00.123+0530", "", "", "2024-04-26T02:20:00Z", "2024-04-26T07:50:00", "+05:30", 19800, shipment.OffsetExplicit},
		// No offset: the zone of the place is assumed, with its DST rules.
		{"2024-08-15T00:00:00", "US", "MN", "2024-08-15T05:00:00Z", "2024-08-15T00:00:00", "America/Chicago", -18000, shipment.OffsetAssumed},
		{"2024-01-15T00:00:00", "US", "MN", "2024-01-15T06:00:00Z", "2024-01-15T00:00:00", "America/Chicago", -21600, shipment.OffsetAssumed},
		{"2024-07-01 12:00:00", "DE", "", "2024-07-01T10:00:00Z", "2024-07-01T12:00:00", "Europe/Berlin", 7200, shipment.OffsetAssumed},
		// A multi-zone country without a region: nothing can be assumed.
		{"2024-07-01T12:00", "US", "", "2024-07-01T12:00:00Z", "2024-07-01T12:00:00", "", 0, shipment.OffsetNone},
	} {
		st, err := ParseISO(tc.in, tc.country, tc.region)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := st.Time.UTC().Format(time.RFC3339); got != tc.utc || st.Local != tc.local || st.Zone != tc.zone || st.Offset != tc.off || st.Source != tc.src {
			t.Errorf("ParseISO(%q, %s-%s) = %s %s %q %d %s; want %s %s %q %d %s", tc.in, tc.country, tc.region,
				got, st.Local, st.Zone, st.Offset, st.Source, tc.utc, tc.local, tc.zone, tc.off, tc.src)
		}
	}
	for _, bad := range []string{"", "yesterday", "2024-13-01T00:00:00", "2024-04-26T07:50:00+25:00"} {
		if _, err := ParseISO(bad, "", ""); err == nil {
			t.Errorf("ParseISO(%q) accepted", bad)
		}
	}
}

func TestParseOffset(t *testing.T) {
	for in, want := range map[string]int{"Z": 0, "+05:30": 19800, "-0500": -18000, "+8": 28800, "-05": -18000, "+00:00": 0} {
		if got, ok := ParseOffset(in); !ok || got != want {
			t.Errorf("ParseOffset(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "5", "+", "+19:00", "+05:60", "+123", "GMT", "+5:3x"} {
		if _, ok := ParseOffset(bad); ok {
			t.Errorf("ParseOffset(%q) accepted", bad)
		}
	}
	if FormatOffset(-16200) != "-04:30" || FormatOffset(0) != "+00:00" {
		t.Fatal("FormatOffset")
	}
}

func TestAssumeZone(t *testing.T) {
	for _, tc := range []struct{ country, region, want string }{
		{"us", "az", "America/Phoenix"}, {"CA", "BC", "America/Vancouver"}, {"AU", "WA", "Australia/Perth"},
		{"NL", "", "Europe/Amsterdam"}, {"NL", "NH", "Europe/Amsterdam"}, {"US", "", ""}, {"BR", "", ""}, {"XX", "", ""},
	} {
		loc := AssumeZone(tc.country, tc.region)
		got := ""
		if loc != nil {
			got = loc.String()
		}
		if got != tc.want {
			t.Errorf("AssumeZone(%s, %s) = %q, want %q", tc.country, tc.region, got, tc.want)
		}
	}
	// Every zone named in the tables must load from the embedded database.
	for _, tbl := range []map[string]string{countryZones, regionZones} {
		for k, name := range tbl {
			if zoneCache()[name] == nil {
				t.Errorf("%s: zone %q does not load", k, name)
			}
		}
	}
}

func TestRefineByText(t *testing.T) {
	for _, tc := range []struct {
		sub  status.Substatus
		text string
		want status.Substatus
	}{
		{status.InTransitInTransit, "Arrived at FedEx location", status.InTransitArrivedFacility},
		{status.InTransitInTransit, "Departed FedEx hub", status.InTransitDepartedFacility},
		{status.InTransitInTransit, "Package released by customs", status.InTransitCustomsCleared},
		{status.InTransitInTransit, "On the way", status.InTransitInTransit},
		{status.ExceptionOther, "Incorrect address, returned to sender", status.ExceptionReturned},
		{status.ExceptionOther, "Import charges are due", status.ExceptionDutiesDue},
		{status.ExceptionOther, "Held by customs", status.ExceptionCustomsHeld},
		{status.AttemptFailOther, "Receiver not available", status.AttemptFailRecipientUnavailable},
		{status.DeliveredDelivered, "Delivered to parcel locker", status.DeliveredLocker},
		// Specific substatuses are never overridden.
		{status.InTransitAccepted, "Arrived at facility", status.InTransitAccepted},
		{status.OutForDeliveryOutForDelivery, "Delay", status.OutForDeliveryOutForDelivery},
	} {
		if got := RefineByText(tc.sub, tc.text); got != tc.want {
			t.Errorf("RefineByText(%s, %q) = %s, want %s", tc.sub, tc.text, got, tc.want)
		}
	}
}
