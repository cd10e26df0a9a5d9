package tracker

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/tracker/simcarrier"
)

// replayLeg follows one leg of a journey with the policy, as the tracker
// would: check at start, then at every decided time, until the policy stops
// or a hand-off is seen. It returns the check times and the time the
// hand-off was seen (zero if none).
func replayLeg(p Policy, j *sandbox.Journey, leg int, start time.Time, limit time.Time) (checks []time.Time, handoff time.Time) {
	l := j.Legs[leg]
	parcel := shipment.Parcel{Carrier: l.Carrier, TrackingNumber: l.Number, Leg: leg + 1, CreatedAt: start}
	parcel.Progress = shipment.NewProgress()
	rules := HandoffRules{PostOf: simcarrier.PostOf}
	now := start
	for !now.After(limit) {
		checks = append(checks, now)
		var events []shipment.Event
		for _, s := range j.Visible(leg, now) {
			events = append(events, simcarrier.Event(l.Carrier, l.Number, s))
		}
		st := State{Now: now, CreatedAt: start, Substatus: parcel.Substatus, Jitter: 0.5}
		if len(events) > 0 {
			prog := shipment.Derive(events)
			st.Found, st.Substatus, st.StatusAt, st.LastEventAt = true, prog.Substatus, prog.StatusAt, prog.LastEventAt
			st.LateChecked = Terminal(parcel.Substatus) && len(checks) > 1
			parcel.Progress = prog
		}
		if leg+1 < len(j.Legs) {
			if _, ok := DetectHandoff(parcel, j.Destination.Country, events, rules); ok {
				return checks, now
			}
		}
		d := p.Next(st)
		if d.Stop() {
			return checks, time.Time{}
		}
		now = d.At
	}
	return checks, time.Time{}
}

// The adaptive schedule asks carriers far less often than polling every two
// hours and still sees deliveries within hours. Measured by replaying the
// policy over scripted journeys (every scenario), leg by leg:
//
//	go test -run TestPollingEconomy -v ./tracker/
func TestPollingEconomy(t *testing.T) {
	p := DefaultPolicy()
	js := sandbox.Generate(sandbox.Options{Seed: 9, N: 2000, Spread: 10 * 24 * time.Hour})
	var adaptive, baseline float64
	var delays []time.Duration
	delivered := 0
	for _, j := range js {
		final := j.Final()
		if final.Kind.Substatus().Status() != status.Delivered {
			continue
		}
		delivered++
		// The shop creates the shipment when the label is printed.
		start := j.First()
		limit := final.At.Add(60 * 24 * time.Hour)
		for leg := 0; leg < len(j.Legs); leg++ {
			checks, handoff := replayLeg(p, j, leg, start, limit)
			adaptive += float64(len(checks))
			// Polling every 2h over the same span: until the hand-off was
			// seen, or until the poll that sees the delivery.
			end := final.At
			if !handoff.IsZero() {
				end = handoff
			}
			baseline += math.Ceil(end.Sub(start).Hours()/2) + 1
			if leg == final.Leg {
				for _, c := range checks {
					if !c.Before(final.At) {
						delays = append(delays, c.Sub(final.At))
						break
					}
				}
			}
			if handoff.IsZero() {
				break
			}
			start = handoff
		}
	}
	slices.Sort(delays)
	q := func(f float64) time.Duration { return delays[int(f*float64(len(delays)-1))].Round(time.Minute) }
	ratio := adaptive / baseline
	t.Logf("%d delivered journeys: %.1f carrier lookups per parcel with the adaptive schedule, %.1f polling every 2h (%.0f%% fewer); delivery seen after median %s, p90 %s, max %s (2h polling: 1h on average, at most 2h)",
		delivered, adaptive/float64(delivered), baseline/float64(delivered), 100*(1-ratio), q(0.5), q(0.9), q(1))
	if ratio > 0.5 {
		t.Errorf("adaptive schedule makes %.0f%% of the lookups of 2-hourly polling, want at most half", 100*ratio)
	}
	if q(0.5) > 3*time.Hour {
		t.Errorf("median delay before a delivery is seen is %s, want at most 3h", q(0.5))
	}
}
