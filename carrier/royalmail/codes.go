package royalmail

import (
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// byEventCode maps Royal Mail event codes to substatuses. Facts: the codes
// and customer-facing texts of Royal Mail tracking as compiled by the
// community (elliotjreed/royal-mail-tracking README, MIT; jampez77/RoyalMail
// api.md) and the API's documented sample (EVNMI "Forwarded - Mis-sort").
// Royal Mail publishes no official list to API users; the choice of our
// status for each code is ours. A code not listed falls back to the event
// name.
var byEventCode = map[string]status.Substatus{
	// The sender has told us about the item; Royal Mail does not have it.
	"EVAIP": status.InfoReceivedInfoReceived, // Sender despatching item
	"EVAIE": status.InfoReceivedInfoReceived, // Sender despatching item

	"EVOAC": status.InTransitAccepted,         // Item received at (a Post Office)
	"EVPPA": status.InTransitAccepted,         // Accepted at Parcelshop
	"EVOCO": status.InTransitAccepted,         // We've received your item, processing for delivery
	"EVBAH": status.InTransitArrivedFacility,  // We have your item at National Parcel Hub
	"EVDAC": status.InTransitArrivedFacility,  // We have your item at [X] MC
	"EVDAV": status.InTransitArrivedFacility,  // We have your item at [X] MC
	"EVBAV": status.InTransitArrivedFacility,  // Item received
	"EVIAV": status.InTransitArrivedFacility,  // Reached [X] MC, will be sent to the local delivery office
	"EVIMC": status.InTransitArrivedFacility,  // Reached [X] MC, will be sent to the local delivery office
	"EVORI": status.InTransitArrivedFacility,  // Arrived at
	"EVODO": status.InTransitDepartedFacility, // Item despatched to DO / MC
	// Mis-sorts are re-routed at once.
	"EVGMI": status.InTransitForwarded, // Went to [X] DO in error, re-routed
	"EVIPI": status.InTransitForwarded, // Went to [X] MC in error, re-routed
	"EVNMI": status.InTransitForwarded, // Forwarded - Mis-sort
	// Back in the delivery round after a failed attempt.
	"EVNAR": status.InTransitInTransit, // Due for Redelivery the Next Working Day
	"EVNSR": status.InTransitInTransit, // Item prepared for redelivery
	"EVNKS": status.InTransitInTransit, // Held at [X] DO for the Keepsafe service, as requested

	"EVGPD": status.OutForDeliveryOutForDelivery, // Received by [X] DO, due for delivery today

	"EVKNA": status.AttemptFailRecipientUnavailable, // Tried to deliver, no one in
	"EVNDA": status.AttemptFailRecipientUnavailable, // Tried to deliver, no one in
	"EVKAA": status.AttemptFailAddressIssue,         // Address inaccessible, next working day
	"EVNAA": status.AttemptFailAddressIssue,         // Address inaccessible, next working day
	"EVKSU": status.AttemptFailOther,                // Unable to deliver to the nominated Safeplace
	"EVNDN": status.AttemptFailOther,                // Unable to deliver, next working day
	"EVKNR": status.AttemptFailOther,                // Delivery attempted

	"EVKLC": status.AvailableForPickupAvailableForPickup, // At the nominated collection point, ready to collect
	"EVKLS": status.AvailableForPickupAvailableForPickup, // Delivered to your collection point
	"EVPLA": status.AvailableForPickupAvailableForPickup, // Available for collection

	"EVKSP": status.DeliveredSigned,    // Delivered and signed
	"EVKOP": status.DeliveredDelivered, // Delivered
	"EVKSF": status.DeliveredDelivered, // Delivered to the Safeplace
	"EVKDN": status.DeliveredNeighbour, // Delivered to your neighbour
	"EVNOC": status.DeliveredPickedUp,  // Collected from [X] DO
	"EVPLC": status.DeliveredPickedUp,  // Collected by the customer from a Post Office

	"EVNRT": status.ExceptionDelayed, // Held at [X] DO: request not to deliver to the property today
	"EVKRF": status.ExceptionRefused, // Recipient refused it; it will be returned
	"EVNRF": status.ExceptionRefused, // Recipient refused it; it will be returned
	// Undeliverable and on its way back to the sender.
	"EVKAI": status.ExceptionReturning, // Address could not be identified; returned to sender
	"EVKGA": status.ExceptionReturning, // Recipient no longer at the address; returning
	"EVNGA": status.ExceptionReturning, // Recipient no longer at the address; returning
	"EVRTS": status.ExceptionReturned,  // Delivered back to the sender

	// Redelivery arrangements requested by the recipient: news, not
	// movement.
	"ASRXS": noStatus,
	"RFRXS": noStatus,
	"RNRXS": noStatus,
	"RORXS": noStatus,
	"RPRXS": noStatus,
	"RSRXS": noStatus,
}

// noStatus marks codes without status meaning: they stay in the timeline
// and never move the status.
const noStatus = status.Substatus("")

// minConfidence is the classifier confidence below which the name of an
// event with an unknown code is not trusted.
const minConfidence = 0.5

// classify maps an event code and its name to a substatus. A known code
// decides; the name only sharpens a generic reason. An unknown code leaves
// the decision to the name, and a name that says nothing leaves the event
// without status.
func classify(code, name string) status.Substatus {
	sub, ok := byEventCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		res := status.ClassifyLang(name, "en")
		if res.Confidence < minConfidence || res.Status == status.Pending {
			return noStatus
		}
		sub = res.Substatus
	}
	if sub == noStatus {
		return noStatus
	}
	return carrier.RefineByText(sub, name)
}
