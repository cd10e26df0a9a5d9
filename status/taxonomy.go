// Package status owns Waypost's normalised status taxonomy: the main
// statuses, their substatuses, the mappings to other trackers' vocabularies
// and the classifier that turns carrier event text into them.
package status

import (
	"fmt"
	"strings"
)

// Status is a main status. Wire values are compatible with AfterShip's tags
// (lower snake case).
type Status string

// The main statuses, in the order a parcel usually meets them.
const (
	Pending            Status = "pending"
	InfoReceived       Status = "info_received"
	InTransit          Status = "in_transit"
	OutForDelivery     Status = "out_for_delivery"
	AttemptFail        Status = "attempt_fail"
	AvailableForPickup Status = "available_for_pickup"
	Delivered          Status = "delivered"
	Exception          Status = "exception"
	Expired            Status = "expired"
)

// Statuses lists every main status.
var Statuses = []Status{Pending, InfoReceived, InTransit, OutForDelivery, AttemptFail,
	AvailableForPickup, Delivered, Exception, Expired}

// Valid reports whether s is one of the main statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Terminal reports whether a parcel in this status needs no further polling
// except one late check for late scans.
func (s Status) Terminal() bool { return s == Delivered || s == Expired }

// Substatus is "<status>.<reason>", e.g. "exception.customs_held".
type Substatus string

// Substatuses. The reason named like its status (or "other") is the generic
// one used when nothing more specific is known.
const (
	PendingPending  Substatus = "pending.pending"
	PendingNotFound Substatus = "pending.not_found"

	InfoReceivedInfoReceived Substatus = "info_received.info_received"

	InTransitInTransit                 Substatus = "in_transit.in_transit"
	InTransitAccepted                  Substatus = "in_transit.accepted"
	InTransitDepartedFacility          Substatus = "in_transit.departed_facility"
	InTransitArrivedFacility           Substatus = "in_transit.arrived_facility"
	InTransitDepartedOriginCountry     Substatus = "in_transit.departed_origin_country"
	InTransitArrivedDestinationCountry Substatus = "in_transit.arrived_destination_country"
	InTransitCustomsProcessing         Substatus = "in_transit.customs_processing"
	InTransitCustomsCleared            Substatus = "in_transit.customs_cleared"
	InTransitHandedOver                Substatus = "in_transit.handed_over"
	InTransitForwarded                 Substatus = "in_transit.forwarded"
	InTransitDelayed                   Substatus = "in_transit.delayed"

	OutForDeliveryOutForDelivery       Substatus = "out_for_delivery.out_for_delivery"
	OutForDeliveryCustomerContacted    Substatus = "out_for_delivery.customer_contacted"
	OutForDeliveryAppointmentScheduled Substatus = "out_for_delivery.appointment_scheduled"

	AttemptFailRecipientUnavailable Substatus = "attempt_fail.recipient_unavailable"
	AttemptFailBusinessClosed       Substatus = "attempt_fail.business_closed"
	AttemptFailAddressIssue         Substatus = "attempt_fail.address_issue"
	AttemptFailOther                Substatus = "attempt_fail.other"

	AvailableForPickupAvailableForPickup Substatus = "available_for_pickup.available_for_pickup"

	DeliveredDelivered     Substatus = "delivered.delivered"
	DeliveredSigned        Substatus = "delivered.signed"
	DeliveredPickedUp      Substatus = "delivered.picked_up"
	DeliveredNeighbour     Substatus = "delivered.neighbour"
	DeliveredLocker        Substatus = "delivered.locker"
	DeliveredCashCollected Substatus = "delivered.cash_collected"

	ExceptionCustomsHeld       Substatus = "exception.customs_held"
	ExceptionDutiesDue         Substatus = "exception.duties_due"
	ExceptionDocumentsRequired Substatus = "exception.documents_required"
	ExceptionAddressIssue      Substatus = "exception.address_issue"
	ExceptionRefused           Substatus = "exception.refused"
	ExceptionDamaged           Substatus = "exception.damaged"
	ExceptionLost              Substatus = "exception.lost"
	ExceptionReturning         Substatus = "exception.returning"
	ExceptionReturned          Substatus = "exception.returned"
	ExceptionCancelled         Substatus = "exception.cancelled"
	ExceptionDisposed          Substatus = "exception.disposed"
	ExceptionDelayed           Substatus = "exception.delayed"
	ExceptionUnclaimed         Substatus = "exception.unclaimed"
	ExceptionOther             Substatus = "exception.other"

	ExpiredExpired Substatus = "expired.expired"
)

// Substatuses lists every substatus, grouped by main status.
var Substatuses = []Substatus{
	PendingPending, PendingNotFound,
	InfoReceivedInfoReceived,
	InTransitInTransit, InTransitAccepted, InTransitDepartedFacility, InTransitArrivedFacility,
	InTransitDepartedOriginCountry, InTransitArrivedDestinationCountry, InTransitCustomsProcessing,
	InTransitCustomsCleared, InTransitHandedOver, InTransitForwarded, InTransitDelayed,
	OutForDeliveryOutForDelivery, OutForDeliveryCustomerContacted, OutForDeliveryAppointmentScheduled,
	AttemptFailRecipientUnavailable, AttemptFailBusinessClosed, AttemptFailAddressIssue, AttemptFailOther,
	AvailableForPickupAvailableForPickup,
	DeliveredDelivered, DeliveredSigned, DeliveredPickedUp, DeliveredNeighbour, DeliveredLocker,
	DeliveredCashCollected,
	ExceptionCustomsHeld, ExceptionDutiesDue, ExceptionDocumentsRequired, ExceptionAddressIssue,
	ExceptionRefused, ExceptionDamaged, ExceptionLost, ExceptionReturning, ExceptionReturned,
	ExceptionCancelled, ExceptionDisposed, ExceptionDelayed, ExceptionUnclaimed, ExceptionOther,
	ExpiredExpired,
}

var substatusSet = func() map[Substatus]bool {
	m := make(map[Substatus]bool, len(Substatuses))
	for _, s := range Substatuses {
		m[s] = true
	}
	return m
}()

// Status returns the main status a substatus belongs to.
func (s Substatus) Status() Status {
	main, _, _ := strings.Cut(string(s), ".")
	return Status(main)
}

// Reason returns the part after the dot, e.g. "customs_held".
func (s Substatus) Reason() string {
	_, reason, _ := strings.Cut(string(s), ".")
	return reason
}

// Valid reports whether s is a known substatus.
func (s Substatus) Valid() bool { return substatusSet[s] }

// Generic returns the substatus used for a main status when nothing more
// specific is known.
func Generic(s Status) Substatus {
	switch s {
	case AttemptFail:
		return AttemptFailOther
	case Exception:
		return ExceptionOther
	case "":
		return ""
	}
	return Substatus(string(s) + "." + string(s))
}

// ParseSubstatus accepts a dotted substatus, or a bare main status (which
// yields its generic substatus).
func ParseSubstatus(v string) (Substatus, error) {
	if s := Substatus(v); s.Valid() {
		return s, nil
	}
	if st := Status(v); st.Valid() {
		return Generic(st), nil
	}
	return "", fmt.Errorf("status: unknown substatus %q", v)
}
