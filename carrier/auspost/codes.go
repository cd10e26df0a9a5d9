package auspost

import (
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// Australia Post events have no codes: the wording is the signal. Facts:
// the event descriptions of Australia Post tracking answers (documented
// samples of the Shipping and Tracking API, as recorded by the karrio
// Australia Post connector, LGPL-3.0, facts only) and the item status
// values that connector lists (Delivered, Delivered in Full, In transit,
// Awaiting collection, Ready for Pickup, Possible delay, Held by courier,
// Cannot be delivered, Article damaged, Cancelled, Unsuccessful Delivery,
// To be Re-Delivered, On Board for Delivery). The choice of our status for
// each wording is ours.

// noStatus marks events that carry no status meaning.
const noStatus = status.Substatus("")

// phrase is one rule: every word of all must occur (lower case).
type phrase struct {
	all []string
	sub status.Substatus
}

func p(sub status.Substatus, words ...string) phrase { return phrase{all: words, sub: sub} }

// phrases are tried in order; the first match wins, so specific wordings
// come before general ones ("unsuccessful delivery" before "delivery").
var phrases = []phrase{
	// Customer choices and notices: no status of their own.
	p(noStatus, "requested by"),
	p(noStatus, "redirection request"),
	p(noStatus, "delivery choice"),

	p(status.InfoReceivedInfoReceived, "shipping information"),
	p(status.InfoReceivedInfoReceived, "label created"),

	p(status.ExceptionReturned, "returned to sender"),
	p(status.ExceptionReturning, "return to sender"),
	p(status.ExceptionReturning, "returning to sender"),
	p(status.ExceptionDamaged, "damaged"),
	p(status.ExceptionCancelled, "cancelled"),
	p(status.ExceptionOther, "held by courier"),
	p(status.ExceptionOther, "cannot be delivered"),

	p(status.AttemptFailOther, "unsuccessful delivery"),
	p(status.AttemptFailOther, "attempted delivery"),
	p(status.AttemptFailOther, "delivery attempted"),
	p(status.AttemptFailOther, "to be re-delivered"),

	p(status.AvailableForPickupAvailableForPickup, "awaiting collection"),
	p(status.AvailableForPickupAvailableForPickup, "ready for pickup"),
	p(status.AvailableForPickupAvailableForPickup, "ready for collection"),

	p(status.DeliveredPickedUp, "collected by"),
	p(status.DeliveredLocker, "delivered", "locker"),
	p(status.DeliveredNeighbour, "delivered", "neighbour"),
	p(status.DeliveredDelivered, "delivered"),

	p(status.OutForDeliveryOutForDelivery, "onboard for delivery"),
	p(status.OutForDeliveryOutForDelivery, "on board for delivery"),
	p(status.OutForDeliveryOutForDelivery, "with driver"),

	p(status.InTransitDelayed, "possible delay"),
	p(status.InTransitDelayed, "delayed"),

	p(status.InTransitCustomsCleared, "cleared by customs"),
	// Export clearance done, waiting for the flight out.
	p(status.InTransitCustomsCleared, "cleared and awaiting international departure"),
	p(status.InTransitCustomsProcessing, "awaiting clearance"),
	p(status.InTransitCustomsProcessing, "in customs"),
	p(status.InTransitCustomsProcessing, "customs"),

	p(status.InTransitDepartedOriginCountry, "despatch", "export facility"),
	p(status.InTransitArrivedDestinationCountry, "arrived in"),
	p(status.InTransitAccepted, "received by australia post"),
	p(status.InTransitAccepted, "received item from sender"),
	p(status.InTransitAccepted, "lodged"),
	p(status.InTransitArrivedFacility, "arrived at facility"),
	p(status.InTransitDepartedFacility, "in transit to next facility"),
	p(status.InTransitInTransit, "processed"),
	p(status.InTransitInTransit, "in transit"),
}

// byItemStatus maps the enumerated item status, used for a newest event
// whose wording says nothing we recognise.
var byItemStatus = map[string]status.Substatus{
	"delivered":             status.DeliveredDelivered,
	"delivered in full":     status.DeliveredDelivered,
	"in transit":            status.InTransitInTransit,
	"awaiting collection":   status.AvailableForPickupAvailableForPickup,
	"ready for pickup":      status.AvailableForPickupAvailableForPickup,
	"possible delay":        status.InTransitDelayed,
	"held by courier":       status.ExceptionOther,
	"cannot be delivered":   status.ExceptionOther,
	"article damaged":       status.ExceptionDamaged,
	"cancelled":             status.ExceptionCancelled,
	"unsuccessful delivery": status.AttemptFailOther,
	"to be re-delivered":    status.AttemptFailOther,
	"on board for delivery": status.OutForDeliveryOutForDelivery,
	"unknown":               noStatus,
}

// classify maps an event description: Australia Post's wordings first,
// then the classifier; a generic result is sharpened by the text.
func classify(text string) status.Substatus {
	t := strings.ToLower(strings.Join(strings.Fields(text), " "))
	if t == "" {
		return noStatus
	}
	for _, ph := range phrases {
		if containsAll(t, ph.all) {
			return refine(ph.sub, text)
		}
	}
	r := status.ClassifyLang(text, "en")
	if r.Confidence <= 0 || !r.Substatus.Valid() || r.Status == status.Pending {
		return noStatus
	}
	return refine(r.Substatus, text)
}

func containsAll(t string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(t, w) {
			return false
		}
	}
	return true
}

// refine sharpens a generic substatus from the text within its main status.
func refine(sub status.Substatus, text string) status.Substatus {
	if sub == noStatus || sub != status.Generic(sub.Status()) {
		return sub
	}
	return carrier.RefineByText(sub, text)
}
