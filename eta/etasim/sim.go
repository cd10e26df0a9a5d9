package etasim

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// DefaultStart is the first simulated order time: a Monday.
var DefaultStart = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// Options configure Generate.
type Options struct {
	Shipments int
	Lanes     int
	Seed      uint64
	// Start and Span bound the order times; zero means DefaultStart and a
	// year.
	Start time.Time
	Span  time.Duration
}

// History is a generated set of shipments, ordered by creation time.
type History struct {
	Lanes     []Profile
	Shipments []store.LaneSample
	// Held marks shipments that were held in customs, by index.
	Held []bool
}

const day = 24 * time.Hour

// Generate simulates o.Shipments shipments over o.Lanes lanes. The same
// options always give the same history.
func Generate(o Options) History {
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	if o.Span == 0 {
		o.Span = 365 * day
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	h := History{Lanes: Lanes(r, max(1, o.Lanes))}
	// Lane volumes differ by an order of magnitude or more, so some lanes
	// have little history.
	weights := make([]float64, len(h.Lanes))
	var total float64
	for i := range weights {
		weights[i] = math.Exp(r.NormFloat64())
		total += weights[i]
	}
	for i := range o.Shipments {
		x, li := r.Float64()*total, 0
		for li < len(weights)-1 && x > weights[li] {
			x -= weights[li]
			li++
		}
		created := o.Start.Add(time.Duration(r.Float64() * float64(o.Span)))
		s, held := journey(r, &h.Lanes[li], created)
		s.ShipmentID = int64(i + 1)
		h.Shipments = append(h.Shipments, s)
		h.Held = append(h.Held, held)
	}
	idx := make([]int, len(h.Shipments))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return h.Shipments[idx[a]].CreatedAt.Before(h.Shipments[idx[b]].CreatedAt) })
	ships, held := make([]store.LaneSample, len(idx)), make([]bool, len(idx))
	for i, j := range idx {
		ships[i], held[i] = h.Shipments[j], h.Held[j]
	}
	h.Shipments, h.Held = ships, held
	return h
}

// season is the slowdown at t: the pre-Christmas peak for everyone, the
// Lunar New Year for parcels from China and Hong Kong, a mild summer dip.
func season(t time.Time, origin string) float64 {
	f := 1.0
	yd := t.YearDay()
	if yd >= 324 && yd <= 358 { // about 20 November to 24 December
		f += 0.35
	}
	if (origin == "CN" || origin == "HK") && yd >= 20 && yd <= 46 {
		f += 0.5
	}
	if yd >= 196 && yd <= 227 { // second half of July to mid August
		f += 0.08
	}
	return f
}

// journey simulates one shipment on lane p created at created.
func journey(r *rand.Rand, p *Profile, created time.Time) (store.LaneSample, bool) {
	s := store.LaneSample{Lane: p.Lane, CreatedAt: created,
		PromisedDate: midnight(created).Add(time.Duration(p.PromiseDays) * day)}
	m := &s.Milestones
	sf := func(t time.Time) float64 { return season(t, p.Origin) }
	scale := func(d time.Duration, f float64) time.Duration { return time.Duration(float64(d) * f) }

	m.InfoReceived = created.Add(time.Duration(uni(r, 0.05, 0.3) * float64(day)))
	pickup := m.InfoReceived.Add(p.Handover.draw(r))
	if r.Float64() < 0.04 { // label printed, parcel handed over days later
		pickup = pickup.Add(time.Duration(uni(r, 2, 7) * float64(day)))
	}
	if pickup.Weekday() == time.Sunday {
		pickup = midnight(pickup).Add(day + time.Duration(uni(r, 8, 18)*float64(time.Hour)))
	}
	m.PickedUp = pickup
	ready, held := pickup, false
	if p.Kind == Domestic {
		ready = pickup.Add(scale(p.Linehaul.draw(r), sf(pickup)))
	} else {
		depart := pickup.Add(scale(p.Export.draw(r), sf(pickup)))
		depart = nextDay(depart, p.DepartDays)
		lh := scale(p.Linehaul.draw(r), sf(depart))
		if r.Float64() < p.Backlog {
			lh = scale(lh, uni(r, 1.5, 3))
		}
		arrive := depart.Add(lh)
		m.DepartedOrigin, m.ArrivedDestination = depart, arrive
		ready = arrive
		if r.Float64() < p.CustomsCheck {
			cin := arrive.Add(time.Duration(uni(r, 1, 8) * float64(time.Hour)))
			dwell := p.Dwell.draw(r)
			if r.Float64() < p.CustomsHold {
				dwell, held = p.HoldDwell.draw(r), true
			}
			m.CustomsIn, m.CustomsOut = cin, cin.Add(dwell)
			ready = m.CustomsOut
		} else if r.Float64() < p.CustomsHold/2 {
			// A hold the carrier never scans: only the delay shows.
			ready = ready.Add(p.HoldDwell.draw(r))
		}
	}
	noHold := ready
	if held {
		noHold = m.CustomsIn.Add(time.Duration(p.Dwell.median * float64(day)))
	}
	ofd := deliveryRound(r, ready.Add(scale(p.LastMile.draw(r), sf(ready))), p.Saturday)
	m.OutForDelivery = ofd
	del := ofd.Add(time.Duration(uni(r, 2, 9) * float64(time.Hour)))
	if r.Float64() > p.FirstAttempt {
		if r.Float64() < 0.2 { // left at a pickup point, collected days later
			del = ofd.Add(time.Duration(uni(r, 1, 5) * float64(day)))
			if del.Weekday() == time.Sunday {
				del = del.Add(day)
			}
		} else {
			del = deliveryRound(r, midnight(ofd).Add(day), p.Saturday).Add(time.Duration(uni(r, 1, 8) * float64(time.Hour)))
		}
	}
	if p.CarrierETA {
		// The carrier's date is the run of the journey as it planned it:
		// it does not foresee a customs hold, and it is often a day off.
		planned := deliveryRound(r, noHold.Add(p.LastMile.draw(r)), p.Saturday)
		off := 0
		switch x := r.Float64(); {
		case x < 0.15:
			off = -1
		case x < 0.3:
			off = 1
		case x < 0.35:
			off = 2 + r.IntN(2)
		}
		s.CarrierDate = midnight(planned).Add(time.Duration(off) * day)
	}
	lost := r.Float64() < p.Lost
	if !lost {
		m.Delivered = del
	} else {
		m.OutForDelivery = time.Time{}
	}
	// Carriers skip scans: each in-transit milestone may go unreported.
	for _, t := range []*time.Time{&m.DepartedOrigin, &m.ArrivedDestination, &m.CustomsIn} {
		if r.Float64() < p.Missing {
			*t = time.Time{}
		}
	}
	if m.CustomsIn.IsZero() {
		m.CustomsOut = time.Time{}
	}
	if r.Float64() < p.Missing/2 {
		m.OutForDelivery = time.Time{}
	}
	if r.Float64() < 0.05 {
		m.InfoReceived = time.Time{}
	}
	s.Status, s.Substatus = status.InTransit, status.InTransitInTransit
	if !lost {
		s.Status, s.Substatus = status.Delivered, status.DeliveredDelivered
	}
	s.LastEventAt = latest(*m)
	return s, held
}

// nextDay moves t to the next of days (keeping the time of day); nil days
// leaves it.
func nextDay(t time.Time, days []time.Weekday) time.Time {
	if len(days) == 0 {
		return t
	}
	for range 7 {
		for _, d := range days {
			if t.Weekday() == d {
				return t
			}
		}
		t = t.Add(day)
	}
	return t
}

// deliveryRound returns when the delivery round that takes a parcel ready
// at t goes out: the first delivery day starting at or after t, at 7-10 am.
func deliveryRound(r *rand.Rand, t time.Time, saturday bool) time.Time {
	d := midnight(t)
	if t.Sub(d) > 10*time.Hour {
		d = d.Add(day)
	}
	for d.Weekday() == time.Sunday || (!saturday && d.Weekday() == time.Saturday) {
		d = d.Add(day)
	}
	return d.Add(time.Duration(uni(r, 7, 10) * float64(time.Hour)))
}

func latest(m shipment.Milestones) time.Time {
	var t time.Time
	for _, v := range []time.Time{m.InfoReceived, m.PickedUp, m.DepartedOrigin, m.ArrivedDestination,
		m.CustomsIn, m.CustomsOut, m.OutForDelivery, m.Delivered} {
		if v.After(t) {
			t = v
		}
	}
	return t
}

func midnight(t time.Time) time.Time {
	y, mo, d := t.UTC().Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
}
