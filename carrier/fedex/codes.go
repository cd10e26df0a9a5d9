package fedex

import (
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// Code tables. FedEx publishes no full table of scan event types; the codes
// below are those seen in FedEx's documented answers (OC, PU, AR, DP, IT,
// AO, AE, AF, FD, OD, DY, HP, DE, DL and the derived codes IN, RL) and in
// open-source integrations' notes (the rest). The status chosen for each is
// ours. eventType is read first, derivedStatusCode second, the text last.

// byEventType maps scanEvents[].eventType.
var byEventType = map[string]status.Substatus{
	"OC": status.InfoReceivedInfoReceived, // shipment information sent to FedEx
	"PU": status.InTransitAccepted,
	"AR": status.InTransitArrivedFacility,
	"AF": status.InTransitArrivedFacility, // at local FedEx facility
	"FD": status.InTransitArrivedFacility, // at FedEx destination facility
	"SF": status.InTransitArrivedFacility, // at sort facility
	"DP": status.InTransitDepartedFacility,
	"LO": status.InTransitDepartedFacility, // left origin
	"IT": status.InTransitInTransit,
	"AO": status.InTransitInTransit, // shipment arriving on time
	"AE": status.InTransitInTransit, // shipment arriving early
	"PF": status.InTransitInTransit, // plane in flight
	"PL": status.InTransitInTransit, // plane landed
	"TR": status.InTransitInTransit, // transfer
	"CP": status.InTransitCustomsProcessing,
	"CC": status.InTransitCustomsCleared,
	"CD": status.ExceptionOther, // clearance delay; the text tells documents, duties or a hold
	"DY": status.InTransitDelayed,
	"OD": status.OutForDeliveryOutForDelivery,
	"ED": status.OutForDeliveryOutForDelivery, // enroute to delivery
	"HP": status.AvailableForPickupAvailableForPickup,
	"HL": status.AvailableForPickupAvailableForPickup, // hold at location
	"DL": status.DeliveredDelivered,
	"DE": status.AttemptFailOther, // delivery exception; refined by its exception code
	"SE": status.ExceptionOther,   // shipment exception
	"CA": status.ExceptionCancelled,
	"RS": status.ExceptionReturning, // return to shipper
}

// byDerivedCode maps derivedStatusCode (FedEx's own coarse grouping) for
// event types we do not know.
var byDerivedCode = map[string]status.Substatus{
	"IN": status.InfoReceivedInfoReceived, // label created
	"PU": status.InTransitAccepted,
	"IT": status.InTransitInTransit,
	"DP": status.InTransitDepartedFacility,
	"AR": status.InTransitArrivedFacility,
	"DY": status.InTransitDelayed,
	"RL": status.InTransitDelayed, // running late
	"OD": status.OutForDeliveryOutForDelivery,
	"HL": status.AvailableForPickupAvailableForPickup,
	"HP": status.AvailableForPickupAvailableForPickup,
	"DL": status.DeliveredDelivered,
	"DE": status.AttemptFailOther,
	"SE": status.ExceptionOther,
	"CA": status.ExceptionCancelled,
	"RS": status.ExceptionReturning,
}

// byDeliveryException refines DE events by exceptionCode (FedEx's delivery
// exception codes).
var byDeliveryException = map[string]status.Substatus{
	"03":  status.AttemptFailAddressIssue,         // incorrect recipient address
	"07":  status.ExceptionRefused,                // refused by recipient
	"08":  status.AttemptFailRecipientUnavailable, // customer not available or business closed
	"A47": status.InTransitForwarded,              // redirected to a nearby FedEx location
}

// classify maps one scan event to a substatus.
func classify(eventType, derived, exceptionCode, text string) status.Substatus {
	eventType = strings.ToUpper(eventType)
	sub, ok := byEventType[eventType]
	if !ok {
		sub, ok = byDerivedCode[strings.ToUpper(derived)]
	}
	if !ok {
		sub = status.InTransitInTransit
	}
	if eventType == "DE" {
		if s, ok := byDeliveryException[strings.ToUpper(exceptionCode)]; ok {
			return s
		}
	}
	return carrier.RefineByText(sub, text)
}
