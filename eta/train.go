package eta

import (
	"time"

	"github.com/waypost/waypost/store"
)

// BinWidth is the resolution of remaining-time distributions, and NumBins
// their length: the last bin holds everything from (NumBins-1)*BinWidth on.
const (
	BinWidth = 6 * time.Hour
	NumBins  = 90*4 + 1
)

// Pool levels, most specific first; each is smoothed toward the next.
const (
	BasisLane               = "lane"
	BasisCarrierDestination = "carrier_destination"
	BasisDestination        = "destination"
	BasisAll                = "all"
	BasisPrior              = "prior"
	levels                  = 4
)

var basisNames = [levels]string{BasisLane, BasisCarrierDestination, BasisDestination, BasisAll}

// poolKey returns the lane key of level i for lane l.
func poolKey(l store.Lane, i int) store.Lane {
	a := store.AnyLane
	switch i {
	case 0:
		return l
	case 1:
		return store.Lane{Origin: a, Destination: l.Destination, Carrier: l.Carrier, Service: a}
	case 2:
		return store.Lane{Origin: a, Destination: l.Destination, Carrier: a, Service: a}
	}
	return store.Lane{Origin: a, Destination: a, Carrier: a, Service: a}
}

type statKey struct {
	lane  store.Lane
	stage Stage
}

// Trainer accumulates delivered shipments into lane statistics.
type Trainer struct {
	stats map[statKey]*store.LaneStat
}

// NewTrainer returns an empty trainer.
func NewTrainer() *Trainer { return &Trainer{stats: map[statKey]*store.LaneStat{}} }

// Add counts one delivered shipment at every stage it passed; shipments
// not delivered, or with a milestone after delivery, add nothing for that
// stage. It reports whether the shipment was used.
func (t *Trainer) Add(s store.LaneSample) bool {
	del := s.Milestones.Delivered
	if del.IsZero() {
		return false
	}
	used := false
	for st := Created; st < numStages; st++ {
		a := anchor(st, s.CreatedAt, s.Milestones)
		if a.IsZero() || a.After(del) {
			continue
		}
		bin := min(int(del.Sub(a)/BinWidth), NumBins-1)
		for i := range levels {
			k := statKey{poolKey(s.Lane, i), st}
			ls := t.stats[k]
			if ls == nil {
				ls = &store.LaneStat{Lane: k.lane, Stage: st.String(), BinWidth: BinWidth, Bins: make([]float64, NumBins)}
				t.stats[k] = ls
			}
			ls.Bins[bin]++
			ls.Weekdays[del.UTC().Weekday()]++
			ls.N++
		}
		used = true
	}
	return used
}

// Stats returns the accumulated statistics stamped with at.
func (t *Trainer) Stats(at time.Time) []store.LaneStat {
	out := make([]store.LaneStat, 0, len(t.stats))
	for _, ls := range t.stats {
		c := *ls
		c.RefreshedAt = at
		out = append(out, c)
	}
	return out
}
