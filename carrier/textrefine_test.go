package carrier

import (
	"testing"

	"github.com/waypost/waypost/status"
)

func TestRefineByTextMatchesWordStarts(t *testing.T) {
	cases := []struct {
		sub  status.Substatus
		text string
		want status.Substatus
	}{
		{status.InTransitInTransit, "Colis en transit sur nos plateformes", status.InTransitInTransit},
		{status.InTransitInTransit, "Shipment running late due to weather", status.InTransitDelayed},
		{status.InTransitInTransit, "Delayed: flight rescheduled", status.InTransitDelayed},
		{status.ExceptionOther, "Receiver refused the delivery", status.ExceptionRefused},
		{status.ExceptionOther, "Returned to shipper", status.ExceptionReturned},
		{status.DeliveredDelivered, "Left with neighbour at no. 12", status.DeliveredNeighbour},
		{status.InTransitAccepted, "late", status.InTransitAccepted}, // specific input is kept
	}
	for _, c := range cases {
		if got := RefineByText(c.sub, c.text); got != c.want {
			t.Errorf("RefineByText(%s, %q) = %s, want %s", c.sub, c.text, got, c.want)
		}
	}
}
