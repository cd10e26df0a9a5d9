package sandbox_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/trackno"
)

// TestGenerateDeterministic: the same options give the same journeys, and
// journey i does not depend on N.
func TestGenerateDeterministic(t *testing.T) {
	o := sandbox.Options{Seed: 42, N: 200, Spread: 7 * 24 * time.Hour}
	a, b := sandbox.Generate(o), sandbox.Generate(o)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	o.N = 50
	if c := sandbox.Generate(o); !reflect.DeepEqual(a[:50], c) {
		t.Error("journey i changes with N")
	}
	o.Seed = 43
	if d := sandbox.Generate(o); reflect.DeepEqual(a[:50], d) {
		t.Error("another seed gives the same journeys")
	}
}

// TestGenerateJourneys checks the shape of many journeys: increasing
// instants, a valid substatus per step, known zones, endings that match
// the scenario, and the route's legs.
func TestGenerateJourneys(t *testing.T) {
	js := sandbox.Generate(sandbox.Options{Seed: 1, N: 3000, Spread: 30 * 24 * time.Hour})
	scenarios := map[sandbox.Scenario]int{}
	routes := map[sandbox.Route]int{}
	for _, j := range js {
		scenarios[j.Scenario]++
		routes[j.Route]++
		for i, s := range j.Steps {
			if !s.Kind.Substatus().Valid() {
				t.Fatalf("%s step %d: kind %v has no valid substatus", j.ID, i, s.Kind)
			}
			if i > 0 && !s.At.After(j.Steps[i-1].At) {
				t.Fatalf("%s step %d (%s) at %s is not after step %d at %s", j.ID, i, s.Kind, s.At, i-1, j.Steps[i-1].At)
			}
			if s.At != s.At.Truncate(time.Second) || s.At.Location() != time.UTC {
				t.Fatalf("%s step %d: instant %v not whole UTC seconds", j.ID, i, s.At)
			}
			if s.Place.Location() == time.UTC || s.Place.Country == "" {
				t.Fatalf("%s step %d: place %+v without zone or country", j.ID, i, s.Place)
			}
			if s.Leg < 0 || s.Leg >= len(j.Legs) {
				t.Fatalf("%s step %d: leg %d of %d", j.ID, i, s.Leg, len(j.Legs))
			}
		}
		if j.Steps[0].Kind != sandbox.KindInfoReceived || j.Steps[0].Place.Country != "CN" {
			t.Errorf("%s starts with %s in %s", j.ID, j.Steps[0].Kind, j.Steps[0].Place.Country)
		}
		final := j.Final().Kind
		want := map[sandbox.Scenario]sandbox.Kind{
			sandbox.ScenarioDelivered: sandbox.KindDelivered, sandbox.ScenarioSigned: sandbox.KindDeliveredSigned,
			sandbox.ScenarioNeighbour: sandbox.KindDeliveredNeighbour, sandbox.ScenarioLocker: sandbox.KindDeliveredLocker,
			sandbox.ScenarioPickup: sandbox.KindPickedUp, sandbox.ScenarioCustomsHeld: sandbox.KindDelivered,
			sandbox.ScenarioAddressIssue: sandbox.KindDelivered, sandbox.ScenarioReturned: sandbox.KindReturned,
			sandbox.ScenarioDamaged: sandbox.KindDelivered, sandbox.ScenarioDelayed: sandbox.KindDelivered,
		}
		if j.Scenario == sandbox.ScenarioLost {
			if st := final.Substatus().Status(); st == "delivered" || final == sandbox.KindOutForDelivery {
				t.Errorf("%s lost but ends with %s", j.ID, final)
			}
		} else if final != want[j.Scenario] {
			t.Errorf("%s scenario %s ends with %s, want %s", j.ID, j.Scenario, final, want[j.Scenario])
		}
		switch j.Route {
		case sandbox.RouteExpress:
			if len(j.Legs) != 1 {
				t.Errorf("%s express with %d legs", j.ID, len(j.Legs))
			}
		case sandbox.RoutePostS10:
			if len(j.Legs) != 2 || j.Legs[0].Number != j.Legs[1].Number || j.Legs[0].Carrier != "china-post" {
				t.Errorf("%s S10 legs %+v", j.ID, j.Legs)
			}
		case sandbox.RouteConsolidator:
			if len(j.Legs) != 2 || j.Legs[0].Number == j.Legs[1].Number {
				t.Errorf("%s consolidator legs %+v", j.ID, j.Legs)
			}
			if j.Scenario != sandbox.ScenarioLost && !hasKind(j, sandbox.KindHandedOver) {
				t.Errorf("%s consolidator without a hand-over", j.ID)
			}
		}
	}
	for s := range sandbox.DefaultMix {
		if scenarios[s] == 0 {
			t.Errorf("no %s journey in 3000", s)
		}
	}
	for _, r := range []sandbox.Route{sandbox.RouteExpress, sandbox.RoutePostS10, sandbox.RouteConsolidator} {
		if routes[r] == 0 {
			t.Errorf("no %s journey in 3000", r)
		}
	}
}

func hasKind(j *sandbox.Journey, k sandbox.Kind) bool {
	for _, s := range j.Steps {
		if s.Kind == k {
			return true
		}
	}
	return false
}

// TestNumbersDetected: package trackno recognises every generated number
// as its carrier's, with a valid check digit where the format has one.
func TestNumbersDetected(t *testing.T) {
	js := sandbox.Generate(sandbox.Options{Seed: 9, N: 2000})
	// The slug trackno uses for each carrier's formats; S10 numbers are
	// recognised by their issuing post.
	alias := map[string][]string{
		"la-poste": {"la-poste", "colissimo"}, "dhl": {"dhl", "dhl-germany"},
		"china-post": {"china-post", "china-ems"},
	}
	seen := map[string]bool{}
	for _, j := range js {
		for _, l := range j.Legs {
			res := trackno.Detect(l.Number)
			accept := alias[l.Carrier]
			if accept == nil {
				accept = []string{l.Carrier}
			}
			var found *trackno.Candidate
			for i, c := range res.Candidates {
				for _, a := range accept {
					if c.Carrier == a {
						found = &res.Candidates[i]
					}
				}
				if c.Format == "s10" && found == nil && j.Route == sandbox.RoutePostS10 {
					found = &res.Candidates[i]
				}
			}
			if found == nil {
				t.Errorf("%s %s: trackno candidates %v, none is %v", l.Carrier, l.Number, carriers(res), accept)
				continue
			}
			if found.Checksum == trackno.ChecksumInvalid {
				t.Errorf("%s %s: check digit invalid for format %s", l.Carrier, l.Number, found.Format)
			}
			seen[l.Carrier+"/"+found.Checksum.String()] = true
		}
	}
	for _, k := range []string{"ups/valid", "fedex/valid", "usps/valid", "canada-post/valid", "dhl/valid", "royal-mail/valid", "china-post/valid"} {
		if !seen[k] {
			t.Errorf("no number checked as %s", k)
		}
	}
}

func carriers(r trackno.Result) []string {
	var out []string
	for _, c := range r.Candidates {
		out = append(out, c.Carrier+":"+c.Format)
	}
	return out
}

// TestClock: simulated time runs at its speed and can be moved.
func TestClock(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := sandbox.NewClock(start, 0)
	if !c.Now().Equal(start) {
		t.Fatalf("frozen clock shows %v", c.Now())
	}
	c.Advance(90 * time.Minute)
	if got := c.Now(); !got.Equal(start.Add(90 * time.Minute)) {
		t.Fatalf("after Advance: %v", got)
	}
	c.SetSpeed(3600) // one real millisecond is 3.6 simulated seconds
	time.Sleep(20 * time.Millisecond)
	if got := c.Now().Sub(start.Add(90 * time.Minute)); got < 60*time.Second {
		t.Errorf("running clock advanced only %v after 20ms at 3600x", got)
	}
	c.SetSpeed(0)
	c.Set(start)
	if !c.Now().Equal(start) {
		t.Errorf("freeze then Set: %v", c.Now())
	}
}
