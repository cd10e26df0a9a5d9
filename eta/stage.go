package eta

import (
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// Stage is how far a shipment has come; estimates start from the latest
// stage reached.
type Stage int

// The stages, in journey order.
const (
	Created Stage = iota
	InfoReceived
	PickedUp
	DepartedOrigin
	ArrivedDestination
	InCustoms
	CustomsCleared
	OutForDelivery
	numStages
)

var stageNames = [numStages]string{"created", "info_received", "picked_up", "departed_origin",
	"arrived_destination", "in_customs", "customs_cleared", "out_for_delivery"}

func (s Stage) String() string {
	if s < 0 || s >= numStages {
		return "unknown"
	}
	return stageNames[s]
}

// ParseStage reads a stage name; ok is false for an unknown one.
func ParseStage(name string) (Stage, bool) {
	for i, n := range stageNames {
		if n == name {
			return Stage(i), true
		}
	}
	return 0, false
}

// Stages lists every stage in journey order.
func Stages() []Stage {
	out := make([]Stage, numStages)
	for i := range out {
		out[i] = Stage(i)
	}
	return out
}

// anchor returns when the shipment reached stage s, zero if it has not.
func anchor(s Stage, created time.Time, m shipment.Milestones) time.Time {
	switch s {
	case Created:
		return created
	case InfoReceived:
		return m.InfoReceived
	case PickedUp:
		return m.PickedUp
	case DepartedOrigin:
		return m.DepartedOrigin
	case ArrivedDestination:
		return m.ArrivedDestination
	case InCustoms:
		return m.CustomsIn
	case CustomsCleared:
		return m.CustomsOut
	case OutForDelivery:
		return m.OutForDelivery
	}
	return time.Time{}
}

// Current returns the latest stage a shipment has reached and when it
// reached it. A shipment whose customs release is recorded is past
// customs even when the release scan came first; one held now (the
// status says so) is in customs whatever else happened.
func Current(created time.Time, p shipment.Progress) (Stage, time.Time) {
	m := p.Milestones
	if isCustomsHold(p.Substatus) && !m.CustomsIn.IsZero() {
		return InCustoms, m.CustomsIn
	}
	for s := OutForDelivery; s > Created; s-- {
		if s == InCustoms && !m.CustomsOut.IsZero() {
			continue
		}
		if t := anchor(s, created, m); !t.IsZero() {
			return s, t
		}
	}
	return Created, created
}

func isCustomsHold(s status.Substatus) bool {
	switch s {
	case status.ExceptionCustomsHeld, status.ExceptionDutiesDue, status.ExceptionDocumentsRequired:
		return true
	}
	return false
}
