package alert

import (
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// Stage is the milestone a shipment has reached, for normal dwell times:
// a parcel normally waits longer between scans on a flight than in a
// delivery van.
type Stage string

// The stages, in journey order.
const (
	StageLabel       Stage = "label"       // label created, not yet handed to the carrier
	StageOrigin      Stage = "origin"      // with the carrier in the origin country
	StageLineHaul    Stage = "line_haul"   // left the origin country, not yet arrived
	StageCustoms     Stage = "customs"     // in import clearance or held
	StageDestination Stage = "destination" // in the destination country
	StageLastMile    Stage = "last_mile"   // out for delivery or after a failed attempt
	StagePickup      Stage = "pickup"      // waiting at a pickup point
	StageReturn      Stage = "return"      // on its way back
)

// Stages lists every stage.
var Stages = []Stage{StageLabel, StageOrigin, StageLineHaul, StageCustoms, StageDestination,
	StageLastMile, StagePickup, StageReturn}

// stageDefaults is the stall threshold per stage when the seller's own
// history says nothing. They follow the usual cadence of cross-border
// scans: label-only parcels are handed over within a few days, line-haul
// (flight or sea consolidation) legs scan least often, a van scans daily.
var stageDefaults = map[Stage]time.Duration{
	StageLabel:       4 * Day,
	StageOrigin:      3 * Day,
	StageLineHaul:    5 * Day,
	StageCustoms:     3 * Day,
	StageDestination: 3 * Day,
	StageLastMile:    2 * Day,
	StagePickup:      5 * Day,
	StageReturn:      5 * Day,
}

// customsHold reports whether a substatus means the parcel sits with
// customs.
func customsHold(s status.Substatus) bool {
	switch s {
	case status.InTransitCustomsProcessing, status.ExceptionCustomsHeld,
		status.ExceptionDutiesDue, status.ExceptionDocumentsRequired:
		return true
	}
	return false
}

// StageOf returns the stage of a shipment from its progress.
func StageOf(p shipment.Progress) Stage {
	switch {
	case p.Substatus == status.ExceptionReturning || p.Substatus == status.ExceptionReturned:
		return StageReturn
	case customsHold(p.Substatus):
		return StageCustoms
	case p.Status == status.AvailableForPickup:
		return StagePickup
	case p.Status == status.OutForDelivery || p.Status == status.AttemptFail:
		return StageLastMile
	}
	m := p.Milestones
	switch {
	case !m.OutForDelivery.IsZero():
		return StageLastMile
	case !m.ArrivedDestination.IsZero() || !m.CustomsOut.IsZero() || !m.CustomsIn.IsZero():
		return StageDestination
	case !m.DepartedOrigin.IsZero():
		return StageLineHaul
	case !m.PickedUp.IsZero():
		return StageOrigin
	}
	return StageLabel
}
