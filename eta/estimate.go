package eta

import (
	"time"

	"github.com/waypost/waypost/store"
)

const day = 24 * time.Hour

// DefaultConfidence is the range reported as Earliest..Latest.
const DefaultConfidence = 0.8

// tailSpan is how far beyond the last bin its mass is spread.
const tailSpan = 30 * day

// carrierKernel spreads a carrier-declared date over the days around it
// (offset in days → share): carriers' own dates are usually right or a
// day late. carrierWeight is the share of the blend that follows it.
var carrierKernel = [...]struct {
	off   int
	share float64
}{{-1, 0.1}, {0, 0.6}, {1, 0.2}, {2, 0.1}}

const carrierWeight = 0.5

// Estimate computes the delivery estimate of one shipment at now. Dates are
// UTC days. A delivered shipment's estimate is its delivery day.
func (m *Model) Estimate(in store.LaneSample, now time.Time) store.DeliveryEstimate {
	now = now.UTC()
	e := store.DeliveryEstimate{ShipmentID: in.ShipmentID, PromisedDate: in.PromisedDate,
		Confidence: DefaultConfidence, ComputedAt: now}
	if del := in.Milestones.Delivered; !del.IsZero() {
		d := midnight(del)
		e.Stage, e.Basis = "delivered", "delivered"
		e.MostLikely, e.Earliest, e.Latest = d, d, d
		e.Earliest50, e.Latest50, e.Earliest95, e.Latest95 = d, d, d, d
		if !in.PromisedDate.IsZero() && d.After(midnight(in.PromisedDate)) {
			e.MissProbability = 1
		}
		return e
	}
	st, at := Current(in.CreatedAt, in.Progress)
	if at.IsZero() || at.After(now) {
		at = now
	}
	d := m.dist(in.Lane, st)
	e.Stage, e.Basis, e.Samples = st.String(), d.basis, d.n

	today := midnight(now)
	probs := dayProbs(d, at, now, today)
	if probs == nil {
		// Overdue beyond anything seen at this stage: count the stage's
		// time afresh from now.
		probs = dayProbs(d, now, now, today)
	}
	shiftOffDays(probs, today, d.weekdays)
	if !in.CarrierDate.IsZero() {
		if off := int(midnight(in.CarrierDate).Sub(today) / day); off >= 0 {
			probs = blendCarrier(probs, off)
			e.CarrierDate = midnight(in.CarrierDate)
		}
	}

	best := 0
	for i, p := range probs {
		if p > probs[best] {
			best = i
		}
	}
	at0 := func(i int) time.Time { return today.Add(time.Duration(i) * day) }
	e.MostLikely = at0(best)
	rng := func(c float64) (time.Time, time.Time) {
		lo, hi := shortest(probs, c)
		return at0(lo), at0(hi)
	}
	e.Earliest, e.Latest = rng(DefaultConfidence)
	e.Earliest50, e.Latest50 = rng(0.5)
	e.Earliest95, e.Latest95 = rng(0.95)
	if !in.PromisedDate.IsZero() {
		e.MissProbability = missProbability(probs, int(midnight(in.PromisedDate).Sub(today)/day))
	}
	return e
}

// dayProbs spreads the distribution, started at anchor and conditioned on
// delivery after now, over days counted from today. It returns nil when no
// probability is left after now.
func dayProbs(d *dist, anchor, now, today time.Time) []float64 {
	end := anchor.Add(time.Duration(NumBins-1)*BinWidth + tailSpan)
	if !end.After(now) {
		// The stage began so long ago that the whole distribution lies
		// in the past.
		return nil
	}
	n := int(end.Sub(today)/day) + 2
	probs := make([]float64, n)
	var total float64
	for i, p := range d.p {
		if p == 0 {
			continue
		}
		from := anchor.Add(time.Duration(i) * BinWidth)
		to := from.Add(BinWidth)
		if i == NumBins-1 {
			to = from.Add(tailSpan)
		}
		if !to.After(now) {
			continue
		}
		if from.Before(now) {
			p *= float64(to.Sub(now)) / float64(to.Sub(from))
			from = now
		}
		total += p
		span := float64(to.Sub(from))
		for t := from; t.Before(to); {
			k := int(t.Sub(today) / day)
			next := today.Add(time.Duration(k+1) * day)
			if next.After(to) {
				next = to
			}
			probs[k] += p * float64(next.Sub(t)) / span
			t = next
		}
	}
	if total < 1e-9 {
		return nil
	}
	for i := range probs {
		probs[i] /= total
	}
	return probs
}

// shiftOffDays moves the probability of weekdays the lane (almost) never
// delivers on to the next day it does.
func shiftOffDays(probs []float64, today time.Time, weekdays [7]float64) {
	var off [7]bool
	some := false
	for i, w := range weekdays {
		if w < 0.1/7 {
			off[i], some = true, true
		}
	}
	if !some || off == [7]bool{true, true, true, true, true, true, true} {
		return
	}
	wd := int(today.Weekday())
	for i := 0; i < len(probs)-1; i++ {
		if off[(wd+i)%7] {
			probs[i+1] += probs[i]
			probs[i] = 0
		}
	}
}

// blendCarrier mixes probs with the carrier's date off days from today.
func blendCarrier(probs []float64, off int) []float64 {
	if need := off + carrierKernel[len(carrierKernel)-1].off + 1; need > len(probs) {
		probs = append(probs, make([]float64, need-len(probs))...)
	}
	for i := range probs {
		probs[i] *= 1 - carrierWeight
	}
	for _, k := range carrierKernel {
		probs[max(0, off+k.off)] += carrierWeight * k.share
	}
	return probs
}

// shortest returns the shortest run of days holding probability c; of
// equally short runs, the one holding the most. Day ranges are discrete,
// so the run holds c or somewhat more.
func shortest(probs []float64, c float64) (int, int) {
	bestLo, bestHi, bestMass := 0, len(probs)-1, 0.0
	hi, mass := 0, 0.0
	for lo := range probs {
		for hi < len(probs) && mass < c-1e-9 {
			mass += probs[hi]
			hi++
		}
		if mass < c-1e-9 {
			break
		}
		w, bw := hi-1-lo, bestHi-bestLo
		if w < bw || (w == bw && mass > bestMass) {
			bestLo, bestHi, bestMass = lo, hi-1, mass
		}
		mass -= probs[lo]
	}
	return bestLo, bestHi
}

// missProbability is the probability of delivery after day promised
// (counted from today; negative when the promise is already past).
func missProbability(probs []float64, promised int) float64 {
	var c float64
	for i := max(0, promised+1); i < len(probs); i++ {
		c += probs[i]
	}
	return min(1, max(0, c))
}

func midnight(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
