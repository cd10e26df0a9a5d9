package status

import "testing"

// Codes listed in the research notes (anchors-features.md, section b).
var afterShipListed = []string{
	"Delivered_001", "Delivered_002", "Delivered_003", "Delivered_004", "Delivered_005",
	"AvailableForPickup_001",
	"Exception_001", "Exception_002", "Exception_003", "Exception_004", "Exception_005", "Exception_006",
	"Exception_007", "Exception_008", "Exception_009", "Exception_010", "Exception_011", "Exception_012",
	"Exception_013", "Exception_014", "Exception_015", "Exception_016", "Exception_017", "Exception_018",
	"Exception_019", "Exception_020", "Exception_021",
	"AttemptFail_001", "AttemptFail_002", "AttemptFail_003",
	"InTransit_001", "InTransit_002", "InTransit_003", "InTransit_004", "InTransit_005", "InTransit_006",
	"InTransit_007", "InTransit_008", "InTransit_009", "InTransit_010", "InTransit_011", "InTransit_012", "InTransit_013",
	"InfoReceived_001",
	"OutForDelivery_001", "OutForDelivery_002", "OutForDelivery_003", "OutForDelivery_004",
	"Pending_001", "Pending_002", "Pending_003", "Pending_004", "Pending_005", "Pending_006",
	"Expired_001",
}

var seventeenTrackListed = []string{
	"NotFound_Other", "NotFound_InvalidCode", "InfoReceived",
	"InTransit_PickedUp", "InTransit_Other", "InTransit_Departure", "InTransit_Arrival",
	"InTransit_CustomsProcessing", "InTransit_CustomsReleased", "InTransit_CustomsRequiringInformation",
	"Expired_Other", "AvailableForPickup_Other", "OutForDelivery_Other", "Delivered_Other",
	"DeliveryFailure_Other", "DeliveryFailure_NoBody", "DeliveryFailure_Security",
	"DeliveryFailure_Rejected", "DeliveryFailure_InvalidAddress",
	"Exception_Other", "Exception_Returning", "Exception_Returned", "Exception_NoBody",
	"Exception_Security", "Exception_Damage", "Exception_Rejected", "Exception_Delayed",
	"Exception_Lost", "Exception_Destroyed", "Exception_Cancel",
	"InTransit_TransportArrived", "InTransit_TransportDeparted",
}

func TestAfterShipEverySubstatusMapped(t *testing.T) {
	for _, s := range Substatuses {
		c, ok := s.AfterShip()
		if !ok {
			t.Errorf("%s: no AfterShip subtag", s)
			continue
		}
		if want := afterShipTags[s.Status()]; c.Tag != want {
			t.Errorf("%s: AfterShip tag %q, want %q (same main status)", s, c.Tag, want)
		}
		if _, ok := fromAfterShip[c.Subtag]; !ok {
			t.Errorf("%s: subtag %q is not a known AfterShip subtag", s, c.Subtag)
		}
	}
}

func TestAfterShipListedCodesMapBack(t *testing.T) {
	if len(fromAfterShip) != len(afterShipListed) {
		t.Errorf("fromAfterShip has %d codes, research list %d", len(fromAfterShip), len(afterShipListed))
	}
	for _, code := range afterShipListed {
		s, ok := FromAfterShip(code)
		if !ok || !s.Valid() {
			t.Errorf("%s: maps to %q (ok=%v)", code, s, ok)
		}
	}
	if s, ok := FromAfterShip("AttemptFail"); !ok || s != AttemptFailOther {
		t.Errorf("bare tag AttemptFail: %q %v", s, ok)
	}
	if _, ok := FromAfterShip("Bogus_001"); ok {
		t.Error("unknown code accepted")
	}
}

// Where a subtag is used by exactly one substatus the mapping must round-trip.
func TestAfterShipRoundTrip(t *testing.T) {
	users := map[string]int{}
	for _, sub := range toAfterShip {
		users[sub]++
	}
	n := 0
	for s, sub := range toAfterShip {
		if users[sub] != 1 {
			continue
		}
		n++
		if back, _ := FromAfterShip(sub); back != s {
			t.Errorf("%s -> %s -> %s", s, sub, back)
		}
	}
	if n < 30 {
		t.Errorf("only %d one-to-one AfterShip pairs", n)
	}
}

func TestSeventeenTrackEverySubstatusMapped(t *testing.T) {
	official := map[string]bool{}
	for _, c := range seventeenTrackListed[:30] {
		official[c] = true
	}
	for _, s := range Substatuses {
		c, ok := s.SeventeenTrack()
		if !ok {
			t.Errorf("%s: no 17TRACK sub-status", s)
			continue
		}
		if !official[c.SubStatus] {
			t.Errorf("%s: %q is not in 17TRACK's official list", s, c.SubStatus)
		}
		if want := seventeenTrackMain[s.Status()]; c.Status != want {
			t.Errorf("%s: 17TRACK main status %q, want %q", s, c.Status, want)
		}
	}
}

func TestSeventeenTrackListedCodesMapBack(t *testing.T) {
	for _, code := range seventeenTrackListed {
		s, ok := FromSeventeenTrack(code)
		if !ok || !s.Valid() {
			t.Errorf("%s: maps to %q (ok=%v)", code, s, ok)
		}
	}
	if s, _ := FromSeventeenTrack("InTransit_CustomsProcessing"); s != InTransitCustomsProcessing {
		t.Errorf("InTransit_CustomsProcessing -> %s", s)
	}
	if s, ok := FromSeventeenTrack("DeliveryFailure"); !ok || s != AttemptFailOther {
		t.Errorf("bare DeliveryFailure -> %s %v", s, ok)
	}
}

func TestSeventeenTrackRoundTrip(t *testing.T) {
	users := map[string]int{}
	for _, sub := range toSeventeenTrack {
		users[sub]++
	}
	n := 0
	for s, sub := range toSeventeenTrack {
		if users[sub] != 1 {
			continue
		}
		n++
		if back, _ := FromSeventeenTrack(sub); back != s {
			t.Errorf("%s -> %s -> %s", s, sub, back)
		}
	}
	if n < 15 {
		t.Errorf("only %d one-to-one 17TRACK pairs", n)
	}
}

func TestShip24Milestones(t *testing.T) {
	for _, st := range Statuses {
		m := st.Ship24Milestone()
		if m == "" {
			t.Errorf("%s: no milestone", st)
			continue
		}
		back, ok := FromShip24Milestone(m)
		if !ok {
			t.Errorf("%s -> %s does not map back", st, m)
		}
		if st != Expired && back != st {
			t.Errorf("%s -> %s -> %s", st, m, back)
		}
	}
	if _, ok := FromShip24Milestone("teleported"); ok {
		t.Error("unknown milestone accepted")
	}
}
