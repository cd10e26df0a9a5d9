package tracker_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
	"github.com/waypost/waypost/tracker"
	"github.com/waypost/waypost/tracker/sim"
	"github.com/waypost/waypost/tracker/simcarrier"
)

// run tracks seeded journeys with nodes trackers until every shipment is
// final or the simulated deadline passes, and returns the recorded checks.
type run struct {
	t        *testing.T
	sim      *sim.Sim
	st       store.Store
	tenant   shipment.Tenant
	journeys map[int64]*sandbox.Journey

	mu     sync.Mutex
	checks []tracker.Check
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func openSQLite(t *testing.T, now func() time.Time) store.Store {
	t.Helper()
	return testdb.OpenSQLite(t, sqlite.Options{Now: now})
}

func newRun(t *testing.T, o sim.Options, open func(t *testing.T, now func() time.Time) store.Store) *run {
	t.Helper()
	s, err := sim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	st := open(t, s.Now)
	tn, js, err := s.Seed(t.Context(), st, sim.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return &run{t: t, sim: s, st: st, tenant: tn, journeys: js}
}

func (r *run) config(node string) tracker.Config {
	return tracker.Config{
		Store: r.st, Connectors: r.sim.Connectors, Now: r.sim.Now, Node: node,
		Policy:   tracker.Policy{ExpireAfter: 14 * 24 * time.Hour},
		Handoff:  tracker.HandoffRules{PostOf: simcarrier.PostOf},
		LeaseFor: 8 * 24 * time.Hour, // simulated: two real seconds at the test's speed
		Idle:     5 * time.Millisecond,
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		OnCheck: func(c tracker.Check) {
			r.mu.Lock()
			r.checks = append(r.checks, c)
			r.mu.Unlock()
		},
	}
}

// wait polls until Verify reports no mismatch or the simulated clock
// passes until; it returns the last mismatches.
func (r *run) wait(until time.Time) []sim.Mismatch {
	r.t.Helper()
	for {
		mm, err := r.sim.Verify(context.Background(), r.st, r.tenant.ID, r.journeys)
		if err != nil {
			r.t.Fatal(err)
		}
		if len(mm) == 0 || r.sim.Now().After(until) {
			return mm
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (r *run) snapshot() []tracker.Check {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]tracker.Check(nil), r.checks...)
}

// noReturns mixes every scenario but returns, which take six weeks of
// simulated time, so a run fits in a few real seconds.
var noReturns = func() map[sandbox.Scenario]float64 {
	m := map[sandbox.Scenario]float64{}
	for s, w := range sandbox.DefaultMix {
		if s != sandbox.ScenarioReturned {
			m[s] = w
		}
	}
	return m
}()

// One tracker on SQLite follows every journey to its end: hand-offs open
// the next leg, every scanned event is stored once, lost parcels expire,
// delivered ones get one late check and stop.
func TestTrackerSQLiteEndToEnd(t *testing.T) {
	n := 120
	if testing.Short() {
		n = 40
	}
	r := newRun(t, sim.Options{Seed: 3, N: n, Spread: 2 * 24 * time.Hour, Mix: noReturns, Speed: 4 * 86400, InProcess: true}, openSQLite)
	tr, err := tracker.New(r.config("solo"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	mm := r.wait(sandbox.DefaultStart.Add(60 * 24 * time.Hour))
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, m := range mm {
		t.Errorf("%s (shipment %d): %s", m.Journey, m.ShipmentID, m.Problem)
	}
	st := tr.Stats()
	checks := r.snapshot()
	t.Logf("%d journeys, %s simulated; stats %+v", n, r.sim.Now().Sub(sandbox.DefaultStart).Round(time.Hour), st)
	if st.Handoffs == 0 {
		t.Errorf("no hand-off followed")
	}
	// After the late check a delivered parcel is never checked again.
	final := map[int64]int{}
	for _, c := range checks {
		if c.Outcome == "ok" && tracker.Terminal(status.Substatus(c.Substatus)) {
			final[c.Parcel.ID]++
		}
	}
	for id, k := range final {
		if k > 2 {
			t.Errorf("parcel %d checked %d times after its final status", id, k)
		}
	}
	// A graceful stop leaves no lease behind.
	assertNoLeases(t, r)
}

func assertNoLeases(t *testing.T, r *run) {
	t.Helper()
	for id := range r.journeys {
		ps, err := r.st.ListParcels(context.Background(), r.tenant.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.LeaseOwner != "" {
				t.Fatalf("parcel %d still leased by %s after a graceful stop", p.ID, p.LeaseOwner)
			}
		}
	}
}
