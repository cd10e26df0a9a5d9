package shipment

import (
	"cmp"
	"slices"
	"time"

	"github.com/waypost/waypost/status"
)

// The derivation rules, in short:
//
//   - Only status-bearing events count; events with an empty status (a
//     signature image recorded, a notice) never move the status.
//   - Events are folded in chronological order, whatever order they arrived
//     in, so the result is a function of the set of events alone.
//   - A journey has phases that only move forward: normal, delivered,
//     returning, returned. An event of an earlier phase than the current one
//     is a late scan and does not move the status: an "out for delivery" scan
//     dated after "delivered" leaves the shipment delivered, while a later
//     exception.returning or exception.returned does move it. A "delivered"
//     scan after "returning" is the return reaching the sender, so it leaves
//     the shipment returning.
//   - Milestones record the first time each stage was seen, whether or not
//     the event moved the status.

// phase orders the stages a journey can only move forward through.
func phase(s status.Substatus) int {
	switch {
	case s == status.ExceptionReturned:
		return 3
	case s == status.ExceptionReturning:
		return 2
	case s.Status() == status.Delivered:
		return 1
	}
	return 0
}

// rank breaks ties between events with the same instant: the event further
// along the usual journey is taken to be the later one.
func rank(s status.Status) int {
	switch s {
	case status.Pending:
		return 0
	case status.InfoReceived:
		return 1
	case status.InTransit:
		return 2
	case status.Exception:
		return 3
	case status.OutForDelivery:
		return 4
	case status.AttemptFail:
		return 5
	case status.AvailableForPickup:
		return 6
	case status.Delivered:
		return 7
	case status.Expired:
		return 8
	}
	return -1
}

// compareEvents is the chronological order used by the fold: time, then
// phase, then journey rank, then hash so the order is total.
func compareEvents(a, b *Event) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	if c := cmp.Compare(phase(a.Substatus), phase(b.Substatus)); c != 0 {
		return c
	}
	if c := cmp.Compare(rank(a.Status), rank(b.Status)); c != 0 {
		return c
	}
	return cmp.Compare(a.Hash, b.Hash)
}

// SortEvents sorts events into timeline order (the order Derive folds them).
func SortEvents(events []Event) {
	slices.SortStableFunc(events, func(a, b Event) int { return compareEvents(&a, &b) })
}

// NewProgress is the progress of a shipment or parcel without events.
func NewProgress() Progress {
	return Progress{Status: status.Pending, Substatus: status.PendingPending}
}

// Derive folds events into a progress, from scratch. The events may be in
// any order and may belong to several parcels of one shipment; events
// without status are ignored. Event substatuses are expected to be valid
// (see Normalize).
func Derive(events []Event) Progress {
	p := NewProgress()
	bearing := make([]*Event, 0, len(events))
	for i := range events {
		if events[i].HasStatus() {
			bearing = append(bearing, &events[i])
		}
	}
	slices.SortFunc(bearing, compareEvents)
	for _, e := range bearing {
		p.apply(e)
	}
	return p
}

// CanExtend reports whether Extend(p, events) gives the same result as a
// fresh Derive over all events: true when every status-bearing event in
// events is strictly later than the latest one p has seen. Otherwise the
// caller must fold all events again with Derive.
func CanExtend(p Progress, events []Event) bool {
	for i := range events {
		if events[i].HasStatus() && !events[i].Time.After(p.LastEventAt) {
			return false
		}
	}
	return true
}

// Extend folds new events onto an existing progress. It is only correct
// when CanExtend(p, events) holds.
func Extend(p Progress, events []Event) Progress {
	bearing := make([]*Event, 0, len(events))
	for i := range events {
		if events[i].HasStatus() {
			bearing = append(bearing, &events[i])
		}
	}
	slices.SortFunc(bearing, compareEvents)
	for _, e := range bearing {
		p.apply(e)
	}
	return p
}

// apply moves p by one status-bearing event, in chronological order.
func (p *Progress) apply(e *Event) {
	if e.Time.After(p.LastEventAt) {
		p.LastEventAt = e.Time
	}
	p.Milestones.record(e)
	sub := e.Substatus
	if sub == "" {
		sub = status.Generic(e.Status)
	}
	if p.StatusAt.IsZero() || phase(sub) >= phase(p.Substatus) {
		p.Status, p.Substatus, p.StatusAt = e.Status, sub, e.Time
	}
}

// record sets each milestone the event reaches, keeping the earliest time.
func (m *Milestones) record(e *Event) {
	set := func(t *time.Time) {
		if t.IsZero() || e.Time.Before(*t) {
			*t = e.Time
		}
	}
	switch e.Status {
	case status.InfoReceived:
		set(&m.InfoReceived)
	case status.InTransit, status.OutForDelivery, status.AttemptFail,
		status.AvailableForPickup, status.Delivered:
		// Any physical scan means the carrier has the parcel.
		set(&m.PickedUp)
	}
	switch e.Status {
	case status.OutForDelivery:
		set(&m.OutForDelivery)
	case status.Delivered:
		set(&m.Delivered)
	}
	switch e.Substatus {
	case status.InTransitDepartedOriginCountry:
		set(&m.DepartedOrigin)
	case status.InTransitArrivedDestinationCountry:
		set(&m.ArrivedDestination)
	case status.InTransitCustomsProcessing, status.ExceptionCustomsHeld,
		status.ExceptionDutiesDue, status.ExceptionDocumentsRequired:
		set(&m.CustomsIn)
	case status.InTransitCustomsCleared:
		set(&m.CustomsOut)
	case status.ExceptionReturned:
		set(&m.Returned)
	}
}

// Merge returns the progress of the events behind p together with events,
// the same as Derive over all of them, without needing the events behind
// p. Folding in time order only ever moves the latest event time forward,
// keeps the earliest time of each milestone, and ends on the latest event
// of the furthest phase; so the stored progress and the fold of the new
// events alone are enough, whatever order the events came in. ok is false
// when they are not: when the latest event of the furthest phase among
// events has the very instant of p's status event (their order then
// depends on what p does not keep), or when an event has a status but no
// substatus. The caller must then Derive from all events.
func Merge(p Progress, events []Event) (Progress, bool) {
	if CanExtend(p, events) {
		return Extend(p, events), true
	}
	bearing := false
	for i := range events {
		if events[i].HasStatus() {
			if events[i].Substatus == "" {
				return p, false
			}
			bearing = true
		}
	}
	if !bearing {
		return p, true
	}
	n := Derive(events)
	out := p
	if n.LastEventAt.After(out.LastEventAt) {
		out.LastEventAt = n.LastEventAt
	}
	out.Milestones = p.Milestones.merge(n.Milestones)
	pp, pn := phase(p.Substatus), phase(n.Substatus)
	switch {
	case p.StatusAt.IsZero() || pn > pp:
		out.Status, out.Substatus, out.StatusAt = n.Status, n.Substatus, n.StatusAt
	case pn < pp:
	case n.StatusAt.Equal(p.StatusAt):
		return p, false
	case n.StatusAt.After(p.StatusAt):
		out.Status, out.Substatus, out.StatusAt = n.Status, n.Substatus, n.StatusAt
	}
	return out, true
}

// merge returns the earliest of m's and o's time for each milestone.
func (m Milestones) merge(o Milestones) Milestones {
	early := func(a, b time.Time) time.Time {
		if a.IsZero() || (!b.IsZero() && b.Before(a)) {
			return b
		}
		return a
	}
	return Milestones{
		InfoReceived:       early(m.InfoReceived, o.InfoReceived),
		PickedUp:           early(m.PickedUp, o.PickedUp),
		DepartedOrigin:     early(m.DepartedOrigin, o.DepartedOrigin),
		ArrivedDestination: early(m.ArrivedDestination, o.ArrivedDestination),
		CustomsIn:          early(m.CustomsIn, o.CustomsIn),
		CustomsOut:         early(m.CustomsOut, o.CustomsOut),
		OutForDelivery:     early(m.OutForDelivery, o.OutForDelivery),
		Delivered:          early(m.Delivered, o.Delivered),
		Returned:           early(m.Returned, o.Returned),
	}
}
