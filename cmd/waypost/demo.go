package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/server"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/sqlite"
	"github.com/waypost/waypost/tracker"
	"github.com/waypost/waypost/tracker/sim"
	"github.com/waypost/waypost/tracker/simcarrier"
)

func init() { register(newDemoCmd) }

type demoFlags struct {
	shipments int
	speed     float64
	seed      uint64
}

func newDemoCmd() *cobra.Command {
	var (
		f serveFlags
		d demoFlags
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Serve a demo shop whose parcels move in accelerated time",
		Long: `Start Waypost on a fresh SQLite file with a demo shop of cross-border shipments
and the carrier sandbox: fake UPS, FedEx, DHL, USPS, Royal Mail, Canada Post,
La Poste, PostNL and Australia Post APIs on loopback (plus in-process stand-ins
for China Post, Cainiao and YunExpress), all on one simulated clock running
--speed times faster than real time (default 3600: a second is an hour).

Parcels leave China, clear customs (some are held until duties are paid), are
handed over to the destination carrier, fail a delivery or wait at a post office,
and are delivered or returned. The tracker polls them exactly as it polls real
carriers. Watch them at /demo/shipments.

Takes the flags of 'waypost serve'. The database is a new temporary file unless
--db names a file that does not exist yet.`,
		Example: `  go run ./cmd/waypost demo
  waypost demo --listen :8080 --shipments 500 --speed 7200`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), cmd, f, d)
		},
	}
	addServeFlags(cmd.Flags(), &f)
	addPartFlags(cmd.Flags())
	cmd.Flags().IntVar(&d.shipments, "shipments", 300, "shipments in the demo shop")
	cmd.Flags().Float64Var(&d.speed, "speed", 3600, "simulated seconds per real second")
	cmd.Flags().Uint64Var(&d.seed, "seed", 1, "seed of the scripted journeys")
	return cmd
}

// demoHistory is how far back the demo shop's first orders go: at start,
// some parcels are delivered, some in flight, some just labelled.
const demoHistory = 12 * 24 * time.Hour

func runDemo(ctx context.Context, cmd *cobra.Command, f serveFlags, d demoFlags) error {
	out := cmd.OutOrStdout()
	log, err := newLogger(cmd.ErrOrStderr(), orDefault(f.logLevel, "warn", cmd.Flags().Changed("log-level")))
	if err != nil {
		return err
	}
	if d.shipments <= 0 || d.speed <= 0 {
		return errors.New("demo: --shipments and --speed must be positive")
	}
	start := sandbox.DefaultStart
	reg := newRegistry()
	cm, err := carrier.NewMetrics(reg)
	if err != nil {
		return err
	}
	s, err := sim.Start(sim.Options{
		Seed: d.seed, N: d.shipments, Start: start, Spread: demoHistory + 6*24*time.Hour,
		ClockStart: start.Add(demoHistory), Speed: d.speed, Metrics: cm,
	})
	if err != nil {
		return err
	}
	defer s.Close()

	st, where, cleanup, err := openDemoStore(ctx, cmd, f, s.Now)
	if err != nil {
		return err
	}
	defer cleanup()
	defer st.Close()
	tn, _, err := s.Seed(ctx, st, sim.SeedOptions{})
	if err != nil {
		return err
	}

	var checks atomic.Int64
	a := app{
		flags: f, store: st, connectors: s.Connectors, registry: reg, log: log, now: s.Now,
		handoff: tracker.HandoffRules{PostOf: simcarrier.PostOf},
		// Leases are in simulated time: half a real minute.
		leaseFor:      time.Duration(30 * d.speed * float64(time.Second)),
		onCheck:       func(tracker.Check) { checks.Add(1) },
		defaultTenant: tn.ID, demo: true,
		mount: func(srv *server.Server, _ *tracker.Tracker) {
			mountDemo(srv, st, tn, s, d)
		},
	}
	a.ready = func(addr string, _ *tracker.Tracker) {
		fmt.Fprintf(out, "\nWaypost demo: %d shipments of %q moving at %gx (one real second is %s of carrier time).\n",
			d.shipments, tn.Name, d.speed, time.Duration(d.speed*float64(time.Second)))
		fmt.Fprintf(out, "  database:   %s\n", where)
		fmt.Fprintf(out, "  shipments:  %s/demo/shipments   (?status=in_transit, ...)\n", addr)
		fmt.Fprintf(out, "  a shipment: %s/demo/shipments/1  (timeline of all legs, parcel freshness)\n", addr)
		fmt.Fprintf(out, "  tracking:   %s/track        (look a number up as a buyer would)\n", addr)
		fmt.Fprintf(out, "  dashboard:  %s/app          (sign in with the demo admin printed above)\n", addr)
		if os.Getenv("WAYPOST_API_KEY") != "" {
			fmt.Fprintf(out, "  REST API:   %s/api/v1/trackings  (Authorization: Bearer $WAYPOST_API_KEY; document at /api/v1/openapi.json)\n", addr)
		} else {
			fmt.Fprintf(out, "  REST API:   %s/api/v1/openapi.json  (set WAYPOST_API_KEY to get a key for the demo shop)\n", addr)
		}
		fmt.Fprintf(out, "  metrics:    %s/metrics   health: %s/healthz\n", addr, addr)
		fmt.Fprintf(out, "  carriers:   sandbox at %s (%s); in-process: %s\n", sandboxURL(s), strings.Join(httpCarriers(s), ", "), strings.Join(s.InProcessCarriers, ", "))
		fmt.Fprintf(out, "Press Ctrl-C to stop.\n\n")
		go demoProgress(ctx, out, st, tn.ID, s, &checks)
	}
	return a.run(ctx, out)
}

func orDefault(v, def string, changed bool) string {
	if changed {
		return v
	}
	return def
}

// openDemoStore opens the demo database on the simulated clock: a new
// temporary SQLite file, the --db file if it does not exist yet, or the
// PostgreSQL database of --database-url.
func openDemoStore(ctx context.Context, cmd *cobra.Command, f serveFlags, now func() time.Time) (store.Store, string, func(), error) {
	noop := func() {}
	if f.db.url != "" {
		st, err := postgres.Open(ctx, f.db.url, postgres.Options{Now: now})
		if err != nil {
			return nil, "", noop, fmt.Errorf("demo: %w", err)
		}
		return st, f.db.describe(), noop, nil
	}
	path, cleanup := f.db.path, noop
	if !cmd.Flags().Changed("db") {
		dir, err := os.MkdirTemp("", "waypost-demo-")
		if err != nil {
			return nil, "", noop, fmt.Errorf("demo: %w", err)
		}
		path, cleanup = filepath.Join(dir, "demo.db"), func() { _ = os.RemoveAll(dir) }
	} else if _, err := os.Stat(path); err == nil {
		return nil, "", noop, fmt.Errorf("demo: %s exists; the demo needs a fresh database (omit --db for a temporary one)", path)
	}
	st, err := sqlite.Open(ctx, path, sqlite.Options{Now: now})
	if err != nil {
		cleanup()
		return nil, "", noop, fmt.Errorf("demo: %w", err)
	}
	return st, "SQLite " + path, cleanup, nil
}

func sandboxURL(s *sim.Sim) string {
	if s.Server == nil {
		return "-"
	}
	return s.Server.URL()
}

func httpCarriers(s *sim.Sim) []string {
	if s.Server == nil {
		return nil
	}
	return s.Server.Carriers()
}

// demoProgress prints one line of status counts: rewritten in place on a
// terminal, every ten seconds otherwise.
func demoProgress(ctx context.Context, w io.Writer, st store.Store, tenantID int64, s *sim.Sim, checks *atomic.Int64) {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	every := 10 * time.Second
	if tty {
		every = time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			if tty {
				fmt.Fprintln(w)
			}
			return
		case <-tick.C:
		}
		counts, err := countStatuses(ctx, st, tenantID)
		if err != nil {
			continue
		}
		line := fmt.Sprintf("%s  checks %d  %s", s.Now().Format("2006-01-02 15:04"), checks.Load(), formatCounts(counts))
		if tty {
			fmt.Fprintf(w, "\r\033[K%s", line)
		} else {
			fmt.Fprintln(w, line)
		}
	}
}

func countStatuses(ctx context.Context, st store.Store, tenantID int64) (map[status.Status]int, error) {
	counts := map[status.Status]int{}
	q := store.ListQuery{Limit: 1000}
	for {
		page, err := st.ListShipments(ctx, tenantID, q)
		if err != nil {
			return nil, err
		}
		for _, sh := range page.Shipments {
			counts[sh.Status]++
		}
		if page.Next == "" {
			return counts, nil
		}
		q.Cursor = page.Next
	}
}

// formatCounts lists statuses in journey order.
func formatCounts(c map[status.Status]int) string {
	order := []status.Status{status.Pending, status.InfoReceived, status.InTransit, status.OutForDelivery,
		status.AttemptFail, status.AvailableForPickup, status.Exception, status.Delivered, status.Expired}
	var parts []string
	for _, s := range order {
		if c[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, c[s]))
		}
	}
	return strings.Join(parts, " · ")
}

// mountDemo adds the read-only JSON views of the demo shop.
func mountDemo(srv *server.Server, st store.Store, tn shipment.Tenant, s *sim.Sim, d demoFlags) {
	srv.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		server.WriteJSON(w, http.StatusOK, map[string]any{
			"name": "Waypost demo", "tenant": tn.Name, "shipments": d.shipments, "speed": d.speed,
			"simulated_time": s.Now(),
			"links": map[string]string{"shipments": "/demo/shipments", "shipment": "/demo/shipments/{id}",
				"metrics": "/metrics", "health": "/healthz"},
		})
	})
	srv.HandleFunc("GET /demo/shipments", func(w http.ResponseWriter, r *http.Request) {
		q := store.ListQuery{Limit: 1000, Status: status.Status(r.URL.Query().Get("status"))}
		if q.Status != "" && !q.Status.Valid() {
			server.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "unknown status " + strconv.Quote(string(q.Status))})
			return
		}
		var list []demoShipment
		counts := map[status.Status]int{}
		for {
			page, err := st.ListShipments(r.Context(), tn.ID, q)
			if err != nil {
				server.WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
				return
			}
			for _, sh := range page.Shipments {
				counts[sh.Status]++
				list = append(list, demoShipment{ID: sh.ID, Reference: sh.Reference, Destination: sh.DestinationCountry,
					Status: sh.Status, Substatus: sh.Substatus, StatusAt: sh.StatusAt, URL: fmt.Sprintf("/demo/shipments/%d", sh.ID)})
			}
			if page.Next == "" {
				break
			}
			q.Cursor = page.Next
		}
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
		server.WriteJSON(w, http.StatusOK, map[string]any{"simulated_time": s.Now(), "counts": counts, "shipments": list})
	})
	srv.HandleFunc("GET /demo/shipments/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			server.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "shipment id must be a number"})
			return
		}
		sh, err := st.GetShipment(r.Context(), tn.ID, id)
		if err != nil {
			code := http.StatusInternalServerError
			if errors.Is(err, store.ErrNotFound) {
				code = http.StatusNotFound
			}
			server.WriteJSON(w, code, map[string]string{"error": err.Error()})
			return
		}
		parcels, err1 := st.ListParcels(r.Context(), tn.ID, id)
		events, err2 := st.ListEvents(r.Context(), tn.ID, id)
		if err := errors.Join(err1, err2); err != nil {
			server.WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		if events == nil {
			events = []shipment.Event{}
		}
		server.WriteJSON(w, http.StatusOK, map[string]any{"simulated_time": s.Now(), "shipment": sh, "parcels": parcels, "events": events})
	})
}

type demoShipment struct {
	ID          int64            `json:"id"`
	Reference   string           `json:"reference"`
	Destination string           `json:"destination_country"`
	Status      status.Status    `json:"status"`
	Substatus   status.Substatus `json:"substatus"`
	StatusAt    time.Time        `json:"status_at,omitzero"`
	URL         string           `json:"url"`
}
