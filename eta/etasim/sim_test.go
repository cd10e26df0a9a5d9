package etasim

import (
	"reflect"
	"testing"
	"time"
)

func TestDeterministic(t *testing.T) {
	a := Generate(Options{Shipments: 500, Lanes: 5, Seed: 3})
	b := Generate(Options{Shipments: 500, Lanes: 5, Seed: 3})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same options gave different histories")
	}
	c := Generate(Options{Shipments: 500, Lanes: 5, Seed: 4})
	if reflect.DeepEqual(a.Shipments, c.Shipments) {
		t.Fatal("different seeds gave the same history")
	}
}

func TestHistoryIsPlausible(t *testing.T) {
	h := Generate(Options{Shipments: 6000, Lanes: 20, Seed: 9})
	if len(h.Lanes) != 20 || len(h.Shipments) != 6000 {
		t.Fatalf("%d lanes, %d shipments", len(h.Lanes), len(h.Shipments))
	}
	perLane := map[string]int{}
	var delivered, sunday, held, peakSlow, peakN, offSlow, offN int
	for i, s := range h.Shipments {
		if i > 0 && s.CreatedAt.Before(h.Shipments[i-1].CreatedAt) {
			t.Fatal("shipments not in creation order")
		}
		perLane[s.Origin+s.Destination+s.Carrier+s.Service]++
		m := s.Milestones
		if m.Delivered.IsZero() {
			continue
		}
		delivered++
		for _, x := range []time.Time{m.InfoReceived, m.PickedUp, m.DepartedOrigin, m.ArrivedDestination, m.CustomsIn, m.CustomsOut, m.OutForDelivery} {
			if !x.IsZero() && x.After(m.Delivered) {
				t.Fatalf("shipment %d: milestone %v after delivery %v", s.ShipmentID, x, m.Delivered)
			}
		}
		if m.Delivered.Weekday() == time.Sunday {
			sunday++
		}
		if h.Held[i] {
			held++
		}
		slow := m.Delivered.Sub(m.PickedUp) > 10*24*time.Hour
		if yd := m.PickedUp.YearDay(); yd >= 330 && yd <= 350 {
			peakN++
			if slow {
				peakSlow++
			}
		} else if yd >= 60 && yd <= 180 {
			offN++
			if slow {
				offSlow++
			}
		}
	}
	if r := float64(delivered) / 6000; r < 0.95 || r > 0.999 {
		t.Errorf("%.3f delivered: lost parcels missing or too many", r)
	}
	if r := float64(sunday) / float64(delivered); r > 0.03 {
		t.Errorf("%.3f delivered on Sundays", r)
	}
	if held == 0 {
		t.Error("no customs holds")
	}
	if float64(peakSlow)/float64(peakN) <= float64(offSlow)/float64(offN) {
		t.Errorf("peak season no slower: %d/%d vs %d/%d slow", peakSlow, peakN, offSlow, offN)
	}
	small, big := 6000, 0
	for _, n := range perLane {
		small, big = min(small, n), max(big, n)
	}
	if big < 5*small {
		t.Errorf("lane volumes %d..%d: too even to test small lanes", small, big)
	}
}
