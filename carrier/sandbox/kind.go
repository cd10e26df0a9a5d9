package sandbox

import "github.com/waypost/waypost/status"

// Kind is what happened at one step of a journey, independent of any
// carrier's vocabulary. Each dialect renders a Kind with its carrier's own
// code and wording, and declares which substatus that code stands for.
type Kind int

// The kinds of journey step.
const (
	KindInfoReceived              Kind = iota + 1 // label created, electronic pre-advice
	KindAccepted                                  // picked up or accepted at the counter
	KindArrivedFacility                           // arrived at a sorting facility
	KindDepartedFacility                          // left a sorting facility
	KindExportCustoms                             // presented to export customs at origin
	KindDepartedOriginCountry                     // export scan, dispatched abroad
	KindArrivedDestinationCountry                 // import scan at the destination gateway
	KindCustomsProcessing                         // presented to import customs
	KindCustomsHeld                               // held by customs
	KindDutiesDue                                 // import duties to be paid by the recipient
	KindCustomsCleared                            // released by customs
	KindDelayed                                   // a delay notice (flight, weather)
	KindHandedOver                                // handed to the destination carrier
	KindOutForDelivery                            // on the vehicle for delivery
	KindAttemptUnavailable                        // delivery attempted, nobody in
	KindAttemptAddress                            // delivery attempted, address problem
	KindAvailableForPickup                        // waiting at a post office or access point
	KindPickedUp                                  // collected by the recipient
	KindDelivered                                 // delivered, no more detail
	KindDeliveredSigned                           // delivered against signature
	KindDeliveredNeighbour                        // delivered to a neighbour
	KindDeliveredLocker                           // delivered to a parcel locker
	KindDamaged                                   // damaged in transit
	KindReturning                                 // on its way back to the sender
	KindReturned                                  // back with the sender
	kindEnd
)

// kindInfo is the meaning of a Kind: its substatus in the taxonomy and a
// neutral English text (dialects use their carrier's wording instead).
var kindInfo = [kindEnd]struct {
	name string
	sub  status.Substatus
	text string
}{
	KindInfoReceived:              {"info_received", status.InfoReceivedInfoReceived, "Shipment information received"},
	KindAccepted:                  {"accepted", status.InTransitAccepted, "Accepted"},
	KindArrivedFacility:           {"arrived_facility", status.InTransitArrivedFacility, "Arrived at facility"},
	KindDepartedFacility:          {"departed_facility", status.InTransitDepartedFacility, "Departed facility"},
	KindExportCustoms:             {"export_customs", status.InTransitInTransit, "Export customs clearance"},
	KindDepartedOriginCountry:     {"departed_origin_country", status.InTransitDepartedOriginCountry, "Departed origin country"},
	KindArrivedDestinationCountry: {"arrived_destination_country", status.InTransitArrivedDestinationCountry, "Arrived in destination country"},
	KindCustomsProcessing:         {"customs_processing", status.InTransitCustomsProcessing, "Presented to import customs"},
	KindCustomsHeld:               {"customs_held", status.ExceptionCustomsHeld, "Held by customs"},
	KindDutiesDue:                 {"duties_due", status.ExceptionDutiesDue, "Import duties due"},
	KindCustomsCleared:            {"customs_cleared", status.InTransitCustomsCleared, "Released by customs"},
	KindDelayed:                   {"delayed", status.InTransitDelayed, "Delayed"},
	KindHandedOver:                {"handed_over", status.InTransitHandedOver, "Handed over to the delivery carrier"},
	KindOutForDelivery:            {"out_for_delivery", status.OutForDeliveryOutForDelivery, "Out for delivery"},
	KindAttemptUnavailable:        {"attempt_unavailable", status.AttemptFailRecipientUnavailable, "Delivery attempted, recipient not available"},
	KindAttemptAddress:            {"attempt_address", status.AttemptFailAddressIssue, "Delivery attempted, address problem"},
	KindAvailableForPickup:        {"available_for_pickup", status.AvailableForPickupAvailableForPickup, "Available for pickup"},
	KindPickedUp:                  {"picked_up", status.DeliveredPickedUp, "Picked up by the recipient"},
	KindDelivered:                 {"delivered", status.DeliveredDelivered, "Delivered"},
	KindDeliveredSigned:           {"delivered_signed", status.DeliveredSigned, "Delivered, signed for"},
	KindDeliveredNeighbour:        {"delivered_neighbour", status.DeliveredNeighbour, "Delivered to a neighbour"},
	KindDeliveredLocker:           {"delivered_locker", status.DeliveredLocker, "Delivered to a parcel locker"},
	KindDamaged:                   {"damaged", status.ExceptionDamaged, "Damaged"},
	KindReturning:                 {"returning", status.ExceptionReturning, "Returning to sender"},
	KindReturned:                  {"returned", status.ExceptionReturned, "Returned to sender"},
}

// Substatus is the taxonomy's meaning of the kind.
func (k Kind) Substatus() status.Substatus {
	if k <= 0 || k >= kindEnd {
		return ""
	}
	return kindInfo[k].sub
}

// String is the kind's machine name, e.g. "customs_held".
func (k Kind) String() string {
	if k <= 0 || k >= kindEnd {
		return "unknown"
	}
	return kindInfo[k].name
}

// Text is a neutral English description of the kind.
func (k Kind) Text() string {
	if k <= 0 || k >= kindEnd {
		return ""
	}
	return kindInfo[k].text
}

// Kinds lists every kind.
func Kinds() []Kind {
	out := make([]Kind, 0, kindEnd-1)
	for k := KindInfoReceived; k < kindEnd; k++ {
		out = append(out, k)
	}
	return out
}
