package seventeentrack

import (
	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// stages maps 17TRACK's key stages (the milestone names, also sent as an
// event's "stage") to substatuses. SOURCE: 17TRACK v2.2 document, milestone
// key_stage list (InfoReceived, PickedUp, Departure, Arrival,
// AvailableForPickup, OutForDelivery, Delivered, Returning, Returned).
// Departure and Arrival are the international legs: leaving the origin
// country's port, reaching the destination country's.
var stages = map[string]status.Substatus{
	"InfoReceived":       status.InfoReceivedInfoReceived,
	"PickedUp":           status.InTransitAccepted,
	"Departure":          status.InTransitDepartedOriginCountry,
	"Arrival":            status.InTransitArrivedDestinationCountry,
	"AvailableForPickup": status.AvailableForPickupAvailableForPickup,
	"OutForDelivery":     status.OutForDeliveryOutForDelivery,
	"Delivered":          status.DeliveredDelivered,
	"Returning":          status.ExceptionReturning,
	"Returned":           status.ExceptionReturned,
}

// fromCode maps a 17TRACK code: a sub-status ("InTransit_CustomsProcessing",
// via the table in package status), a key stage, or a bare main status.
func fromCode(code string) (status.Substatus, bool) {
	if code == "" {
		return "", false
	}
	if s, ok := stages[code]; ok {
		return s, true
	}
	s, ok := status.FromSeventeenTrack(code)
	if !ok || s.Status() == status.Pending {
		// "NotFound" describes a parcel, never one of its events.
		return "", false
	}
	return s, true
}

// classifyEvent maps one event: its own sub-status (v2.4) first, then its
// key stage, then its text. Codes coarser than the taxonomy
// ("InTransit_Other", "Delivered") are refined by the English text. An
// event that neither codes nor text explain gets no status.
func classifyEvent(subStatus, stage, text string) status.Substatus {
	if s, ok := fromCode(subStatus); ok {
		return carrier.RefineByText(s, text)
	}
	if s, ok := fromCode(stage); ok {
		return carrier.RefineByText(s, text)
	}
	if text == "" {
		return ""
	}
	r := status.Classify(text)
	if r.Confidence <= 0 || r.Status == status.Pending {
		return ""
	}
	return r.Substatus
}

// eventCode is the 17TRACK code kept as the event's raw code.
func eventCode(subStatus, stage string) string {
	if subStatus != "" {
		return subStatus
	}
	return stage
}

// applyLatestStatus gives the newest event the parcel's latest_status when
// the event itself carries no status: 17TRACK computes latest_status from
// that event, often with carrier codes the event list does not show.
func applyLatestStatus(events []shipment.Event, ls *statusJSON) {
	if len(events) == 0 || ls == nil {
		return
	}
	last := &events[len(events)-1]
	if last.Status != "" {
		return
	}
	code := string(ls.SubStatus)
	if code == "" {
		code = string(ls.Status)
	}
	if s, ok := fromCode(code); ok {
		last.Substatus = carrier.RefineByText(s, last.Text)
		last.Status = last.Substatus.Status()
	}
}
