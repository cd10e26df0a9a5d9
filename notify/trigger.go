package notify

import (
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// BuyerMoments are the moments buyers can be told about, in the order a
// parcel usually meets them.
var BuyerMoments = []Moment{Shipped, InTransit, ArrivedDest, CustomsHeld, OutForDelivery, FailedAttempt,
	AvailablePickup, Delivered, Exception, Returned, EstimateRevised}

// MomentsOf returns every moment a change reached, oldest first: the
// moments of milestones first seen in this change, then the moment of the
// new status. A change that reached nothing new (same status, no new
// milestone) returns none.
func MomentsOf(c store.ShipmentChange) []Moment {
	var out []Moment
	add := func(m Moment) {
		if m == "" {
			return
		}
		for _, x := range out {
			if x == m {
				return
			}
		}
		out = append(out, m)
	}
	p, n := c.Prev.Milestones, c.Next.Milestones
	reached := func(prev, next time.Time) bool { return prev.IsZero() && !next.IsZero() }
	if reached(p.InfoReceived, n.InfoReceived) || reached(p.PickedUp, n.PickedUp) {
		add(Shipped)
	}
	if reached(p.DepartedOrigin, n.DepartedOrigin) {
		if c.Prev.Status == status.Pending || c.Prev.Status == "" {
			add(Shipped)
		}
		add(InTransit)
	}
	if reached(p.ArrivedDestination, n.ArrivedDestination) {
		add(ArrivedDest)
	}
	if reached(p.OutForDelivery, n.OutForDelivery) {
		add(OutForDelivery)
	}
	if reached(p.Delivered, n.Delivered) {
		add(Delivered)
	}
	if reached(p.Returned, n.Returned) {
		add(Returned)
	}
	if statusChanged(c) {
		add(statusMoment(c.Prev, c.Next))
	}
	return out
}

// NewestMoment is the moment buyers hear about for a change: the latest
// one it reached, so a carrier that sends twenty old events at once causes
// one message ("delivered"), not twenty. The new status speaks for where
// the parcel is now; only when that is merely "in transit" (or no moment
// at all) does a milestone passed on the way, such as arriving in the
// destination country, say more. ok is false when the change reached
// nothing.
func NewestMoment(c store.ShipmentChange) (Moment, bool) {
	ms := MomentsOf(c)
	if len(ms) == 0 {
		return "", false
	}
	m := Moment("")
	if statusChanged(c) {
		m = statusMoment(c.Prev, c.Next)
	}
	if m == "" || m == InTransit || m == Shipped {
		for _, x := range ms {
			if rank(x) > rank(m) {
				m = x
			}
		}
	}
	return m, m != ""
}

func statusChanged(c store.ShipmentChange) bool {
	return c.Next.Substatus != c.Prev.Substatus || c.Next.Status != c.Prev.Status
}

// rank orders the moments of a normal journey.
func rank(m Moment) int {
	for i, x := range BuyerMoments {
		if x == m {
			return i + 1
		}
	}
	return 0
}

// statusMoment maps the status a shipment reached to its moment; "" for
// statuses nobody is told about (pending, expired).
func statusMoment(prev, next shipment.Progress) Moment {
	switch next.Status {
	case status.InfoReceived:
		return Shipped
	case status.InTransit:
		switch {
		case next.Substatus == status.InTransitArrivedDestinationCountry:
			return ArrivedDest
		case prev.Status == status.Pending || prev.Status == "":
			// The first scan ships the parcel when no label was announced.
			return Shipped
		}
		return InTransit
	case status.OutForDelivery:
		return OutForDelivery
	case status.AttemptFail:
		return FailedAttempt
	case status.AvailableForPickup:
		return AvailablePickup
	case status.Delivered:
		return Delivered
	case status.Exception:
		switch next.Substatus {
		case status.ExceptionCustomsHeld, status.ExceptionDutiesDue, status.ExceptionDocumentsRequired:
			return CustomsHeld
		case status.ExceptionReturned:
			return Returned
		}
		return Exception
	}
	return ""
}
