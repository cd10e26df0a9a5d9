package tracker

import (
	"testing"
	"time"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/tracker/simcarrier"
)

// Every hand-off the sandbox scripts is found, with the right next leg,
// and never before it happened.
func TestDetectHandoffSandboxJourneys(t *testing.T) {
	rules := HandoffRules{PostOf: simcarrier.PostOf}
	journeys := sandbox.Generate(sandbox.Options{Seed: 7, N: 400})
	var consolidated, s10 int
	for _, j := range journeys {
		if len(j.Legs) < 2 {
			continue
		}
		first := j.Legs[0]
		p := shipment.Parcel{Carrier: first.Carrier, TrackingNumber: first.Number, Leg: 1}
		var all []shipment.Event
		for _, s := range j.Steps {
			if s.Leg != 0 {
				continue
			}
			all = append(all, simcarrier.Event(first.Carrier, first.Number, s))
		}
		// Before the parcel left China nothing is handed off.
		var early []shipment.Event
		for _, e := range all {
			if e.Substatus == status.InTransitDepartedOriginCountry {
				break
			}
			early = append(early, e)
		}
		if h, ok := DetectHandoff(p, j.Destination.Country, early, rules); ok {
			t.Fatalf("%s: hand-off %+v detected before departure", j.ID, h)
		}
		h, ok := DetectHandoff(p, j.Destination.Country, all, rules)
		if j.Scenario == sandbox.ScenarioLost && !ok {
			continue // tracking went dark before the hand-off
		}
		if !ok {
			t.Fatalf("%s (%s): no hand-off found in %d events", j.ID, j.Route, len(all))
		}
		if want := j.Legs[1]; h.Carrier != want.Carrier || h.TrackingNumber != want.Number {
			t.Fatalf("%s (%s): hand-off to %s %s, want %s %s", j.ID, j.Route, h.Carrier, h.TrackingNumber, want.Carrier, want.Number)
		}
		if j.Route == sandbox.RouteConsolidator {
			consolidated++
		} else {
			s10++
		}
	}
	if consolidated < 50 || s10 < 50 {
		t.Fatalf("too few hand-offs checked: %d consolidator, %d S10", consolidated, s10)
	}
}

func TestDetectHandoffCases(t *testing.T) {
	at := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	ev := func(sub status.Substatus, text string) shipment.Event {
		return shipment.Event{Time: at, Status: sub.Status(), Substatus: sub, Text: text}
	}
	tests := []struct {
		name   string
		p      shipment.Parcel
		dest   string
		events []shipment.Event
		want   *Handoff
	}{
		{"express parcel: none", shipment.Parcel{Carrier: "ups", TrackingNumber: "1Z999AA10123456784"}, "US",
			[]shipment.Event{ev(status.InTransitDepartedOriginCountry, "Departed")}, nil},
		{"S10 at the destination post already", shipment.Parcel{Carrier: "usps", TrackingNumber: "LX123456785CN"}, "US",
			[]shipment.Event{ev(status.InTransitDepartedOriginCountry, "Departed")}, nil},
		{"S10 china post to USPS (directory post)", shipment.Parcel{Carrier: "china-post", TrackingNumber: "LX123456785CN"}, "US",
			[]shipment.Event{ev(status.InTransitDepartedOriginCountry, "Departed")},
			&Handoff{Carrier: "usps", TrackingNumber: "LX123456785CN"}},
		{"S10 without destination", shipment.Parcel{Carrier: "china-post", TrackingNumber: "LX123456785CN"}, "",
			[]shipment.Event{ev(status.InTransitDepartedOriginCountry, "Departed")}, nil},
		{"handed over without a number", shipment.Parcel{Carrier: "cainiao", TrackingNumber: "LP00123456789012"}, "US",
			[]shipment.Event{ev(status.InTransitHandedOver, "Handed over to the delivery carrier")}, nil},
		{"handed over to USPS", shipment.Parcel{Carrier: "cainiao", TrackingNumber: "LP00123456789012"}, "US",
			[]shipment.Event{ev(status.InTransitHandedOver, "Handed over to USPS, tracking number 9400111899223197428497")},
			&Handoff{Carrier: "usps", TrackingNumber: "9400111899223197428497"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := DetectHandoff(tc.p, tc.dest, tc.events, HandoffRules{})
			switch {
			case tc.want == nil && ok:
				t.Fatalf("got hand-off %+v, want none", h)
			case tc.want != nil && !ok:
				t.Fatalf("no hand-off, want %+v", *tc.want)
			case tc.want != nil && (h.Carrier != tc.want.Carrier || h.TrackingNumber != tc.want.TrackingNumber):
				t.Fatalf("got %s %s, want %s %s", h.Carrier, h.TrackingNumber, tc.want.Carrier, tc.want.TrackingNumber)
			}
		})
	}
}
