package ups

import (
	"strconv"
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// Code tables. Facts: the UPS Tracking API appendix (developer.ups.com,
// "Tracking API – Appendix": status/description codes, activity types,
// movement scan codes, package exception codes). The choice of our status
// for each code is ours; a code absent from a table falls back to the next
// signal (statusCode, then the activity type, then the text).

// noStatus marks codes that carry no status meaning: requests and
// confirmations of delivery changes, updated delivery dates, claims. Such
// events stay in the timeline and never move the status.
const noStatus = status.Substatus("")

// byStatusCode maps the 3-digit "Status/Description code" (statusCode,
// compared as an integer) to a substatus. It covers every code of the
// appendix table; the test reads the table to keep it so.
var byStatusCode = map[int]status.Substatus{
	0:  noStatus, // Status Not Available
	3:  status.InfoReceivedInfoReceived,
	5:  status.InTransitInTransit,
	6:  status.OutForDeliveryOutForDelivery,
	7:  status.ExceptionCancelled, // Shipment Information Voided
	10: status.InTransitInTransit,
	11: status.DeliveredDelivered,
	12: status.InTransitCustomsProcessing,
	13: status.ExceptionOther,
	14: status.InTransitCustomsCleared,
	16: status.InTransitInTransit, // In Warehouse
	17: status.AvailableForPickupAvailableForPickup,
	18: noStatus,                  // Delivery Change Requested: Hold for Pickup
	19: status.InTransitInTransit, // Held for Future Delivery
	20: noStatus,
	21: status.OutForDeliveryOutForDelivery,
	22: status.AttemptFailOther,
	23: status.AttemptFailOther,
	24: status.AttemptFailOther,
	25: status.InTransitInTransit,
	26: status.DeliveredDelivered, // by Local Post Office
	27: noStatus,
	28: status.InTransitForwarded, // Delivery Address Changed
	29: status.ExceptionOther,     // Exception: Action Required
	30: status.ExceptionOther,
	32: status.InTransitDelayed,
	33: status.ExceptionReturning, // Return to Sender Requested
	34: status.ExceptionReturned,
	35: status.ExceptionReturning,
	36: status.ExceptionReturning,
	37: status.OutForDeliveryOutForDelivery,
	38: status.InTransitAccepted, // Picked Up by UPS
	39: status.InTransitInTransit,
	40: status.AvailableForPickupAvailableForPickup,
	41: noStatus,
	42: noStatus,
	43: noStatus,                        // Voided Pickup
	44: status.InfoReceivedInfoReceived, // On the Way to UPS
	45: status.InfoReceivedInfoReceived,
	46: status.InTransitDelayed,
	47: status.InTransitInTransit,
	48: status.InTransitDelayed,
	49: status.ExceptionDelayed, // Delay: Action Required
	50: status.ExceptionAddressIssue,
	51: status.InTransitDelayed,
	52: status.InTransitDelayed,
	53: status.InTransitDelayed,
	54: noStatus,
	55: noStatus, // Rescheduled Delivery
	56: noStatus,
	57: status.InTransitInTransit,
	58: status.ExceptionDocumentsRequired, // Clearance Information Required
	59: status.ExceptionDamaged,
	60: status.AttemptFailOther,
	61: status.AttemptFailRecipientUnavailable, // Adult Signature Required
	62: status.AttemptFailOther,                // Funds Required
	63: noStatus,
	64: status.ExceptionRefused,
	65: noStatus, // Pickup Attempted (at the shipper)
	66: status.AttemptFailOther,
	67: status.ExceptionReturned,
	68: status.ExceptionLost, // Sent to Lost and Found
	69: status.AttemptFailOther,
	70: status.InTransitInTransit,
	71: status.InTransitInTransit, // Preparing for Delivery
	72: status.OutForDeliveryOutForDelivery,
	73: status.InTransitInTransit,
	74: status.InTransitHandedOver, // UPS Delivery Partner has Shipment
	75: status.InTransitInTransit,
	76: status.ExceptionOther,
	77: status.InfoReceivedInfoReceived, // Scheduled for Pickup Today
	78: status.OutForDeliveryOutForDelivery,
	79: status.InfoReceivedInfoReceived,
	80: status.InfoReceivedInfoReceived,
	81: status.ExceptionReturned, // Returned - Damage Reported
	82: noStatus,
	83: status.ExceptionOther, // Held
	84: status.InTransitCustomsCleared,
	85: status.ExceptionDutiesDue, // Held for COD Payment
	86: status.InTransitDelayed,
	87: status.InTransitInTransit,
	88: noStatus, // Test
	89: status.OutForDeliveryOutForDelivery,
	90: status.InTransitDelayed,
	91: status.OutForDeliveryOutForDelivery,
	92: status.InTransitCustomsProcessing,
	93: status.InTransitDelayed, // Premier Recovery In Progress
	94: status.InTransitInTransit,
	95: noStatus, 96: noStatus, 97: noStatus, 98: noStatus, 99: noStatus,
	100: noStatus, 101: noStatus, 102: noStatus, 103: noStatus, 104: noStatus,
	105: noStatus, 106: noStatus, 107: noStatus, 108: noStatus, 109: noStatus,
	110: noStatus, 111: noStatus, 112: noStatus, 113: noStatus, 114: noStatus,
	115: noStatus, 116: noStatus, 117: noStatus,
	118: status.ExceptionReturning, // Return to Sender Confirmed
	119: noStatus, 120: noStatus, 121: noStatus, 122: noStatus,
	123: status.InTransitCustomsProcessing, // Pending Release From Non-UPS Broker
	124: status.ExceptionDocumentsRequired,
	125: status.ExceptionDocumentsRequired,
	126: status.ExceptionCustomsHeld, // Pending Government Agency Release
	127: noStatus, 128: noStatus,     // investigation closed / canceled
	129: status.ExceptionOther, // Investigation Opened
	130: status.ExceptionOther, // Claim in Progress
	131: noStatus,              // Final Pickup Attempted
	132: status.InTransitDelayed,
	133: noStatus,
	134: status.InTransitCustomsCleared,
	135: noStatus,
	136: noStatus,
	137: status.InTransitHandedOver,
	138: status.InTransitInTransit,
	139: status.AttemptFailAddressIssue, // Security Access Required
	140: status.ExceptionOther,          // Claim Paid
	141: status.ExceptionDocumentsRequired,
	142: noStatus,
	143: status.DeliveredDelivered, // Delivered to Agent
	144: status.AvailableForPickupAvailableForPickup,
	145: status.AttemptFailOther,
	146: status.OutForDeliveryOutForDelivery,
	147: status.ExceptionOther, // Seized by Law Enforcement
	148: noStatus,
	149: status.ExceptionDisposed,
	153: noStatus, 154: noStatus, 155: noStatus, 156: noStatus,
	157: status.InfoReceivedInfoReceived,
	158: status.InTransitInTransit,
	159: status.InTransitInTransit,
	160: status.InTransitAccepted, // We Have Your Package
	161: status.AvailableForPickupAvailableForPickup,
	162: status.OutForDeliveryOutForDelivery,
	163: noStatus,
	164: status.InTransitInTransit,
	165: status.InTransitInTransit,
	166: status.InfoReceivedInfoReceived,
	167: status.InTransitAccepted,
	168: status.InTransitAccepted,
	169: status.InTransitAccepted,
}

// byType maps the activity type, used when statusCode is absent or unknown.
// "P" (pickup) is seen in answers although the appendix does not list it.
var byType = map[string]status.Substatus{
	"D":  status.DeliveredDelivered,
	"I":  status.InTransitInTransit,
	"P":  status.InTransitAccepted,
	"M":  status.InfoReceivedInfoReceived,
	"MV": status.ExceptionCancelled,
	"X":  status.ExceptionOther,
	"DO": status.InTransitInTransit, // delivered to origin CFS (freight)
	"DD": status.InTransitInTransit, // delivered to destination CFS (freight)
	"W":  status.InTransitInTransit,
	"NA": noStatus,
	"U":  noStatus,
}

// byScanCode refines an in-transit activity of type I by its movement scan
// code (appendix "Movement Scan / ULD codes").
var byScanCode = map[string]status.Substatus{
	"AR": status.InTransitArrivedFacility,
	"DS": status.InTransitArrivedFacility, // destination scan
	"UL": status.InTransitArrivedFacility, // unload scan
	"DP": status.InTransitDepartedFacility,
	"EP": status.InTransitDepartedOriginCountry, // export scan
	"IP": status.InTransitArrivedDestinationCountry,
	"OR": status.InTransitAccepted, // origin scan
	"PU": status.InTransitAccepted,
	"PC": status.InTransitAccepted,
	"PT": status.InTransitAccepted,
	"XD": status.InTransitAccepted, // drop off
	"YN": status.InTransitHandedOver,
	"XR": status.InTransitHandedOver, // received by the local post office
	"YH": status.InTransitHandedOver,
}

// byExceptionCode refines activities of type X by their package exception
// code (appendix "Package Exception codes"); only codes whose meaning maps
// to a specific substatus are listed, the rest are refined by their text.
var byExceptionCode = map[string]status.Substatus{
	"48": status.AttemptFailRecipientUnavailable, // receiver not available, second attempt next day
	"49": status.AttemptFailRecipientUnavailable, // not available at the final attempt
	"C4": status.AttemptFailRecipientUnavailable,
	"55": status.AttemptFailBusinessClosed,
	"G3": status.AttemptFailBusinessClosed,
	"51": status.AttemptFailOther, // unable to receive payment
	"52": status.AttemptFailOther,
	"45": status.ExceptionDamaged, // damaged in transit
	"HR": status.ExceptionDamaged,
	"HE": status.ExceptionDamaged,
	"1F": status.ExceptionDisposed, // destroyed per government agency instruction
	"8D": status.ExceptionDisposed,
	"BZ": status.ExceptionDisposed,
	"1C": status.ExceptionDutiesDue, // import charges due
	"7F": status.ExceptionDutiesDue,
	"EY": status.ExceptionDutiesDue,
	"D9": status.ExceptionDutiesDue,
	"5":  status.ExceptionCustomsHeld, // pending release from a government agency
	"1U": status.ExceptionCustomsHeld,
	"2N": status.ExceptionCustomsHeld,
	"2T": status.ExceptionCustomsHeld,
	"B8": status.ExceptionCustomsHeld,
	"CN": status.ExceptionCustomsHeld,       // export gateway hold
	"CP": status.ExceptionCustomsHeld,       // import gateway hold
	"29": status.ExceptionDocumentsRequired, // UPS contacted receiver/importer for clearance information
	"40": status.ExceptionDocumentsRequired,
	"43": status.ExceptionDocumentsRequired,
	"B9": status.ExceptionDocumentsRequired, // missing commercial invoice
	"4C": status.InTransitCustomsProcessing, // preparing for clearance
	"7M": status.InTransitCustomsProcessing,
	"DA": status.InTransitCustomsCleared, // released by clearing agency
	"DL": status.ExceptionReturning,      // will be returned to the sender
	"90": status.ExceptionReturning,      // embargo, returned to sender
	"I1": status.ExceptionReturning,
	"3N": status.ExceptionUnclaimed, // not picked up at the Access Point, returned
	"6C": status.ExceptionUnclaimed, // maximum hold days expired
	"CY": status.ExceptionAddressIssue,
	"DS": status.ExceptionAddressIssue, // illegible address label
	"DW": status.ExceptionAddressIssue, // delivery location vacant
	"H5": status.ExceptionAddressIssue,
	"47": status.ExceptionAddressIssue, // destination address not served
	"FT": status.DeliveredPickedUp,     // the receiver has picked up the package
}

// typeAllows says which main statuses agree with an activity type; a
// statusCode mapping that contradicts the type gives way to the type.
func typeAllows(typ string, st status.Status) bool {
	switch typ {
	case "D":
		return st == status.Delivered || st == status.AvailableForPickup
	case "M":
		return st == status.InfoReceived || st == status.Exception
	case "X":
		return st != status.InfoReceived && st != status.Delivered && st != status.Pending
	}
	return true
}

// classify maps one activity to a substatus ("" for no status meaning).
func classify(typ, code, statusCode, text string) status.Substatus {
	typ = strings.ToUpper(strings.TrimSpace(typ))
	code = strings.ToUpper(strings.TrimSpace(code))
	sub, known := status.Substatus(""), false
	if n, err := strconv.Atoi(strings.TrimSpace(statusCode)); err == nil {
		sub, known = byStatusCode[n]
	}
	if t, ok := byType[typ]; ok && (!known || (sub != noStatus && !typeAllows(typ, sub.Status()))) {
		sub, known = t, true
	}
	if !known {
		// Neither code is known: let the text decide within in-transit,
		// the most common case, rather than drop the event.
		sub = status.InTransitInTransit
	}
	if sub == noStatus {
		return noStatus
	}
	switch typ {
	case "I":
		if s, ok := byScanCode[code]; ok && sub == status.InTransitInTransit {
			sub = s
		}
	case "X":
		if s, ok := byExceptionCode[code]; ok && (sub == status.Generic(sub.Status()) || s.Status() == sub.Status()) {
			sub = s
		}
	}
	return carrier.RefineByText(sub, text)
}
