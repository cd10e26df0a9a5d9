package eta

import (
	"math"
	"testing"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

var lane = store.Lane{Origin: "CN", Destination: "DE", Carrier: "china-post", Service: "tracked"}

// departedAt is a shipment that left the origin country at t.
func departedAt(l store.Lane, t time.Time) store.LaneSample {
	return store.LaneSample{Lane: l, CreatedAt: t.Add(-48 * time.Hour), Progress: shipment.Progress{
		Status: status.InTransit, Substatus: status.InTransitDepartedOriginCountry,
		Milestones: shipment.Milestones{PickedUp: t.Add(-24 * time.Hour), DepartedOrigin: t}}}
}

// train returns a model of shipments of lane l departing at t0 plus i
// days and delivered after the given durations, in turn.
func trainOn(l store.Lane, t0 time.Time, n int, after ...time.Duration) *Trainer {
	tr := NewTrainer()
	for i := range n {
		s := departedAt(l, t0.Add(time.Duration(i)*day))
		s.Milestones.Delivered = s.Milestones.DepartedOrigin.Add(after[i%len(after)])
		tr.Add(s)
	}
	return tr
}

// A Wednesday noon, so that three days later is a Saturday.
var wed = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

func TestEstimateFollowsLaneHistory(t *testing.T) {
	m := NewModel(trainOn(lane, wed.Add(-200*day), 150, 3*day, 3*day+3*time.Hour, 3*day-2*time.Hour).Stats(wed))
	e := m.Estimate(departedAt(lane, wed), wed.Add(time.Minute))
	want := midnight(wed.Add(3 * day))
	if !e.MostLikely.Equal(want) {
		t.Errorf("most likely %v, want %v", e.MostLikely, want)
	}
	if e.Stage != "departed_origin" || e.Basis != BasisLane || e.Samples != 150 {
		t.Errorf("stage %s basis %s samples %d", e.Stage, e.Basis, e.Samples)
	}
	if e.Earliest.After(want) || e.Latest.Before(want) || e.Latest.Sub(e.Earliest) > 2*day {
		t.Errorf("80%% range %v..%v around %v is not tight", e.Earliest, e.Latest, want)
	}
	if e.Earliest95.After(e.Earliest) || e.Latest95.Before(e.Latest) || e.Earliest.After(e.Earliest50) || e.Latest.Before(e.Latest50) {
		t.Errorf("ranges not nested: 50 %v..%v 80 %v..%v 95 %v..%v", e.Earliest50, e.Latest50, e.Earliest, e.Latest, e.Earliest95, e.Latest95)
	}
}

func TestSmallLaneLeansOnPool(t *testing.T) {
	// The destination has 400 deliveries 3 days after departure; the new
	// lane has two that took 12 days.
	other := store.Lane{Origin: "US", Destination: "DE", Carrier: "usps", Service: "priority"}
	tr := trainOn(other, wed.Add(-300*day), 400, 3*day)
	for i := range 2 {
		s := departedAt(lane, wed.Add(-time.Duration(40+i)*day))
		s.Milestones.Delivered = s.Milestones.DepartedOrigin.Add(12 * day)
		tr.Add(s)
	}
	e := NewModel(tr.Stats(wed)).Estimate(departedAt(lane, wed), wed)
	if got := e.MostLikely.Sub(midnight(wed)); got != 3*day {
		t.Errorf("most likely %v after departure, want the pool's 3 days", got)
	}
	if e.Basis != BasisLane || e.Samples != 2 {
		t.Errorf("basis %s samples %d, want lane with 2", e.Basis, e.Samples)
	}
	// The lane's own two deliveries still widen the range toward 12 days.
	if e.Latest95.Sub(midnight(wed)) < 10*day {
		t.Errorf("95%% range ends %v: the lane's history is ignored", e.Latest95)
	}
	// With many deliveries, the lane's own figure wins.
	for i := range 200 {
		s := departedAt(lane, wed.Add(-time.Duration(100+i)*time.Hour))
		s.Milestones.Delivered = s.Milestones.DepartedOrigin.Add(12 * day)
		tr.Add(s)
	}
	e = NewModel(tr.Stats(wed)).Estimate(departedAt(lane, wed), wed)
	if got := e.MostLikely.Sub(midnight(wed)); got != 12*day {
		t.Errorf("most likely %v after departure, want the lane's 12 days", got)
	}
}

func TestUnknownLaneUsesPrior(t *testing.T) {
	e := NewModel(nil).Estimate(departedAt(lane, wed), wed)
	if e.Basis != BasisPrior || e.Samples != 0 {
		t.Errorf("basis %s samples %d", e.Basis, e.Samples)
	}
	d := e.MostLikely.Sub(midnight(wed))
	if d < 3*day || d > 9*day {
		t.Errorf("prior most likely %v after departure", d)
	}
}

func TestElapsedTimeConditions(t *testing.T) {
	// Half arrive after 2 days, half after 9: once 4 days have passed,
	// only the slow half remains.
	m := NewModel(trainOn(lane, wed.Add(-200*day), 200, 2*day, 9*day).Stats(wed))
	now := wed.Add(4 * day)
	e := m.Estimate(departedAt(lane, wed), now)
	if want := midnight(wed.Add(9 * day)); !e.MostLikely.Equal(want) {
		t.Errorf("most likely %v, want %v", e.MostLikely, want)
	}
	if e.Earliest.Before(midnight(now)) {
		t.Errorf("range starts %v, before now %v", e.Earliest, now)
	}
	// Overdue beyond every delivery seen: still an estimate in the future.
	late := wed.Add(30 * day)
	e = m.Estimate(departedAt(lane, wed), late)
	if e.MostLikely.Before(midnight(late)) || e.Latest.Before(e.MostLikely) {
		t.Errorf("overdue estimate %v..%v (most likely %v) at %v", e.Earliest, e.Latest, e.MostLikely, late)
	}
}

func TestNoDeliveryOnSunday(t *testing.T) {
	// Deliveries 4 days after a Wednesday departure fall on Sunday in the
	// raw figures; the lane never delivers on Sunday, so they move on.
	tr := NewTrainer()
	for i := range 300 {
		dep := wed.Add(-time.Duration(7*(i+1)) * day) // always a Wednesday
		s := departedAt(lane, dep)
		d := dep.Add(4 * day) // Sunday
		if i%2 == 0 {
			d = d.Add(day) // Monday
		} else {
			d = d.Add(-day) // Saturday
		}
		s.Milestones.Delivered = d
		tr.Add(s)
	}
	e := NewModel(tr.Stats(wed)).Estimate(departedAt(lane, wed), wed)
	for _, d := range []time.Time{e.MostLikely, e.Earliest, e.Latest, e.Earliest50, e.Latest50} {
		if d.Weekday() == time.Sunday {
			t.Errorf("estimate %+v names a Sunday", e)
			break
		}
	}
}

func TestCarrierDateAndPromise(t *testing.T) {
	m := NewModel(trainOn(lane, wed.Add(-200*day), 200, 3*day, 5*day, 7*day, 9*day).Stats(wed))
	in := departedAt(lane, wed)
	carrier := midnight(wed.Add(8 * day))
	in.CarrierDate = carrier
	e := m.Estimate(in, wed)
	if !e.MostLikely.Equal(carrier) || !e.CarrierDate.Equal(carrier) {
		t.Errorf("most likely %v with carrier date %v", e.MostLikely, carrier)
	}
	// A carrier date already past is ignored.
	in.CarrierDate = midnight(wed.Add(-2 * day))
	if e := m.Estimate(in, wed); !e.CarrierDate.IsZero() {
		t.Errorf("past carrier date used: %v", e.CarrierDate)
	}
	in.CarrierDate = time.Time{}
	cases := []struct {
		promise  time.Duration
		min, max float64
	}{{1 * day, 0.99, 1}, {30 * day, 0, 0.01}, {6 * day, 0.4, 0.6}}
	for _, c := range cases {
		in.PromisedDate = midnight(wed.Add(c.promise))
		p := m.Estimate(in, wed).MissProbability
		if p < c.min || p > c.max || math.IsNaN(p) {
			t.Errorf("promise in %v: miss probability %.3f, want %.2f..%.2f", c.promise, p, c.min, c.max)
		}
	}
}

func TestStatsIgnoreForeignResolution(t *testing.T) {
	stats := trainOn(lane, wed.Add(-200*day), 100, 3*day).Stats(wed)
	for i := range stats {
		stats[i].BinWidth = time.Hour
	}
	if m := NewModel(stats); m.Lanes() != 0 {
		t.Errorf("%d rows of another resolution used", m.Lanes())
	}
}

func TestCurrentStage(t *testing.T) {
	t0 := wed
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	cases := []struct {
		name string
		p    shipment.Progress
		want Stage
		at   time.Time
	}{
		{"nothing yet", shipment.Progress{}, Created, t0},
		{"label", shipment.Progress{Milestones: shipment.Milestones{InfoReceived: h(1)}}, InfoReceived, h(1)},
		{"arrived", shipment.Progress{Milestones: shipment.Milestones{InfoReceived: h(1), DepartedOrigin: h(2), ArrivedDestination: h(3)}}, ArrivedDestination, h(3)},
		{"in customs", shipment.Progress{Milestones: shipment.Milestones{ArrivedDestination: h(3), CustomsIn: h(4)}}, InCustoms, h(4)},
		{"cleared", shipment.Progress{Milestones: shipment.Milestones{ArrivedDestination: h(3), CustomsIn: h(4), CustomsOut: h(5)}}, CustomsCleared, h(5)},
		{"held after release scan", shipment.Progress{Substatus: status.ExceptionCustomsHeld,
			Milestones: shipment.Milestones{CustomsIn: h(4), CustomsOut: h(5)}}, InCustoms, h(4)},
		{"out for delivery", shipment.Progress{Milestones: shipment.Milestones{CustomsOut: h(5), OutForDelivery: h(6)}}, OutForDelivery, h(6)},
	}
	for _, c := range cases {
		st, at := Current(t0, c.p)
		if st != c.want || !at.Equal(c.at) {
			t.Errorf("%s: %s at %v, want %s at %v", c.name, st, at, c.want, c.at)
		}
	}
}

func TestReason(t *testing.T) {
	h := func(n int) time.Time { return wed.Add(time.Duration(n) * time.Hour) }
	base := shipment.Progress{Status: status.InTransit, Substatus: status.InTransitDepartedOriginCountry,
		Milestones: shipment.Milestones{InfoReceived: h(1), PickedUp: h(2), DepartedOrigin: h(3)}}
	arrived := base
	arrived.Milestones.ArrivedDestination = h(4)
	held := arrived
	held.Status, held.Substatus = status.Exception, status.ExceptionCustomsHeld
	held.Milestones.CustomsIn = h(5)
	lost := base
	lost.Status, lost.Substatus = status.Exception, status.ExceptionLost
	cases := []struct {
		prev, next shipment.Progress
		want       string
	}{
		{base, arrived, "arrived in destination country"},
		{arrived, held, "customs held"},
		{base, lost, "exception: lost"},
		{base, base, "new tracking events"},
	}
	for _, c := range cases {
		if got := Reason(c.prev, c.next); got != c.want {
			t.Errorf("Reason = %q, want %q", got, c.want)
		}
	}
}

// A parcel stuck at one stage for longer than the whole distribution
// spans (a year here) still gets an estimate counted afresh from now.
func TestEstimateLongStuck(t *testing.T) {
	m := NewModel(trainOn(lane, wed.Add(-200*day), 200, 2*day, 9*day).Stats(wed))
	now := wed.Add(365 * day)
	e := m.Estimate(departedAt(lane, wed), now)
	if e.MostLikely.Before(midnight(now)) || e.Latest.Before(e.MostLikely) {
		t.Errorf("estimate %v..%v (most likely %v) at %v", e.Earliest, e.Latest, e.MostLikely, now)
	}
}
