package eta

import (
	"math"
	"sort"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// EvalOptions configure Evaluate.
type EvalOptions struct {
	// HoldOut is the share of shipments, the most recently created, whose
	// estimates are scored (0 means 0.3).
	HoldOut float64
	// Refresh is how often the statistics are recomputed and Window how
	// far back they look, as the server's refresh loop does (0: a week
	// and 180 days).
	Refresh, Window time.Duration
	// Progress, if set, is called as estimates are scored.
	Progress func(done, total int)
}

// EvalStages are the stages at which held-back shipments are estimated.
var EvalStages = []Stage{InfoReceived, DepartedOrigin, ArrivedDestination, OutForDelivery}

// Report is the accuracy of estimates on held-back shipments.
type Report struct {
	Shipments int `json:"shipments"` // in the history
	HeldBack  int `json:"held_back"` // delivered held-back shipments scored
	Accuracy
	ByStage map[string]Accuracy `json:"by_stage"`
}

// Accuracy summarises a set of scored estimates.
type Accuracy struct {
	Estimates int `json:"estimates"`
	// Coverage is the observed share of deliveries inside each nominal
	// range, keyed "50", "80", "95".
	Coverage map[string]float64 `json:"coverage"`
	// MedianAbsError and MeanAbsError are in days, of the most likely day.
	MedianAbsError float64 `json:"median_abs_error_days"`
	MeanAbsError   float64 `json:"mean_abs_error_days"`
	// ExactDay is the share delivered on the most likely day.
	ExactDay float64 `json:"exact_day"`
	// MissPredicted is the mean predicted probability of missing the
	// promised date, MissObserved the share that did; Brier scores them.
	MissPredicted float64 `json:"miss_predicted"`
	MissObserved  float64 `json:"miss_observed"`
	Brier         float64 `json:"miss_brier"`
}

type scored struct {
	stage                Stage
	in50, in80, in95     bool
	absErr               float64
	missP                float64
	missed, exact, hasPr bool
}

type point struct {
	at time.Time
	i  int // index into samples
	st Stage
}

// Evaluate replays history: the newest HoldOut share of shipments is
// estimated at each stage of EvalStages they reached, with statistics
// refreshed every Refresh from the deliveries completed before the refresh,
// and each estimate is scored against the actual delivery day.
func Evaluate(samples []store.LaneSample, o EvalOptions) Report {
	if o.HoldOut <= 0 {
		o.HoldOut = 0.3
	}
	if o.Refresh <= 0 {
		o.Refresh = 7 * day
	}
	if o.Window <= 0 {
		o.Window = 180 * day
	}
	samples = append([]store.LaneSample(nil), samples...)
	sort.SliceStable(samples, func(a, b int) bool { return samples[a].CreatedAt.Before(samples[b].CreatedAt) })
	split := int(float64(len(samples)) * (1 - o.HoldOut))
	var pts []point
	held := 0
	for i := split; i < len(samples); i++ {
		s := &samples[i]
		if s.Milestones.Delivered.IsZero() {
			continue
		}
		held++
		for _, st := range EvalStages {
			a := anchor(st, s.CreatedAt, s.Milestones)
			if a.IsZero() || !a.Before(s.Milestones.Delivered) {
				continue
			}
			pts = append(pts, point{a.Add(time.Minute), i, st})
		}
	}
	sort.Slice(pts, func(a, b int) bool { return pts[a].at.Before(pts[b].at) })

	byDelivery := make([]int, 0, len(samples))
	for i := range samples {
		if !samples[i].Milestones.Delivered.IsZero() {
			byDelivery = append(byDelivery, i)
		}
	}
	sort.Slice(byDelivery, func(a, b int) bool {
		return samples[byDelivery[a]].Milestones.Delivered.Before(samples[byDelivery[b]].Milestones.Delivered)
	})

	var (
		model   *Model
		built   time.Time
		results = make([]scored, 0, len(pts))
	)
	origin := time.Time{}
	if len(samples) > 0 {
		origin = midnight(samples[0].CreatedAt)
	}
	for n, p := range pts {
		r := origin.Add(p.at.Sub(origin) / o.Refresh * o.Refresh)
		if model == nil || !r.Equal(built) {
			model, built = train(samples, byDelivery, r.Add(-o.Window), r), r
		}
		s := samples[p.i]
		e := model.Estimate(AsOf(s, p.at), p.at)
		results = append(results, score(p.st, e, s))
		if o.Progress != nil && (n%512 == 0 || n == len(pts)-1) {
			o.Progress(n+1, len(pts))
		}
	}
	rep := Report{Shipments: len(samples), HeldBack: held, Accuracy: summarise(results), ByStage: map[string]Accuracy{}}
	for _, st := range EvalStages {
		var sub []scored
		for _, r := range results {
			if r.stage == st {
				sub = append(sub, r)
			}
		}
		rep.ByStage[st.String()] = summarise(sub)
	}
	return rep
}

// train builds a model from deliveries in [from, to).
func train(samples []store.LaneSample, byDelivery []int, from, to time.Time) *Model {
	t := NewTrainer()
	lo := sort.Search(len(byDelivery), func(k int) bool { return !samples[byDelivery[k]].Milestones.Delivered.Before(from) })
	for _, i := range byDelivery[lo:] {
		if !samples[i].Milestones.Delivered.Before(to) {
			break
		}
		t.Add(samples[i])
	}
	return NewModel(t.Stats(to))
}

// AsOf returns what was known of s at now: milestones after now are
// removed, and the carrier's estimate only counts once it has the parcel.
func AsOf(s store.LaneSample, now time.Time) store.LaneSample {
	m := &s.Milestones
	for _, t := range []*time.Time{&m.InfoReceived, &m.PickedUp, &m.DepartedOrigin, &m.ArrivedDestination,
		&m.CustomsIn, &m.CustomsOut, &m.OutForDelivery, &m.Delivered, &m.Returned} {
		if t.After(now) {
			*t = time.Time{}
		}
	}
	if m.PickedUp.IsZero() {
		s.CarrierDate = time.Time{}
	}
	s.Status, s.Substatus = status.InTransit, status.InTransitInTransit
	if !m.CustomsIn.IsZero() && m.CustomsOut.IsZero() {
		s.Substatus = status.InTransitCustomsProcessing
	}
	s.Progress = shipment.Progress{Status: s.Status, Substatus: s.Substatus, Milestones: *m}
	return s
}

func score(st Stage, e store.DeliveryEstimate, s store.LaneSample) scored {
	d := midnight(s.Milestones.Delivered)
	in := func(a, b time.Time) bool { return !d.Before(a) && !d.After(b) }
	r := scored{stage: st, in50: in(e.Earliest50, e.Latest50), in80: in(e.Earliest, e.Latest),
		in95: in(e.Earliest95, e.Latest95)}
	r.absErr = math.Abs(d.Sub(e.MostLikely).Hours() / 24)
	r.exact = d.Equal(e.MostLikely)
	if !s.PromisedDate.IsZero() {
		r.hasPr, r.missP, r.missed = true, e.MissProbability, d.After(midnight(s.PromisedDate))
	}
	return r
}

func summarise(rs []scored) Accuracy {
	a := Accuracy{Estimates: len(rs), Coverage: map[string]float64{}}
	if len(rs) == 0 {
		return a
	}
	var c50, c80, c95, exact, prN, missN int
	var sumErr, sumP, brier float64
	errs := make([]float64, len(rs))
	for i, r := range rs {
		c50, c80, c95 = c50+b2i(r.in50), c80+b2i(r.in80), c95+b2i(r.in95)
		exact += b2i(r.exact)
		errs[i], sumErr = r.absErr, sumErr+r.absErr
		if r.hasPr {
			prN++
			missN += b2i(r.missed)
			sumP += r.missP
			o := float64(b2i(r.missed))
			brier += (r.missP - o) * (r.missP - o)
		}
	}
	n := float64(len(rs))
	a.Coverage["50"], a.Coverage["80"], a.Coverage["95"] = float64(c50)/n, float64(c80)/n, float64(c95)/n
	sort.Float64s(errs)
	a.MedianAbsError = errs[len(errs)/2]
	if len(errs)%2 == 0 {
		a.MedianAbsError = (errs[len(errs)/2-1] + errs[len(errs)/2]) / 2
	}
	a.MeanAbsError = sumErr / n
	a.ExactDay = float64(exact) / n
	if prN > 0 {
		a.MissPredicted, a.MissObserved, a.Brier = sumP/float64(prN), float64(missN)/float64(prN), brier/float64(prN)
	}
	return a
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
