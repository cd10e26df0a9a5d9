package alert

import (
	"fmt"
	"time"

	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// Finding is one condition the rules found on a shipment.
type Finding struct {
	Kind   Kind
	Detail string
}

// Evaluate returns the conditions that hold for the subject at now.
func Evaluate(s *store.AlertSubject, now time.Time, th *Thresholds) []Finding {
	var out []Finding
	add := func(k Kind, since time.Time, format string, args ...any) {
		thr, on := th.For(k, s, StageOf(s.Progress))
		if !on || (since.IsZero() && thr > 0) || now.Sub(since) < thr {
			return
		}
		out = append(out, Finding{k, fmt.Sprintf(format, args...)})
	}
	sub, st := s.Substatus, s.Status
	stage := StageOf(s.Progress)
	last := s.LastEventAt
	if last.IsZero() {
		last = s.CreatedAt
	}
	idle := now.Sub(last)

	if stallable(s) {
		thr, _ := th.For(Stalled, s, stage)
		add(Stalled, last, "no update for %s at %s (normal here: up to %s)", human(idle), stage, human(thr))
		add(InvestigationDue, last, "no update for %s: ask the carrier to open an investigation", human(idle))
	}
	switch {
	case sub == status.ExceptionDocumentsRequired:
		add(DocumentsRequired, s.StatusAt, "customs asks for documents")
		fallthrough
	case customsHold(sub):
		since := s.Milestones.CustomsIn
		if since.IsZero() {
			since = s.StatusAt
		}
		add(CustomsDelay, since, "%s for %s", sub.Reason(), human(now.Sub(since)))
	case st == status.AttemptFail || sub == status.ExceptionAddressIssue || sub == status.ExceptionRefused:
		add(FailedDelivery, s.StatusAt, "%s", sub.Reason())
	case st == status.AvailableForPickup:
		add(PickupUncollected, s.StatusAt, "waiting at the pickup point for %s", human(now.Sub(s.StatusAt)))
	case sub == status.ExceptionUnclaimed:
		out = append(out, Finding{PickupUncollected, "not collected: the carrier reports it unclaimed"})
	case sub == status.ExceptionReturning:
		add(Returning, s.StatusAt, "on its way back to the sender")
	case sub == status.ExceptionDamaged:
		add(Damaged, s.StatusAt, "the carrier reports damage")
	case sub == status.ExceptionLost:
		add(Lost, s.StatusAt, "the carrier declared the parcel lost")
	}
	if sub == status.ExceptionReturned || !s.Milestones.Returned.IsZero() {
		add(Returned, s.StatusAt, "back with the sender")
	}
	if !s.PromisedDate.IsZero() {
		// The promise is a day: late from the end of it, plus any grace
		// the tenant set as the kind's threshold.
		due := s.PromisedDate.Add(Day)
		switch d := s.Milestones.Delivered; {
		case st == status.Delivered && d.After(due):
			add(Late, due, "delivered %s after the promised date", human(d.Sub(due)))
		case st != status.Delivered && st != status.Expired && now.After(due):
			add(Late, due, "not delivered %s after the promised date", human(now.Sub(due)))
		}
	}
	return out
}

// stallable reports whether silence from the carrier is a problem for
// the subject: not when it is done, or when a more specific kind covers
// the wait (customs, a pickup point, a return at the sender, damage, loss).
func stallable(s *store.AlertSubject) bool {
	switch s.Status {
	case status.Delivered, status.Expired, status.AvailableForPickup:
		return false
	}
	switch s.Substatus {
	case status.ExceptionReturned, status.ExceptionLost, status.ExceptionDamaged, status.ExceptionCancelled,
		status.ExceptionDisposed, status.ExceptionUnclaimed:
		return false
	}
	return !customsHold(s.Substatus)
}

// Plan turns findings into the alerts to raise and clear: a finding whose
// kind is not open is raised; an open alert whose kind was not found is
// cleared with the reason its cause went away, unless the kind is sticky.
func Plan(s *store.AlertSubject, found []Finding, now time.Time) ([]store.AlertRaise, []store.AlertClear) {
	var raise []store.AlertRaise
	var clear []store.AlertClear
	open := make(map[Kind]bool, len(s.Open))
	for _, a := range s.Open {
		open[Kind(a.Kind)] = true
	}
	seen := make(map[Kind]bool, len(found))
	for _, f := range found {
		seen[f.Kind] = true
		if !open[f.Kind] {
			raise = append(raise, store.AlertRaise{TenantID: s.TenantID, ShipmentID: s.ShipmentID, Kind: string(f.Kind),
				Carrier: s.Carrier, Substatus: string(s.Substatus), Detail: f.Detail, At: now})
		}
	}
	for _, a := range s.Open {
		k := Kind(a.Kind)
		if seen[k] || !k.Valid() || k.Sticky() {
			continue
		}
		clear = append(clear, store.AlertClear{TenantID: s.TenantID, AlertID: a.ID, Reason: ClearReason(k, s), At: now})
	}
	return raise, clear
}

// ClearReason says why an alert of kind k no longer holds for s, as a
// stable code.
func ClearReason(k Kind, s *store.AlertSubject) string {
	sub := s.Substatus
	switch {
	case s.Status == status.Delivered && k != Late:
		return "delivered"
	case k == Stalled || k == InvestigationDue:
		return "new_scan"
	case k == CustomsDelay || k == DocumentsRequired:
		if !customsHold(sub) {
			return "customs_released"
		}
		return "customs_progressed"
	case k == FailedDelivery && s.Status == status.AvailableForPickup:
		return "available_for_pickup"
	case k == FailedDelivery && s.Status == status.OutForDelivery:
		return "redelivery"
	case k == Returning && sub == status.ExceptionReturned:
		return "returned"
	case k == Lost:
		return "found"
	case k == Late:
		return "promise_moved"
	}
	return "status_changed"
}

// human prints a duration in days and hours, the unit agents think in.
func human(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	days, hours := int(d/Day), int(d%Day/time.Hour)
	switch {
	case days == 0:
		return fmt.Sprintf("%dh", hours)
	case hours == 0:
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd %dh", days, hours)
}
