package sandbox

import (
	"sort"
	"strings"
	"time"
)

// Scenario is how a journey ends (or stalls).
type Scenario string

// The scenarios the generator mixes.
const (
	ScenarioDelivered    Scenario = "delivered"     // straight through
	ScenarioSigned       Scenario = "signed"        // delivered against signature
	ScenarioNeighbour    Scenario = "neighbour"     // left with a neighbour
	ScenarioLocker       Scenario = "locker"        // delivered to a parcel locker
	ScenarioPickup       Scenario = "pickup"        // nobody in, collected at the post office
	ScenarioCustomsHeld  Scenario = "customs_held"  // held, duties due, paid and released
	ScenarioAddressIssue Scenario = "address_issue" // address problem, corrected, delivered
	ScenarioReturned     Scenario = "returned"      // never collected, sent back
	ScenarioLost         Scenario = "lost"          // tracking goes dark
	ScenarioDamaged      Scenario = "damaged"       // damaged, delivered anyway
	ScenarioDelayed      Scenario = "delayed"       // a delay notice on the way
)

// DefaultMix weighs the scenarios roughly like a cross-border seller's
// parcels: most arrive, a few percent need attention.
var DefaultMix = map[Scenario]float64{
	ScenarioDelivered: 40, ScenarioSigned: 8, ScenarioNeighbour: 5, ScenarioLocker: 5,
	ScenarioPickup: 9, ScenarioCustomsHeld: 7, ScenarioAddressIssue: 4, ScenarioReturned: 4,
	ScenarioLost: 4, ScenarioDamaged: 3, ScenarioDelayed: 6,
}

// Route is how a parcel crosses the border.
type Route string

// The routes.
const (
	// RouteExpress: one express carrier (UPS, FedEx, DHL Express) door to door.
	RouteExpress Route = "express"
	// RoutePostS10: China Post to the destination post under the same UPU
	// S10 number.
	RoutePostS10 Route = "post_s10"
	// RouteConsolidator: a consolidator (Cainiao, YunExpress) hands the
	// parcel to a destination carrier that gives it a new number.
	RouteConsolidator Route = "consolidator"
)

// Journey is one scripted parcel: its legs (carrier and number) and every
// step it will go through, oldest first, at fixed simulated instants.
type Journey struct {
	ID          string
	Scenario    Scenario
	Route       Route
	Origin      Place // where it was accepted
	Destination Place // the delivery town
	Legs        []Leg
	Steps       []Step
}

// Leg is the parcel as one carrier knows it.
type Leg struct {
	Carrier string // carrier slug, e.g. "usps", "china-post"
	Number  string
	// Service is the carrier's product name, for dialects that show one.
	Service string
}

// Step is one event of the journey.
type Step struct {
	Kind  Kind
	At    time.Time // UTC instant
	Place Place
	Leg   int // index in Journey.Legs of the carrier that scans it
	// Detail completes the text where the kind needs it: the signer's name,
	// the next carrier and number of a hand-over.
	Detail string
}

// Local is the step's wall clock at its place.
func (s Step) Local() time.Time { return s.Place.Local(s.At) }

// Visible returns the steps leg has scanned by now, oldest first.
func (j *Journey) Visible(leg int, now time.Time) []Step {
	var out []Step
	for _, s := range j.Steps {
		if s.Leg == leg && !s.At.After(now) {
			out = append(out, s)
		}
	}
	return out
}

// VisibleAll returns every step scanned by now, by any leg, oldest first:
// what an aggregator following all legs shows.
func (j *Journey) VisibleAll(now time.Time) []Step {
	var out []Step
	for _, s := range j.Steps {
		if !s.At.After(now) {
			out = append(out, s)
		}
	}
	return out
}

// aggregatorSlugs are the dialects that follow a parcel across carriers.
var aggregatorSlugs = map[string]bool{"17track": true, "aftership": true}

// LegOf returns the index of the leg carried by slug, or -1. An aggregator
// ("17track", "aftership") knows every parcel by its first leg's number,
// whose tracking it follows across carriers: its leg is 0.
func (j *Journey) LegOf(slug string) int {
	if aggregatorSlugs[slug] && len(j.Legs) > 0 {
		return 0
	}
	for i, l := range j.Legs {
		if l.Carrier == slug {
			return i
		}
	}
	return -1
}

// First is the time of the first step.
func (j *Journey) First() time.Time { return j.Steps[0].At }

// Last is the time of the last step.
func (j *Journey) Last() time.Time { return j.Steps[len(j.Steps)-1].At }

// Final returns the last step, which fixes how the journey ends.
func (j *Journey) Final() Step { return j.Steps[len(j.Steps)-1] }

// Catalog indexes journeys by carrier and number for the servers.
type Catalog struct {
	journeys []*Journey
	byNumber map[string][]ref // carrier slug + "\x00" + number
	byAny    map[string][]ref // number alone, for aggregators
}

type ref struct {
	j   *Journey
	leg int
}

// NewCatalog indexes journeys. Numbers are matched case-insensitively and
// without spaces, as carriers do.
func NewCatalog(journeys []*Journey) *Catalog {
	c := &Catalog{journeys: journeys, byNumber: map[string][]ref{}, byAny: map[string][]ref{}}
	for _, j := range journeys {
		for i, l := range j.Legs {
			n := normNumber(l.Number)
			c.byNumber[l.Carrier+"\x00"+n] = append(c.byNumber[l.Carrier+"\x00"+n], ref{j, i})
			c.byAny[n] = append(c.byAny[n], ref{j, i})
		}
	}
	return c
}

// Journeys returns the indexed journeys.
func (c *Catalog) Journeys() []*Journey { return c.journeys }

// Find returns the journey and leg that carrier slug knows as number.
func (c *Catalog) Find(slug, number string) (*Journey, int, bool) {
	rs := c.byNumber[slug+"\x00"+normNumber(number)]
	if len(rs) == 0 {
		return nil, 0, false
	}
	return rs[0].j, rs[0].leg, true
}

// FindAny returns the journey that has number on any leg.
func (c *Catalog) FindAny(number string) (*Journey, int, bool) {
	rs := c.byAny[normNumber(number)]
	if len(rs) == 0 {
		return nil, 0, false
	}
	return rs[0].j, rs[0].leg, true
}

// Numbers returns the numbers carrier slug knows, sorted (for an
// aggregator, each parcel's first-leg number).
func (c *Catalog) Numbers(slug string) []string {
	var out []string
	for _, j := range c.journeys {
		if i := j.LegOf(slug); i >= 0 {
			out = append(out, j.Legs[i].Number)
		}
	}
	sort.Strings(out)
	return out
}

func normNumber(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}
