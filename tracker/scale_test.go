package tracker_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/schollz/progressbar/v3"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/sqlite"
	"github.com/waypost/waypost/tracker"
	"github.com/waypost/waypost/tracker/sim"
	"github.com/waypost/waypost/tracker/simcarrier"
)

// TestScale measures the tracker with a large database: N active parcels
// (default 1,000,000), all due, checked against sandbox journeys. It runs
// only when WAYPOST_TRACKER_SCALE is set:
//
//	WAYPOST_TRACKER_SCALE=1000000 go test -run TestScale -v -timeout 60m ./tracker/
//
// Variables: WAYPOST_TRACKER_SCALE (parcels), WAYPOST_SCALE_ENGINE
// (sqlite or postgres), WAYPOST_SCALE_HTTP=1 (FedEx over HTTP to the
// sandbox instead of in-process carriers), WAYPOST_SCALE_ROUTES=express
// (UPS and FedEx door to door: no hand-offs), WAYPOST_SCALE_SECONDS (how
// long to measure, default 60), WAYPOST_SCALE_CPUPROFILE (a file: CPU
// profile of the measured seconds only, without the loading).
//
// The parcels are spread over tenants that share a pool of 20,000 scripted
// journeys (tracking numbers are unique per tenant), so the sandbox stays
// small while the database holds N parcels. The rows are bulk-loaded with
// each parcel's progress as of the sandbox's frozen clock, so a check finds
// no news: the figure is the steady-state rate of claim, carrier call,
// policy and reschedule, the work that dominates once parcels are known.
func TestScale(t *testing.T) {
	v := os.Getenv("WAYPOST_TRACKER_SCALE")
	if v == "" {
		t.Skip("set WAYPOST_TRACKER_SCALE=1000000 to run the scale measurement")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("WAYPOST_TRACKER_SCALE=%q: want a positive number", v)
	}
	seconds := 60
	if s := os.Getenv("WAYPOST_SCALE_SECONDS"); s != "" {
		seconds, _ = strconv.Atoi(s)
	}
	httpMode := os.Getenv("WAYPOST_SCALE_HTTP") == "1"
	engine := os.Getenv("WAYPOST_SCALE_ENGINE")
	if engine == "" {
		engine = "sqlite"
	}
	pool := min(n, 20000)
	o := sim.Options{Seed: 21, N: pool, Spread: 10 * 24 * time.Hour, ClockStart: sandbox.DefaultStart.Add(12 * 24 * time.Hour), InProcess: !httpMode}
	routes := "all routes (first checks of hand-offs included)"
	if os.Getenv("WAYPOST_SCALE_ROUTES") == "express" {
		o.Carriers, routes = []string{"ups", "fedex"}, "express routes (no hand-offs)"
	}
	if httpMode {
		o.Carriers, o.HTTPCarriers = []string{"fedex"}, []string{"fedex"}
		o.RequestsPerSecond = 5000
		routes = "FedEx express"
	}
	s, err := sim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	var st store.Store
	var load func(rows []seedRow, tenants []int64) error
	switch engine {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "scale.db")
		st = testdb.OpenSQLiteAt(t, path, sqlite.Options{Now: s.Now, Logger: quietLog})
		load = func(rows []seedRow, tenants []int64) error { return loadSQLite(path, rows, tenants, n, s.Now()) }
	case "postgres":
		u := pgSchema(t)
		st = testdb.OpenPostgres(t, u, postgres.Options{Now: s.Now, Logger: quietLog, MaxConns: 16})
		load = func(rows []seedRow, tenants []int64) error { return loadPostgres(ctx, u, rows, tenants, n, s.Now()) }
	default:
		t.Fatalf("WAYPOST_SCALE_ENGINE=%q: want sqlite or postgres", engine)
	}

	tenants := make([]int64, (n+pool-1)/pool)
	for i := range tenants {
		tn := shipment.Tenant{Slug: fmt.Sprintf("shop-%d", i), Name: "Shop"}
		if err := st.CreateTenant(ctx, &tn); err != nil {
			t.Fatal(err)
		}
		tenants[i] = tn.ID
	}
	rows := seedRows(s)
	loadStart := time.Now()
	if err := load(rows, tenants); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d parcels in %s (%s)", n, time.Since(loadStart).Round(time.Second), engine)

	var checked atomic.Int64
	bar := progressbar.NewOptions(seconds, progressbar.OptionSetDescription("measuring"), progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(false))
	tr, err := tracker.New(tracker.Config{
		Store: st, Connectors: s.Connectors, Now: s.Now, Node: "scale", Logger: quietLog,
		Handoff: tracker.HandoffRules{PostOf: simcarrier.PostOf}, ClaimBatch: 1000, MaxInFlight: 8000, Workers: 8,
		OnCheck: func(c tracker.Check) {
			if c.Outcome != "deferred" { // a deferral asks no carrier
				checked.Add(1)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	runtime.GC()
	if path := os.Getenv("WAYPOST_SCALE_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	cpu0 := cpuTime()
	go func() { done <- tr.Run(runCtx) }()
	start := time.Now()
	var peakRSS int64
	for i := range seconds {
		time.Sleep(time.Until(start.Add(time.Duration(i+1) * time.Second)))
		_ = bar.Add(1)
		bar.Describe(fmt.Sprintf("measuring: %d checks", checked.Load()))
		peakRSS = max(peakRSS, rssBytes())
		if checked.Load() >= int64(n) {
			break
		}
	}
	elapsed := time.Since(start)
	total := checked.Load()
	// How many of the machine's cores the process kept busy: well under
	// GOMAXPROCS means the rate is bound by waiting, not by CPU.
	// CPU time per check is the figure that does not depend on how busy
	// the machine is.
	cpu := cpuTime() - cpu0
	cores := cpu.Seconds() / elapsed.Seconds()
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_ = bar.Finish()
	fmt.Fprintln(os.Stderr)
	mode := "in-process sandbox carriers"
	if httpMode {
		mode = "FedEx over HTTP to the sandbox, batches of 30"
	}
	t.Logf("%s, %d active parcels, %s, %s: %d checks in %s = %.0f checks/s; peak RSS %d MB; CPU %.0f µs per check, %.2f cores of GOMAXPROCS %d (load average %s); stats %+v",
		engine, n, mode, routes, total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), peakRSS>>20,
		float64(cpu.Microseconds())/float64(max(total, 1)), cores, runtime.GOMAXPROCS(0), loadAverage(), tr.Stats())
}

// seedRow is one journey's first leg with its progress at the clock.
type seedRow struct {
	carrier, number, dest string
	prog                  shipment.Progress
}

func seedRows(s *sim.Sim) []seedRow {
	now := s.Now()
	out := make([]seedRow, len(s.Journeys))
	for i, j := range s.Journeys {
		l := j.Legs[0]
		var events []shipment.Event
		for _, st := range j.Visible(0, now) {
			events = append(events, simcarrier.Event(l.Carrier, l.Number, st))
		}
		prog := shipment.NewProgress()
		if len(events) > 0 {
			prog = shipment.Derive(events)
		}
		out[i] = seedRow{carrier: l.Carrier, number: l.Number, dest: j.Destination.Country, prog: prog}
	}
	return out
}

func usOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// loadSQLite bulk-loads n shipments with one parcel each through its own
// connection, in large transactions.
func loadSQLite(path string, rows []seedRow, tenants []int64, n int, now time.Time) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	bar := progressbar.NewOptions(n, progressbar.OptionSetDescription("loading"), progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowCount())
	defer fmt.Fprintln(os.Stderr)
	nowUS := now.UnixMicro()
	for from := 0; from < n; from += 50000 {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		shStmt, err := tx.Prepare(`INSERT INTO shipments (id, tenant_id, reference, destination_country, origin_country, created_at, updated_at) VALUES (?, ?, ?, ?, 'CN', ?, ?)`)
		if err != nil {
			return err
		}
		pStmt, err := tx.Prepare(`INSERT INTO parcels (id, tenant_id, shipment_id, carrier, tracking_number, leg, status, substatus, status_at, last_event_at, next_check_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for i := from; i < min(n, from+50000); i++ {
			r := rows[i%len(rows)]
			tenant := tenants[i/len(rows)]
			id := int64(i + 1)
			if _, err := shStmt.Exec(id, tenant, "S"+strconv.Itoa(i), r.dest, nowUS, nowUS); err != nil {
				return err
			}
			if _, err := pStmt.Exec(id, tenant, id, r.carrier, r.number, string(r.prog.Status), string(r.prog.Substatus),
				usOrNull(r.prog.StatusAt), usOrNull(r.prog.LastEventAt), nowUS, nowUS, nowUS); err != nil {
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		_ = bar.Add(min(n, from+50000) - from)
	}
	_, err = db.Exec("ANALYZE")
	return err
}

// loadPostgres bulk-loads with COPY.
func loadPostgres(ctx context.Context, u string, rows []seedRow, tenants []int64, n int, now time.Time) error {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	bar := progressbar.NewOptions(2*n, progressbar.OptionSetDescription("loading"), progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowCount())
	defer fmt.Fprintln(os.Stderr)
	i := 0
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"shipments"}, []string{"id", "tenant_id", "reference", "destination_country", "origin_country", "created_at", "updated_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			r := rows[i%len(rows)]
			i++
			if i%10000 == 0 {
				_ = bar.Add(10000)
			}
			return []any{int64(i), tenants[(i-1)/len(rows)], "S" + strconv.Itoa(i-1), r.dest, "CN", now, now}, nil
		}))
	if err != nil {
		return err
	}
	i = 0
	nullT := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t
	}
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"parcels"}, []string{"id", "tenant_id", "shipment_id", "carrier", "tracking_number", "leg",
		"status", "substatus", "status_at", "last_event_at", "next_check_at", "created_at", "updated_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			r := rows[i%len(rows)]
			i++
			if i%10000 == 0 {
				_ = bar.Add(10000)
			}
			return []any{int64(i), tenants[(i-1)/len(rows)], int64(i), r.carrier, r.number, int32(1), string(r.prog.Status), string(r.prog.Substatus),
				nullT(r.prog.StatusAt), nullT(r.prog.LastEventAt), now, now, now}, nil
		}))
	if err != nil {
		return err
	}
	for _, q := range []string{
		"SELECT setval(pg_get_serial_sequence('shipments', 'id'), (SELECT max(id) FROM shipments))",
		"SELECT setval(pg_get_serial_sequence('parcels', 'id'), (SELECT max(id) FROM parcels))",
		"ANALYZE shipments", "ANALYZE parcels",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// cpuTime is the CPU time this process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the machine's one-minute load average, as text: the
// figures depend on what else runs.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

// rssBytes is this process's resident memory.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}
