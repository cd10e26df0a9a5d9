package carrier

import (
	"strings"

	"github.com/waypost/waypost/status"
)

// RefineByText narrows a generic substatus using keywords of an English
// event text, for carriers whose codes are coarser than the taxonomy (a UPS
// exception, a FedEx delivery exception). It only ever refines within the
// main status it is given, except for a customs release reported as an
// exception, which is in-transit news. A specific substatus is returned as
// is. Connectors call it after their code tables.
func RefineByText(sub status.Substatus, text string) status.Substatus {
	if sub != status.Generic(sub.Status()) {
		return sub
	}
	t := strings.ToLower(text)
	has := func(words ...string) bool {
		for _, w := range words {
			if containsWordStart(t, w) {
				return true
			}
		}
		return false
	}
	switch sub.Status() {
	case status.InTransit:
		switch {
		case has("customs", "clearance", "government agency") && has("released", "cleared", "clearance completed"):
			return status.InTransitCustomsCleared
		case has("customs", "clearance", "import charges"):
			return status.InTransitCustomsProcessing
		case has("delay", "late", "rescheduled"):
			return status.InTransitDelayed
		case has("export scan", "departed origin country", "left origin country"):
			return status.InTransitDepartedOriginCountry
		case has("import scan", "arrived in destination country", "arrived at destination country"):
			return status.InTransitArrivedDestinationCountry
		case has("redirected", "rerouted", "forwarded", "address changed"):
			return status.InTransitForwarded
		case has("transferred to", "delivery partner", "handed over", "tendered to"):
			return status.InTransitHandedOver
		case has("picked up", "pickup scan", "dropped off", "drop off", "origin scan", "we have your package", "received by"):
			return status.InTransitAccepted
		case has("arrived", "arrival", "at local", "at destination"):
			return status.InTransitArrivedFacility
		case has("departed", "departure", "left "):
			return status.InTransitDepartedFacility
		}
	case status.Exception:
		switch {
		case has("customs", "clearance", "government agency") && has("released", "cleared"):
			return status.InTransitCustomsCleared
		case has("returned to sender", "returned to the sender", "returned to shipper", "delivered to original sender"):
			return status.ExceptionReturned
		case has("return"):
			return status.ExceptionReturning
		case has("damage"):
			return status.ExceptionDamaged
		case has("refused", "rejected by the receiver"):
			return status.ExceptionRefused
		case has("destroyed", "disposed", "disposal", "discarded"):
			return status.ExceptionDisposed
		case has("lost", "missing", "could not be located", "cannot be located"):
			return status.ExceptionLost
		case has("cancel", "voided"):
			return status.ExceptionCancelled
		case has("charges are due", "duties", "import charges", "payment", "c.o.d", "funds"):
			return status.ExceptionDutiesDue
		case has("documentation", "commercial invoice", "clearance information", "information needed", "information required"):
			return status.ExceptionDocumentsRequired
		case has("customs", "government agency", "clearance"):
			return status.ExceptionCustomsHeld
		case has("address"):
			return status.ExceptionAddressIssue
		case has("not collected", "not picked up", "unclaimed", "maximum days"):
			return status.ExceptionUnclaimed
		case has("delay", "late", "weather"):
			return status.ExceptionDelayed
		}
	case status.AttemptFail:
		switch {
		case has("closed"):
			return status.AttemptFailBusinessClosed
		case has("address", "access"):
			return status.AttemptFailAddressIssue
		case has("not available", "not home", "not in", "unavailable", "no one", "adult signature"):
			return status.AttemptFailRecipientUnavailable
		}
	case status.Delivered:
		switch {
		case has("locker"):
			return status.DeliveredLocker
		case has("neighbor", "neighbour"):
			return status.DeliveredNeighbour
		case has("picked up"):
			return status.DeliveredPickedUp
		case has("signed", "signature"):
			return status.DeliveredSigned
		}
	}
	return sub
}

// containsWordStart reports whether w occurs in t starting at a word
// boundary, so "late" matches "late delivery" and "delayed" matches "delay",
// but "late" does not match the French "plateformes".
func containsWordStart(t, w string) bool {
	for i := 0; ; {
		j := strings.Index(t[i:], w)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 || !isLetter(t[at-1]) {
			return true
		}
		i = at + 1
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || c >= 0x80 }
