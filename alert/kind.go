package alert

import "time"

// Kind is what an alert is about. The values are stable: they are stored,
// sent in webhooks and used in settings.
type Kind string

// The alert kinds.
const (
	// Stalled: no update for longer than is normal for the lane and the
	// milestone the shipment is at.
	Stalled Kind = "stalled"
	// InvestigationDue: no update for the ceiling (7 days by default),
	// after which carriers accept a trace request.
	InvestigationDue Kind = "investigation_due"
	// CustomsDelay: held by customs, duties due or in clearance for longer
	// than normal.
	CustomsDelay Kind = "customs_delay"
	// DocumentsRequired: customs asks for documents; raised at once.
	DocumentsRequired Kind = "documents_required"
	// FailedDelivery: an attempt failed, the address is wrong or the
	// recipient refused the parcel.
	FailedDelivery Kind = "failed_delivery"
	// PickupUncollected: waiting at a pickup point for longer than the
	// threshold (5 days by default), or reported unclaimed.
	PickupUncollected Kind = "pickup_uncollected"
	// Returning: on its way back to the sender.
	Returning Kind = "returning"
	// Returned: back with the sender.
	Returned Kind = "returned"
	// Damaged: the carrier reported damage.
	Damaged Kind = "damaged"
	// Lost: the carrier declared the parcel lost.
	Lost Kind = "lost"
	// Late: not delivered by the promised date, or delivered after it.
	Late Kind = "late"
)

// Kinds lists every kind, in the order rules evaluate them.
var Kinds = []Kind{Stalled, InvestigationDue, CustomsDelay, DocumentsRequired, FailedDelivery,
	PickupUncollected, Returning, Returned, Damaged, Lost, Late}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	_, ok := kindInfo[k]
	return ok
}

// kindSpec is what the rules need to know about a kind.
type kindSpec struct {
	// threshold is the default time the condition must last; 0 raises at
	// once.
	threshold time.Duration
	// sticky kinds are not cleared when their condition goes: a damaged
	// parcel that is then delivered still needs the seller's attention.
	// They are cleared by resolving a case or by hand.
	sticky bool
	// severity orders the dashboard: 3 needs action today.
	severity int
}

// Day is 24 hours; thresholds are counted in elapsed time.
const Day = 24 * time.Hour

// DefaultCeiling is when a stall becomes a carrier investigation: most
// carriers accept a trace request after 5 to 7 business days without a
// scan (UPS, FedEx, DHL and the UPU's inquiry guidance).
const DefaultCeiling = 7 * Day

var kindInfo = map[Kind]kindSpec{
	Stalled:           {threshold: 0, severity: 1}, // per stage, see stageDefaults
	InvestigationDue:  {threshold: DefaultCeiling, severity: 3},
	CustomsDelay:      {threshold: 3 * Day, severity: 2},
	DocumentsRequired: {severity: 3},
	FailedDelivery:    {severity: 2},
	PickupUncollected: {threshold: 5 * Day, severity: 2},
	Returning:         {severity: 2},
	Returned:          {severity: 2, sticky: true},
	Damaged:           {severity: 3, sticky: true},
	Lost:              {severity: 3},
	Late:              {severity: 1},
}

// Severity is 1 (watch), 2 (act soon) or 3 (act today).
func (k Kind) Severity() int { return kindInfo[k].severity }

// Sticky reports whether the kind stays open after its cause is gone.
func (k Kind) Sticky() bool { return kindInfo[k].sticky }
