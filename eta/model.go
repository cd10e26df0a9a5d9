package eta

import (
	"math"
	"sync"

	"github.com/waypost/waypost/store"
)

// Smoothing weights, in deliveries: a pool's counts are blended with its
// parent's shape as if the parent had contributed this many deliveries.
const (
	poolWeight  = 20
	priorWeight = 3
)

// priorMedianDays is the built-in median of the days left at each stage,
// used only until a tenant has deliveries: typical cross-border e-commerce
// figures (one to two weeks door to door, a few days from arrival in the
// destination country, same day once out for delivery).
var priorMedianDays = [numStages]float64{10, 9.5, 9, 7, 3.5, 3, 2, 0.3}

const priorSigma = 0.8 // lognormal spread of the prior

// Model holds a tenant's lane statistics and answers estimates from them.
// It is safe for concurrent use.
type Model struct {
	stats map[statKey]*store.LaneStat

	mu    sync.Mutex
	cache map[statKey]*dist
}

// dist is a smoothed remaining-time distribution.
type dist struct {
	p        []float64 // probability per bin, summing to 1
	weekdays [7]float64
	basis    string
	n        int
}

// NewModel builds a model from statistics; rows of another resolution
// (written by a different version) are ignored.
func NewModel(stats []store.LaneStat) *Model {
	m := &Model{stats: map[statKey]*store.LaneStat{}, cache: map[statKey]*dist{}}
	for i := range stats {
		ls := &stats[i]
		st, ok := ParseStage(ls.Stage)
		if !ok || ls.BinWidth != BinWidth || len(ls.Bins) != NumBins {
			continue
		}
		m.stats[statKey{ls.Lane, st}] = ls
	}
	return m
}

// Lanes returns the number of statistics rows in use.
func (m *Model) Lanes() int { return len(m.stats) }

// dist returns the smoothed distribution of lane at stage.
func (m *Model) dist(l store.Lane, st Stage) *dist {
	k := statKey{l, st}
	m.mu.Lock()
	defer m.mu.Unlock()
	if d := m.cache[k]; d != nil {
		return d
	}
	d := prior(st)
	for i := levels - 1; i >= 0; i-- {
		ls := m.stats[statKey{poolKey(l, i), st}]
		if ls == nil || ls.N == 0 {
			continue
		}
		w := float64(poolWeight)
		if i == levels-1 {
			w = priorWeight
		}
		d = smooth(ls, d, w, basisNames[i])
	}
	m.cache[k] = d
	return d
}

// smooth blends a pool's counts with its parent's shape of weight w.
func smooth(ls *store.LaneStat, parent *dist, w float64, basis string) *dist {
	n := float64(ls.N)
	d := &dist{p: make([]float64, NumBins), basis: basis, n: ls.N}
	for i := range d.p {
		d.p[i] = (ls.Bins[i] + w*parent.p[i]) / (n + w)
	}
	var wn float64
	for _, c := range ls.Weekdays {
		wn += c
	}
	for i := range d.weekdays {
		d.weekdays[i] = (ls.Weekdays[i] + w*parent.weekdays[i]) / (wn + w)
	}
	return d
}

// prior returns the built-in distribution of stage st: lognormal in days.
func prior(st Stage) *dist {
	d := &dist{p: make([]float64, NumBins), basis: BasisPrior}
	mu := math.Log(priorMedianDays[st])
	cdf := func(days float64) float64 {
		if days <= 0 {
			return 0
		}
		return 0.5 * (1 + math.Erf((math.Log(days)-mu)/(priorSigma*math.Sqrt2)))
	}
	binDays := BinWidth.Hours() / 24
	for i := range NumBins - 1 {
		d.p[i] = cdf(float64(i+1)*binDays) - cdf(float64(i)*binDays)
	}
	d.p[NumBins-1] = 1 - cdf(float64(NumBins-1)*binDays)
	for i := range d.weekdays {
		d.weekdays[i] = 1.0 / 7
	}
	return d
}
