package eta

import (
	"strings"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// Reason says in a few words what moved a shipment from prev to next, for
// the revision history and the "estimate revised" message.
func Reason(prev, next shipment.Progress) string {
	pm, nm := prev.Milestones, next.Milestones
	newly := func(p, n interface{ IsZero() bool }) bool { return p.IsZero() && !n.IsZero() }
	switch {
	case newly(pm.Delivered, nm.Delivered):
		return "delivered"
	case isCustomsHold(next.Substatus) && next.Substatus != prev.Substatus:
		return "customs held"
	case next.Status == status.AttemptFail && next.Substatus != prev.Substatus:
		return "delivery attempt failed"
	case next.Status == status.Exception && next.Substatus != prev.Substatus:
		_, why, _ := strings.Cut(string(next.Substatus), ".")
		return "exception: " + strings.ReplaceAll(why, "_", " ")
	case newly(pm.OutForDelivery, nm.OutForDelivery):
		return "out for delivery"
	case newly(pm.CustomsOut, nm.CustomsOut):
		return "cleared customs"
	case newly(pm.CustomsIn, nm.CustomsIn):
		return "in customs"
	case newly(pm.ArrivedDestination, nm.ArrivedDestination):
		return "arrived in destination country"
	case newly(pm.DepartedOrigin, nm.DepartedOrigin):
		return "departed origin country"
	case newly(pm.PickedUp, nm.PickedUp):
		return "picked up by the carrier"
	case newly(pm.InfoReceived, nm.InfoReceived):
		return "shipping label created"
	}
	return "new tracking events"
}
