package notify

import (
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

func progress(sub status.Substatus, ms shipment.Milestones) shipment.Progress {
	return shipment.Progress{Status: sub.Status(), Substatus: sub, Milestones: ms}
}

func TestNewestMoment(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	none := shipment.Milestones{}
	cases := []struct {
		name       string
		prev, next shipment.Progress
		want       Moment
		ok         bool
	}{
		{"label created", progress(status.PendingPending, none), progress(status.InfoReceivedInfoReceived, shipment.Milestones{InfoReceived: at}), Shipped, true},
		{"first scan without label", progress(status.PendingPending, none), progress(status.InTransitAccepted, shipment.Milestones{PickedUp: at}), Shipped, true},
		{"first scan after label", progress(status.InfoReceivedInfoReceived, shipment.Milestones{InfoReceived: at}), progress(status.InTransitAccepted, shipment.Milestones{InfoReceived: at, PickedUp: at}), InTransit, true},
		{"arrived by milestone", progress(status.InTransitDepartedOriginCountry, shipment.Milestones{DepartedOrigin: at}),
			progress(status.InTransitArrivedFacility, shipment.Milestones{DepartedOrigin: at, ArrivedDestination: at}), ArrivedDest, true},
		{"customs held", progress(status.InTransitCustomsProcessing, none), progress(status.ExceptionDutiesDue, none), CustomsHeld, true},
		{"failed attempt", progress(status.OutForDeliveryOutForDelivery, none), progress(status.AttemptFailRecipientUnavailable, none), FailedAttempt, true},
		{"pickup", progress(status.AttemptFailOther, none), progress(status.AvailableForPickupAvailableForPickup, none), AvailablePickup, true},
		{"returned", progress(status.ExceptionReturning, none), progress(status.ExceptionReturned, shipment.Milestones{Returned: at}), Returned, true},
		{"damaged", progress(status.InTransitArrivedFacility, none), progress(status.ExceptionDamaged, none), Exception, true},
		{"burst to delivered", progress(status.PendingPending, none),
			progress(status.DeliveredDelivered, shipment.Milestones{InfoReceived: at, PickedUp: at, DepartedOrigin: at, ArrivedDestination: at, OutForDelivery: at, Delivered: at}), Delivered, true},
		{"nothing new", progress(status.InTransitArrivedFacility, none), progress(status.InTransitArrivedFacility, none), "", false},
		{"expired", progress(status.InTransitArrivedFacility, none), progress(status.ExpiredExpired, none), "", false},
	}
	for _, c := range cases {
		got, ok := NewestMoment(store.ShipmentChange{Prev: c.prev, Next: c.next})
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %q %v, want %q %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestEnabledDefaultsAndRules(t *testing.T) {
	var cfg store.NotifyConfig
	if !Enabled(cfg, Email, Delivered) || Enabled(cfg, Email, InTransit) || Enabled(cfg, SMS, Delivered) || !Enabled(cfg, SMS, OutForDelivery) || !Enabled(cfg, Ntfy, InTransit) {
		t.Error("defaults changed")
	}
	cfg.Rules = []store.NotifyRule{{Moment: "delivered", Channel: "sms", Enabled: true}, {Moment: "shipped", Channel: "email", Enabled: false}}
	if !Enabled(cfg, SMS, Delivered) || Enabled(cfg, Email, Shipped) || !Enabled(cfg, Email, Delivered) {
		t.Error("rules not applied")
	}
}
