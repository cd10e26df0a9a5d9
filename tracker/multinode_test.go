package tracker_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/tracker"
	"github.com/waypost/waypost/tracker/internal/nodeproc"
	"github.com/waypost/waypost/tracker/sim"
)

// pgSchema creates an empty schema for one test, dropped at the end, and
// returns a URL whose connections use it.
func pgSchema(t testing.TB) string {
	t.Helper()
	return testdb.FreshSchema(t, "waypost_tracker")
}

func openPG(t testing.TB, u string, now func() time.Time) *postgres.Store {
	t.Helper()
	return testdb.OpenPostgres(t, u, postgres.Options{Now: now, MaxConns: 6, Logger: quietLog})
}

// Three tracker nodes, each its own process, share one PostgreSQL
// database and the carrier sandbox (the HTTP carriers through the real
// connectors; China Post, Cainiao and YunExpress in-process in each node);
// one node is killed with SIGKILL mid-run. Every parcel reaches its final
// status, the killed node's leases are taken over by the others once they
// expire, no parcel is ever checked by two nodes at once, no event is lost
// or stored twice. The full run:
//
//	WAYPOST_TRACKER_MULTINODE_N=20000 WAYPOST_TEST_DATABASE_URL=... go test -run TestMultiNodePostgres -v -timeout 90m ./tracker/
func TestMultiNodePostgres(t *testing.T) {
	if os.Getenv(nodeproc.EnvVar) == "1" {
		// This process is one of the nodes, started by the test below.
		if err := nodeproc.Serve(context.Background(), os.Stdin, os.Stdout, os.Stderr); err != nil {
			t.Fatal(err)
		}
		return
	}
	u := pgSchema(t)
	// 300 parcels by default; the full run sets WAYPOST_TRACKER_MULTINODE_N=20000.
	n := 300
	if v := os.Getenv("WAYPOST_TRACKER_MULTINODE_N"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
			t.Fatalf("WAYPOST_TRACKER_MULTINODE_N=%q", v)
		}
	}
	// Five simulated weeks (about 35 checks per parcel) in about
	// n*35/600 real seconds: the nodes must keep up for the schedule to be
	// the policy's, not the backlog's.
	speed := min(4*86400, 35*86400/(float64(n)*35/600))
	leaseReal := 10 * time.Second
	if n > 1000 {
		leaseReal = time.Minute
	}
	// Leases in real time must outlast a check on a loaded machine
	// (production: 5 minutes); the killed node's parcels wait that long.
	leaseFor := time.Duration(leaseReal.Seconds() * speed * float64(time.Second))
	o := sim.Options{Seed: 11, N: n, Spread: 2 * 24 * time.Hour, Mix: noReturns, Speed: 0, RequestsPerSecond: 5000}
	s, err := sim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	seedStore := openPG(t, u, s.Now)
	tn, js, err := s.Seed(t.Context(), seedStore, sim.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}

	spec := nodeproc.Spec{DatabaseURL: u, Seed: o.Seed, N: n, Spread: o.Spread, Mix: o.Mix, Digest: nodeproc.Digest(s.Journeys),
		ClockStart: s.Now(), Speed: speed, HTTP: map[string]nodeproc.Carrier{}, InProcess: s.InProcessCarriers,
		LeaseFor: leaseFor, ExpireAfter: 14 * 24 * time.Hour, ClaimBatch: 200, MaxInFlight: 800}
	for _, slug := range s.Server.Carriers() {
		c := s.Server.Config(slug)
		spec.HTTP[slug] = nodeproc.Carrier{BaseURL: c.BaseURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(),
			APIKey: c.APIKey.Reveal(), Username: c.Username, Password: c.Password.Reveal(), Account: c.Account,
			Options: c.Options, RequestsPerSecond: o.RequestsPerSecond}
	}

	f := &fleet{stats: map[string]nodeproc.Stats{}}
	const nodes, victim = 3, "node-2"
	procs := make([]*nodeproc.Proc, nodes)
	argv := []string{os.Args[0], "-test.run=^TestMultiNodePostgres$", "-test.count=1", "-test.timeout=0"}
	for i := range procs {
		spec.Node = fmt.Sprintf("node-%d", i)
		p, err := nodeproc.Launch(argv, spec, f.add)
		if err != nil {
			t.Fatal(err)
		}
		procs[i] = p
		t.Cleanup(func() { _ = p.Kill() }) // after a failure; a no-op once stopped
	}
	for _, p := range procs {
		if _, err := p.WaitReady(2 * time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	// Start every clock together: the parent's drives the HTTP sandbox.
	t0 := s.Now()
	s.Clock.SetSpeed(speed)
	w0 := time.Now()
	for _, p := range procs {
		if err := p.Go(t0, w0); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()

	// Kill the victim once it has done a share of the work (a node makes
	// about six checks per parcel over the run), mid-run.
	for f.checksBy(victim) < 2*n {
		if time.Since(start) > 10*time.Minute {
			t.Fatalf("%s made %d checks in 10 minutes", victim, f.checksBy(victim))
		}
		time.Sleep(10 * time.Millisecond)
	}
	vp := procs[2]
	_, victimPeak := nodeproc.Memory(vp.PID())
	if err := vp.Kill(); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	victimStats := f.statsOf(victim)
	t.Logf("%s killed with SIGKILL after %s, having made %d checks (%+v)", victim, killedAt.Sub(start).Round(time.Millisecond), f.checksBy(victim), victimStats.Stats)
	// Its open transactions roll back once PostgreSQL sees the connection
	// gone; what it still holds then are leases that must expire.
	time.Sleep(500 * time.Millisecond)
	held := heldLeases(t, u, victim+"#%")
	t.Logf("%s left %d parcels leased", victim, len(held))

	deadline := sandbox.DefaultStart.Add(120 * 24 * time.Hour)
	for s.Now().Before(deadline) && !(allFinal(t, seedStore, tn.ID, len(js)) && f.takenOver(held, killedAt) == len(held)) {
		time.Sleep(500 * time.Millisecond)
	}
	elapsed := time.Since(start)
	for i, p := range procs {
		if i != 2 {
			if err := p.Stop(); err != nil {
				t.Errorf("%s: %v", p.Name, err)
			}
		}
	}

	mm, err := s.Verify(context.Background(), seedStore, tn.ID, js)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range mm {
		if i < 20 {
			t.Errorf("%s (shipment %d): %s", m.Journey, m.ShipmentID, m.Problem)
		}
	}
	checks := f.snapshot()
	if len(mm) > 0 {
		t.Errorf("%d of %d shipments wrong", len(mm), len(js))
		explain(t, seedStore, tn.ID, js, mm[0].ShipmentID, checks)
	}

	// No two checks of one parcel overlap in time, whichever nodes made them.
	per := map[int64][]nodeproc.Check{}
	byNode := map[string]int{}
	for _, c := range checks {
		per[c.Parcel] = append(per[c.Parcel], c)
		byNode[c.Node]++
	}
	overlaps := 0
	for id, cs := range per {
		slices.SortFunc(cs, func(a, b nodeproc.Check) int { return cmp.Compare(a.Started, b.Started) })
		for i := 1; i < len(cs); i++ {
			if cs[i].Started < cs[i-1].Finished {
				overlaps++
				if overlaps <= 5 {
					t.Errorf("parcel %d: %s checked from %s while %s was until %s", id, cs[i].Node,
						wall(cs[i].Started), cs[i-1].Node, wall(cs[i-1].Finished))
				}
			}
		}
	}
	if overlaps > 0 {
		t.Errorf("%d overlapping checks", overlaps)
	}

	// Every parcel the victim held was taken over, and only once its lease
	// had expired.
	takeovers := 0
	for id, until := range held {
		first, ok := f.firstAfter(id, killedAt)
		if !ok {
			t.Errorf("parcel %d, leased by %s until %s, was never checked again", id, victim, until.Format(time.DateTime))
			continue
		}
		takeovers++
		if claimed := time.UnixMicro(first.LeaseUntil).Add(-leaseFor); !claimed.After(until) {
			t.Errorf("parcel %d: %s claimed it at %s, before %s's lease ended at %s", id, first.Node,
				claimed.UTC().Format(time.RFC3339Nano), victim, until.UTC().Format(time.RFC3339Nano))
		}
	}
	if len(held) == 0 {
		t.Errorf("%s held no lease when killed: the kill proved nothing", victim)
	}
	if left := heldLeases(t, u, "%"); len(left) > 0 {
		t.Errorf("%d parcels still leased after the survivors stopped", len(left))
	}

	var lost int64
	mem := map[string]string{victim: fmt.Sprintf("%d MB", victimPeak>>20)}
	for i := range nodes - 1 {
		name := fmt.Sprintf("node-%d", i)
		st := f.statsOf(name)
		if !st.Final {
			t.Errorf("%s sent no final stats", name)
		}
		lost += st.LeasesLost
		mem[name] = fmt.Sprintf("%d MB", st.PeakRSS>>20)
		if byNode[name] == 0 {
			t.Errorf("%s did no work", name)
		}
	}
	lost += victimStats.LeasesLost
	t.Logf("%d parcels (%d shipments), 3 node processes, %s killed: %d of %d shipments right after %s real (%s simulated); "+
		"%d checks (%.0f/s), by node %v; overlaps %d; leases lost %d; taken over after the kill %d of %d; peak RSS per node %v",
		len(per), len(js), victim, len(js)-len(mm), len(js), elapsed.Round(time.Millisecond), s.Now().Sub(sandbox.DefaultStart).Round(time.Hour),
		len(checks), float64(len(checks))/elapsed.Seconds(), byNode, overlaps, lost, takeovers, len(held), mem)
}

// fleet collects what the nodes report.
type fleet struct {
	mu     sync.Mutex
	checks []nodeproc.Check
	count  map[string]int
	stats  map[string]nodeproc.Stats
}

func (f *fleet) add(m nodeproc.Msg) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case m.Check != nil:
		f.checks = append(f.checks, *m.Check)
		if f.count == nil {
			f.count = map[string]int{}
		}
		f.count[m.Check.Node]++
	case m.Stats != nil:
		f.stats[m.Stats.Node] = *m.Stats
	}
}

func (f *fleet) checksBy(node string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.count[node]
}

func (f *fleet) statsOf(node string) nodeproc.Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats[node]
}

func (f *fleet) snapshot() []nodeproc.Check {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.checks)
}

// firstAfter is the first check of a parcel that started after t.
func (f *fleet) firstAfter(parcel int64, t time.Time) (nodeproc.Check, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var first nodeproc.Check
	ok := false
	for _, c := range f.checks {
		if c.Parcel == parcel && c.Started > t.UnixNano() && (!ok || c.Started < first.Started) {
			first, ok = c, true
		}
	}
	return first, ok
}

// takenOver counts the parcels of held checked again after t.
func (f *fleet) takenOver(held map[int64]time.Time, t time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := map[int64]bool{}
	for _, c := range f.checks {
		if _, ok := held[c.Parcel]; ok && c.Started > t.UnixNano() {
			seen[c.Parcel] = true
		}
	}
	return len(seen)
}

// heldLeases lists the parcels whose lease owner matches a LIKE pattern,
// with the end of their lease.
func heldLeases(t *testing.T, u, owner string) map[int64]time.Time {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT id, lease_until FROM parcels WHERE lease_owner LIKE $1 AND lease_owner <> '' AND lease_until IS NOT NULL`, owner)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var until time.Time
		if err := rows.Scan(&id, &until); err != nil {
			t.Fatal(err)
		}
		out[id] = until
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func wall(ns int64) string { return time.Unix(0, ns).Format("15:04:05.000000") }

// explain logs a shipment's journey, parcels and checks.
func explain(t *testing.T, st store.Store, tenantID int64, js map[int64]*sandbox.Journey, shipmentID int64, checks []nodeproc.Check) {
	j := js[shipmentID]
	t.Logf("journey %s %s %s legs %v", j.ID, j.Scenario, j.Route, j.Legs)
	for _, s := range j.Steps {
		t.Logf("  step %s leg %d %s %s", s.At.Format(time.DateTime), s.Leg, s.Kind, s.Detail)
	}
	ps, _ := st.ListParcels(context.Background(), tenantID, shipmentID)
	for _, p := range ps {
		t.Logf("  parcel %d %s %s leg %d %s next %s result %q", p.ID, p.Carrier, p.TrackingNumber, p.Leg, p.Substatus, p.NextCheckAt.Format(time.DateTime), p.LastResult)
	}
	for _, c := range checks {
		if c.Shipment == shipmentID {
			t.Logf("  check %s parcel %d at %s: %s %s next %s (%s) lost=%v", c.Node, c.Parcel, time.UnixMicro(c.At).UTC().Format(time.DateTime),
				c.Outcome, c.Substatus, time.UnixMicro(c.Next).UTC().Format(time.DateTime), c.Reason, c.Lost)
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

// A node renews the leases of the parcels it holds (ExtendLeases, every
// second) while its workers record finished batches (RescheduleMany). Both
// run under the same lease owner on overlapping parcels, so they must
// never deadlock each other: a deadlock loses the batch's outcome. The
// batch order here is the tracker's (claim order is next_check_at, id; a
// lane hands parcels on in that order), which differs from id order.
func TestRenewWhileRecordingPostgres(t *testing.T) {
	u := pgSchema(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st := openPG(t, u, func() time.Time { return now })
	ctx := t.Context()
	tn := shipment.Tenant{Slug: "renew", Name: "Renew"}
	if err := st.CreateTenant(ctx, &tn); err != nil {
		t.Fatal(err)
	}
	const parcels = 60
	for i := range parcels {
		sh := shipment.Shipment{Reference: fmt.Sprintf("R%d", i)}
		if err := st.CreateShipment(ctx, tn.ID, &sh); err != nil {
			t.Fatal(err)
		}
		p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "fedex", TrackingNumber: fmt.Sprintf("7%011d", i), Leg: 1}
		if err := st.CreateParcel(ctx, tn.ID, &p); err != nil {
			t.Fatal(err)
		}
		// Due in the reverse order of creation, as parcels are once their
		// schedules diverge.
		if err := st.ScheduleCheck(ctx, tn.ID, p.ID, now.Add(-time.Duration(i)*time.Minute), "test"); err != nil {
			t.Fatal(err)
		}
	}
	deadlocks, rounds := 0, 0
	// Each deadlock costs PostgreSQL's deadlock_timeout (1 s) to detect:
	// stop at the third.
	for round := 0; round < 200 && deadlocks < 3; round++ {
		rounds++
		owner := fmt.Sprintf("node#%d", round)
		list, err := st.ClaimDue(ctx, now, parcels, owner, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(list))
		pcs := make([]store.ParcelCheck, len(list))
		for i, p := range list {
			ids[i] = p.ID
			pcs[i] = store.ParcelCheck{TenantID: tn.ID, ParcelID: p.ID, Owner: owner,
				CheckResult: store.CheckResult{CheckedAt: now, NextCheckAt: p.NextCheckAt, Result: "ok", Reason: "again"}}
		}
		var renewErr error
		var wg sync.WaitGroup
		wg.Go(func() { _, renewErr = st.ExtendLeases(ctx, owner, ids, now, time.Hour) })
		_, err = st.RescheduleMany(ctx, pcs)
		wg.Wait()
		for _, err := range []error{err, renewErr} {
			if err != nil {
				deadlocks++
				if deadlocks <= 3 {
					t.Errorf("round %d: %v", round, err)
				}
			}
		}
		if err != nil {
			// The outcome was not stored; free the parcels for the next round.
			for _, p := range list {
				_ = st.ReleaseLease(ctx, tn.ID, p.ID, owner)
			}
		}
	}
	if deadlocks > 0 {
		t.Errorf("%d failures in %d rounds of concurrent renewal and recording", deadlocks, rounds)
	}
}
