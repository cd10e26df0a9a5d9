package tracker_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/tracker"
	"github.com/waypost/waypost/tracker/sim"
)

// pgURL returns WAYPOST_TEST_DATABASE_URL, skipping without it unless
// CI=true.
func pgURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("WAYPOST_TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("WAYPOST_TEST_DATABASE_URL is not set (required when CI=true)")
		}
		t.Skip("WAYPOST_TEST_DATABASE_URL is not set; skipping PostgreSQL tests")
	}
	return u
}

// pgSchema creates an empty schema for one test, dropped at the end, and
// returns a URL whose connections use it.
func pgSchema(t testing.TB) string {
	t.Helper()
	base := pgURL(t)
	name := fmt.Sprintf("waypost_tracker_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to WAYPOST_TEST_DATABASE_URL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

func openPG(t testing.TB, u string, now func() time.Time) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), u, postgres.Options{Now: now, MaxConns: 6, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// killable is a node's view of the database that goes dark at once when
// the node is killed: every call from then on fails without reaching the
// database, as if the process had died. Calls already running finish or
// not, as they would in a crash.
type killable struct {
	store.Store
	dead atomic.Bool
}

var errKilled = errors.New("node killed")

func (k *killable) check() error {
	if k.dead.Load() {
		return errKilled
	}
	return nil
}

func (k *killable) ClaimDue(ctx context.Context, now time.Time, limit int, owner string, leaseFor time.Duration) ([]shipment.Parcel, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return k.Store.ClaimDue(ctx, now, limit, owner, leaseFor)
}

func (k *killable) Reschedule(ctx context.Context, tenantID, parcelID int64, owner string, c store.CheckResult) error {
	if err := k.check(); err != nil {
		return err
	}
	return k.Store.Reschedule(ctx, tenantID, parcelID, owner, c)
}

func (k *killable) RescheduleMany(ctx context.Context, checks []store.ParcelCheck) ([]int64, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return k.Store.RescheduleMany(ctx, checks)
}

func (k *killable) DeferCheck(ctx context.Context, tenantID, parcelID int64, owner string, at time.Time, reason string) error {
	if err := k.check(); err != nil {
		return err
	}
	return k.Store.DeferCheck(ctx, tenantID, parcelID, owner, at, reason)
}

func (k *killable) ExtendLeases(ctx context.Context, owner string, ids []int64, now time.Time, leaseFor time.Duration) ([]int64, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return k.Store.ExtendLeases(ctx, owner, ids, now, leaseFor)
}

func (k *killable) ScheduleCheck(ctx context.Context, tenantID, parcelID int64, at time.Time, reason string) error {
	if err := k.check(); err != nil {
		return err
	}
	return k.Store.ScheduleCheck(ctx, tenantID, parcelID, at, reason)
}

func (k *killable) ReleaseLease(ctx context.Context, tenantID, parcelID int64, owner string) error {
	if err := k.check(); err != nil {
		return err
	}
	return k.Store.ReleaseLease(ctx, tenantID, parcelID, owner)
}

func (k *killable) IngestEvents(ctx context.Context, tenantID int64, events []shipment.Event) (store.IngestResult, error) {
	if err := k.check(); err != nil {
		return store.IngestResult{}, err
	}
	return k.Store.IngestEvents(ctx, tenantID, events)
}

func (k *killable) CreateParcel(ctx context.Context, tenantID int64, p *shipment.Parcel) error {
	if err := k.check(); err != nil {
		return err
	}
	return k.Store.CreateParcel(ctx, tenantID, p)
}

// Three nodes share one PostgreSQL database; one is killed mid-run. Every
// parcel reaches its final status, no parcel is ever checked by two nodes
// at once, no event is stored twice. The full run:
//
//	WAYPOST_TRACKER_MULTINODE_N=20000 go test -run TestMultiNodePostgres -v -timeout 60m ./tracker/
func TestMultiNodePostgres(t *testing.T) {
	u := pgSchema(t)
	// 600 parcels by default; the full run sets WAYPOST_TRACKER_MULTINODE_N=20000.
	// The clock runs slower for more parcels so the nodes keep up with the
	// journeys: about 35 checks per parcel over five simulated weeks.
	n := 600
	if v := os.Getenv("WAYPOST_TRACKER_MULTINODE_N"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
			t.Fatalf("WAYPOST_TRACKER_MULTINODE_N=%q", v)
		}
	}
	// Five simulated weeks in about n*35/800 real seconds: the nodes must
	// keep up for the schedule to be the policy's, not the backlog's.
	speed := min(4*86400, 35*86400/(float64(n)*35/800))
	leaseReal := 10 * time.Second
	if n > 1000 {
		leaseReal = time.Minute
	}
	s, err := sim.Start(sim.Options{Seed: 11, N: n, Spread: 2 * 24 * time.Hour, Mix: noReturns, Speed: speed, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	seedStore := openPG(t, u, s.Now)
	s.Clock.SetSpeed(0) // seeding takes a while for 20,000 shipments
	tn, js, err := s.Seed(t.Context(), seedStore, sim.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := &run{t: t, sim: s, st: seedStore, tenant: tn, journeys: js}

	const nodes, victim = 3, 2
	stores := make([]*killable, nodes)
	trackers := make([]*tracker.Tracker, nodes)
	cancels := make([]context.CancelFunc, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		stores[i] = &killable{Store: openPG(t, u, s.Now)}
		cfg := r.config(fmt.Sprintf("node-%d", i))
		cfg.Store = stores[i]
		// Leases in real time, as the clock runs, must outlast a check on
		// a loaded machine (production: 5 minutes); the killed node's
		// parcels wait that long.
		cfg.LeaseFor = time.Duration(leaseReal.Seconds() * speed * float64(time.Second))
		cfg.ClaimBatch, cfg.MaxInFlight = 200, 800
		if i == victim {
			cfg.Logger = quietLog // its failures after the kill are expected
		}
		tr, err := tracker.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		trackers[i] = tr
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i] = cancel
		wg.Go(func() { _ = tr.Run(ctx) })
	}
	s.Clock.SetSpeed(speed)
	start := time.Now()

	// Kill the victim once it has done a share of the work, mid-batch.
	for trackers[victim].Stats().Checked < int64(n/3) {
		time.Sleep(20 * time.Millisecond)
	}
	stores[victim].dead.Store(true)
	cancels[victim]()
	killedAt := time.Now()
	t.Logf("node-%d killed after %s with %+v", victim, killedAt.Sub(start).Round(time.Millisecond), trackers[victim].Stats())

	deadline := sandbox.DefaultStart.Add(120 * 24 * time.Hour)
	for !allFinal(t, seedStore, tn.ID, len(js)) && s.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
	}
	elapsed := time.Since(start)
	for i, c := range cancels {
		if i != victim {
			c()
		}
	}
	wg.Wait()

	mm, err := s.Verify(context.Background(), seedStore, tn.ID, js)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range mm {
		if i < 20 {
			t.Errorf("%s (shipment %d): %s", m.Journey, m.ShipmentID, m.Problem)
		}
	}
	checks := r.snapshot()
	if len(mm) > 0 {
		t.Errorf("%d of %d shipments wrong", len(mm), len(js))
		explain(t, r, mm[0].ShipmentID, checks)
	}
	per := map[int64][]tracker.Check{}
	byNode := map[string]int{}
	for _, c := range checks {
		per[c.Parcel.ID] = append(per[c.Parcel.ID], c)
		byNode[c.Node]++
	}
	overlaps := 0
	for id, cs := range per {
		slices.SortFunc(cs, func(a, b tracker.Check) int { return a.Started.Compare(b.Started) })
		for i := 1; i < len(cs); i++ {
			if cs[i].Started.Before(cs[i-1].Finished) {
				overlaps++
				if overlaps <= 5 {
					t.Errorf("parcel %d: %s checked from %s while %s was until %s", id, cs[i].Node,
						cs[i].Started.Format("15:04:05.000000"), cs[i-1].Node, cs[i-1].Finished.Format("15:04:05.000000"))
				}
			}
		}
	}
	if overlaps > 0 {
		t.Errorf("%d overlapping checks", overlaps)
	}
	var lost int64
	for _, tr := range trackers {
		lost += tr.Stats().LeasesLost
	}
	t.Logf("%d parcels (%d shipments), 3 nodes, node-%d killed: %d of %d shipments right after %s real (%s simulated); %d checks (%.0f/s), by node %v; leases lost %d",
		len(per), len(js), victim, len(js)-len(mm), len(js), elapsed.Round(time.Millisecond), s.Now().Sub(sandbox.DefaultStart).Round(time.Hour),
		len(checks), float64(len(checks))/elapsed.Seconds(), byNode, lost)
	for i := range nodes {
		if i != victim && byNode[fmt.Sprintf("node-%d", i)] == 0 {
			t.Errorf("node-%d did no work", i)
		}
	}
}

// explain logs a shipment's journey, parcels and checks.
func explain(t *testing.T, r *run, shipmentID int64, checks []tracker.Check) {
	j := r.journeys[shipmentID]
	t.Logf("journey %s %s %s legs %v", j.ID, j.Scenario, j.Route, j.Legs)
	for _, s := range j.Steps {
		t.Logf("  step %s leg %d %s %s", s.At.Format(time.DateTime), s.Leg, s.Kind, s.Detail)
	}
	ps, _ := r.st.ListParcels(context.Background(), r.tenant.ID, shipmentID)
	for _, p := range ps {
		t.Logf("  parcel %d %s %s leg %d %s next %s result %q", p.ID, p.Carrier, p.TrackingNumber, p.Leg, p.Substatus, p.NextCheckAt.Format(time.DateTime), p.LastResult)
	}
	for _, c := range checks {
		if c.Parcel.ShipmentID == shipmentID {
			t.Logf("  check %s parcel %d at %s: %s %s next %s (%s) lost=%v", c.Node, c.Parcel.ID, c.At.Format(time.DateTime), c.Outcome, c.Substatus, c.Next.At.Format(time.DateTime), c.Next.Reason, c.Lost)
		}
	}
}

// allFinal reports whether every shipment of the tenant has a final status.
func allFinal(t *testing.T, st store.Store, tenantID int64, want int) bool {
	t.Helper()
	q := store.ListQuery{Limit: 1000}
	final := 0
	for {
		page, err := st.ListShipments(context.Background(), tenantID, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range page.Shipments {
			if tracker.Terminal(sh.Substatus) {
				final++
			}
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	return final == want
}
