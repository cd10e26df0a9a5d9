package usps

import (
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// byEventCode maps USPS event codes to substatuses. Facts: the event codes
// and names of USPS Publication 199 Appendix G-4 (domestic tracking scan
// events) as listed in the USPS Web Tools Track/Confirm documentation, plus
// the codes seen in Tracking v3 answers (GX, OF, SF, T1, TL, A1). The choice
// of our status for each is ours. A code not listed here falls back to the
// event text.
var byEventCode = map[string]status.Substatus{
	"GX": status.InfoReceivedInfoReceived,  // Shipping Label Created, USPS Awaiting Item
	"MA": status.InfoReceivedInfoReceived,  // Manifest Acknowledgement
	"03": status.InTransitAccepted,         // Accept or Pickup: USPS in possession of item
	"OA": status.InTransitAccepted,         // Origin Acceptance
	"TM": status.InTransitAccepted,         // Truck manifest (shipment acceptance)
	"PA": status.InTransitAccepted,         // Passive acceptance (shipment acceptance)
	"80": status.InTransitAccepted,         // Picked Up by Shipping Partner
	"81": status.InTransitArrivedFacility,  // Arrived Shipping Partner Facility
	"82": status.InTransitDepartedFacility, // Departed Shipping Partner Facility
	"42": status.InTransitHandedOver,       // USPS Handoff to Shipping Partner
	"10": status.InTransitArrivedFacility,  // Processed: Arrived at USPS Regional (Origin) Facility
	"19": status.InTransitArrivedFacility,  // DC eVS Arrive
	"41": status.InTransitArrivedFacility,  // Received at Opening Unit
	"A1": status.InTransitArrivedFacility,  // Arrived at USPS Regional Facility
	"07": status.InTransitArrivedFacility,  // Arrival at Unit: Arrived at Post Office
	"SF": status.InTransitDepartedFacility, // Departed Post Office
	"EF": status.InTransitDepartedFacility, // Departed Sort Facility
	"T1": status.InTransitDepartedFacility, // Departed USPS Regional Facility
	"TL": status.InTransitInTransit,        // In Transit to Next Facility
	"PC": status.InTransitInTransit,        // Sorting / Processing Complete
	"06": status.InTransitForwarded,        // Forwarded
	"08": status.InTransitDelayed,          // Missent
	"15": status.InTransitDelayed,          // Mis-shipped
	"71": status.InTransitDelayed,          // Rescheduled to Next Delivery Day
	"OF": status.OutForDeliveryOutForDelivery,

	"02": status.AttemptFailRecipientUnavailable, // Notice Left (delivery attempted)
	"52": status.AttemptFailRecipientUnavailable, // Notice Left
	"56": status.AttemptFailRecipientUnavailable, // No Authorized Recipient Available
	"51": status.AttemptFailBusinessClosed,       // Business Closed
	"30": status.AttemptFailAddressIssue,         // Delivery Attempted - No Access to Delivery Location
	"53": status.AttemptFailAddressIssue,         // Receptacle Blocked
	"54": status.AttemptFailOther,                // Receptacle Full / Item Oversized
	"55": status.AttemptFailOther,                // No Secure Location Available

	"14": status.AvailableForPickupAvailableForPickup, // Arrival at Pickup Point
	"16": status.AvailableForPickupAvailableForPickup, // Available for Pickup

	"01": status.DeliveredDelivered, // Delivered (the text says where: locker, mailbox...)
	"17": status.DeliveredPickedUp,  // Picked Up By Agent
	"43": status.DeliveredPickedUp,  // Picked Up

	"04": status.ExceptionRefused,      // Refused
	"05": status.ExceptionAddressIssue, // Undeliverable as Addressed
	"11": status.ExceptionOther,        // Dead Letter: sent to the Mail Recovery Center
	"44": status.ExceptionReturning,    // Customer Recall
	// Return to Sender and its reasons: the item is on its way back.
	"09": status.ExceptionReturning, // Return to Sender
	"21": status.ExceptionReturning, // No Such Number
	"22": status.ExceptionReturning, // Insufficient Address
	"23": status.ExceptionReturning, // Moved, Left No Address
	"24": status.ExceptionReturning, // Forward Expired
	"25": status.ExceptionReturning, // Addressee Unknown
	"26": status.ExceptionReturning, // Vacant
	"27": status.ExceptionReturning, // Unclaimed
	"28": status.ExceptionReturning, // Deceased
	"29": status.ExceptionReturning, // Other
	"31": status.ExceptionReturning, // Not Picked Up

	"DX": noStatus, // Delivery Status Not Updated
}

// noStatus marks codes without status meaning: they stay in the timeline
// and never move the status.
const noStatus = status.Substatus("")

// minConfidence is the classifier confidence below which the text of an
// event with an unknown code is not trusted.
const minConfidence = 0.5

// classify maps an event code and its text to a substatus. A known code
// decides the status and the text only sharpens a generic reason ("Delivered,
// Parcel Locker"); an unknown code leaves the decision to the text, and a
// text that says nothing leaves the event without status.
func classify(code, txt string) status.Substatus {
	sub, ok := byEventCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		res := status.ClassifyLang(txt, "en")
		if res.Confidence < minConfidence || res.Status == status.Pending {
			return noStatus
		}
		sub = res.Substatus
	}
	if sub == noStatus {
		return noStatus
	}
	return carrier.RefineByText(sub, txt)
}
