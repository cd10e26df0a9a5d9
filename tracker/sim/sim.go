// Package sim wires the carrier sandbox to the tracker: scripted journeys,
// the sandbox's HTTP carriers behind the real connectors, in-process
// stand-ins (tracker/simcarrier) for carriers without an HTTP dialect,
// one accelerated clock for all, and a seeded shop. The demo, the tracker's
// end-to-end tests and its benchmarks run on it.
package sim

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/waypost/waypost/carrier"
	_ "github.com/waypost/waypost/carrier/all" // connectors for the sandbox dialects
	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/tracker/simcarrier"
)

// Options configure Start.
type Options struct {
	// Journeys to script (see sandbox.Options); Start zero means
	// sandbox.DefaultStart.
	Seed   uint64
	N      int
	Start  time.Time
	Spread time.Duration
	Mix    map[sandbox.Scenario]float64
	// Carriers restricts the journeys to these carriers (sandbox.Options).
	Carriers []string
	// Journeys, when set, are used instead of generating N.
	Journeys []*sandbox.Journey
	// Speed is simulated seconds per real second (0: frozen).
	Speed float64
	// ClockStart is the simulated time at start; zero means Start.
	ClockStart time.Time
	// InProcess serves every carrier through simcarrier, with no HTTP:
	// for runs that measure the tracker and the store, not the network.
	InProcess bool
	// HTTPCarriers restricts the carriers served over HTTP; nil means every
	// sandbox dialect the journeys use.
	HTTPCarriers []string
	// Faults per carrier for the HTTP sandbox.
	Faults map[string]sandbox.Faults
	// RequestsPerSecond overrides every HTTP connector's rate (default
	// 500, far above the carriers' real limits: the sandbox is local).
	RequestsPerSecond float64
	// Metrics for the HTTP connectors; nil records nothing.
	Metrics *carrier.Metrics
}

// Sim is a running simulation.
type Sim struct {
	Server     *sandbox.Server // nil when InProcess
	Clock      *sandbox.Clock
	Journeys   []*sandbox.Journey
	Connectors map[string]carrier.Connector
	// InProcessCarriers are the slugs served by simcarrier.
	InProcessCarriers []string
}

// Start scripts the journeys and starts the carriers.
func Start(o Options) (*Sim, error) {
	if o.Start.IsZero() {
		o.Start = sandbox.DefaultStart
	}
	js := o.Journeys
	if js == nil {
		js = sandbox.Generate(sandbox.Options{Seed: o.Seed, N: o.N, Start: o.Start, Spread: o.Spread, Mix: o.Mix, Carriers: o.Carriers})
	}
	if o.ClockStart.IsZero() {
		o.ClockStart = o.Start
	}
	s := &Sim{Clock: sandbox.NewClock(o.ClockStart, o.Speed), Journeys: js, Connectors: map[string]carrier.Connector{}}
	used := map[string]bool{}
	for _, j := range js {
		for _, l := range j.Legs {
			used[l.Carrier] = true
		}
	}
	var httpSlugs []string
	if !o.InProcess {
		for _, d := range sandbox.Dialects() {
			if used[d] && (o.HTTPCarriers == nil || slices.Contains(o.HTTPCarriers, d)) {
				if _, ok := carrier.DriverFor(d); ok {
					httpSlugs = append(httpSlugs, d)
				}
			}
		}
	}
	if len(httpSlugs) > 0 {
		srv, err := sandbox.Start(sandbox.ServerOptions{Clock: s.Clock, Journeys: js, Carriers: httpSlugs, Faults: o.Faults, Seed: o.Seed})
		if err != nil {
			return nil, fmt.Errorf("sim: %w", err)
		}
		s.Server = srv
		rps := o.RequestsPerSecond
		if rps <= 0 {
			rps = 500
		}
		for _, slug := range httpSlugs {
			cfg := srv.Config(slug)
			// Zero keeps a connector's default, so the quota is lifted by
			// setting it out of reach.
			cfg.RequestsPerSecond, cfg.Burst, cfg.RequestsPerDay = rps, int(rps), 1<<40
			cfg.Metrics = o.Metrics
			c, err := carrier.Open(slug, cfg)
			if err != nil {
				_ = srv.Close()
				return nil, fmt.Errorf("sim: %w", err)
			}
			s.Connectors[slug] = noQuota{c}
		}
	}
	cat := sandbox.NewCatalog(js)
	slugs := make([]string, 0, len(used))
	for slug := range used {
		slugs = append(slugs, slug)
	}
	slices.Sort(slugs)
	for _, slug := range slugs {
		if s.Connectors[slug] == nil {
			s.Connectors[slug] = simcarrier.New(slug, cat, s.Clock, carrier.Limits{})
			s.InProcessCarriers = append(s.InProcessCarriers, slug)
		}
	}
	return s, nil
}

// noQuota hides a connector's daily quota from the tracker: the sandbox
// has none, and the demo's accelerated days would otherwise stretch
// schedules by the real carrier's quota.
type noQuota struct{ carrier.Connector }

func (c noQuota) Limits() carrier.Limits {
	l := c.Connector.Limits()
	l.RequestsPerDay = 0
	return l
}

// Close stops the HTTP sandbox.
func (s *Sim) Close() error {
	if s.Server != nil {
		return s.Server.Close()
	}
	return nil
}

// Now is the simulated time.
func (s *Sim) Now() time.Time { return s.Clock.Now() }

// SeedOptions configure Seed.
type SeedOptions struct {
	// TenantSlug and TenantName of the shop created (default "demo-shop").
	TenantSlug, TenantName string
	// Batch parcels per progress callback; Progress may be nil.
	Progress func(done, total int)
}

// Seed creates a tenant and, per journey, a shipment (reference = journey
// ID, destination country) with its first leg due at once. It returns the
// tenant and the journeys by shipment ID.
func (s *Sim) Seed(ctx context.Context, st store.Store, o SeedOptions) (shipment.Tenant, map[int64]*sandbox.Journey, error) {
	if o.TenantSlug == "" {
		o.TenantSlug, o.TenantName = "demo-shop", "Demo Shop"
	}
	tn := shipment.Tenant{Slug: o.TenantSlug, Name: o.TenantName}
	if err := st.CreateTenant(ctx, &tn); err != nil {
		return tn, nil, fmt.Errorf("sim: seed tenant: %w", err)
	}
	out := make(map[int64]*sandbox.Journey, len(s.Journeys))
	for i, j := range s.Journeys {
		sh := shipment.Shipment{Reference: "ORDER-" + j.ID, OriginCountry: j.Origin.Country, DestinationCountry: j.Destination.Country,
			Customer: shipment.Contact{Name: "Customer " + j.ID, Language: "en"}}
		if err := st.CreateShipment(ctx, tn.ID, &sh); err != nil {
			return tn, nil, fmt.Errorf("sim: seed shipment %s: %w", j.ID, err)
		}
		first := j.Legs[0]
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: first.Carrier, TrackingNumber: first.Number, Leg: 1,
			Extra: map[string]string{"postal_code": j.Destination.PostalCode}}
		if err := st.CreateParcel(ctx, tn.ID, &p); err != nil {
			return tn, nil, fmt.Errorf("sim: seed parcel %s: %w", j.ID, err)
		}
		out[sh.ID] = j
		if o.Progress != nil && (i+1)%100 == 0 {
			o.Progress(i+1, len(s.Journeys))
		}
	}
	return tn, out, nil
}

// Expected is what a journey's shipment should show once tracked to the
// end: its final substatus and its number of events. Only legs the
// tracker can reach count: the next leg is found through the hand-over (or
// the S10 item leaving the origin country), which a lost parcel may never
// show. A lost parcel ends expired, with Waypost's expiry event added.
func (s *Sim) Expected(j *sandbox.Journey) (status.Substatus, int) {
	reach := 1
	for _, st := range j.Steps {
		if st.Leg == 0 && (st.Kind == sandbox.KindHandedOver ||
			(j.Route == sandbox.RoutePostS10 && st.Kind == sandbox.KindDepartedOriginCountry)) {
			reach = len(j.Legs)
		}
	}
	n := 0
	for _, st := range j.Steps {
		if st.Leg < reach {
			n++
		}
	}
	if j.Scenario == sandbox.ScenarioLost {
		return status.ExpiredExpired, n + 1
	}
	last := j.Final()
	// Some carriers' codes are coarser than the journey (a signature
	// recorded as plain "delivered"); the sandbox says what each means.
	if slug := j.Legs[last.Leg].Carrier; !slices.Contains(s.InProcessCarriers, slug) {
		if sub, ok := sandbox.Expected(slug, last.Kind); ok {
			return sub, n
		}
	}
	return last.Kind.Substatus(), n
}

// Mismatch is a shipment that does not show what its journey says.
type Mismatch struct {
	ShipmentID int64
	Journey    string
	Problem    string
}

// Verify compares every seeded shipment with its journey: final substatus,
// number of events, no event stored twice. It returns the mismatches
// (empty when all agree) and how many shipments are final.
func (s *Sim) Verify(ctx context.Context, st store.Store, tenantID int64, journeys map[int64]*sandbox.Journey) ([]Mismatch, error) {
	var out []Mismatch
	for id, j := range journeys {
		want, n := s.Expected(j)
		sh, err := st.GetShipment(ctx, tenantID, id)
		if err != nil {
			return nil, fmt.Errorf("sim: verify: %w", err)
		}
		if sh.Substatus != want {
			out = append(out, Mismatch{id, j.ID, fmt.Sprintf("substatus %s, want %s", sh.Substatus, want)})
			continue
		}
		events, err := st.ListEvents(ctx, tenantID, id)
		if err != nil {
			return nil, fmt.Errorf("sim: verify: %w", err)
		}
		seen := map[string]bool{}
		for _, e := range events {
			// Hashes include carrier and number, so one scan is one hash
			// across the shipment's legs.
			if seen[e.Hash] {
				out = append(out, Mismatch{id, j.ID, "event stored twice: " + e.Hash})
			}
			seen[e.Hash] = true
		}
		if len(events) != n {
			out = append(out, Mismatch{id, j.ID, fmt.Sprintf("%d events, want %d", len(events), n)})
		}
	}
	slices.SortFunc(out, func(a, b Mismatch) int { return int(a.ShipmentID - b.ShipmentID) })
	return out, nil
}
