package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/carrier/aftership"
	"github.com/waypost/waypost/carrier/seventeentrack"
	"github.com/waypost/waypost/server"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/tracker"
)

func init() { register(newServeCmd) }

// serveFlags are the flags of serve, shared by demo.
type serveFlags struct {
	listen       string
	db           dbFlags
	carriers     string
	node         string
	workers      int
	claimBatch   int
	maxInFlight  int
	lease        time.Duration
	expireAfter  time.Duration
	push17track  string
	pushAfterShp string
	logLevel     string
}

func addServeFlags(fs *pflag.FlagSet, f *serveFlags) {
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to serve HTTP on")
	addDBFlags(fs, &f.db)
	fs.StringVar(&f.carriers, "carriers", "", "carriers file (JSON); credentials may also come from WAYPOST_<SLUG>_<FIELD> variables")
	fs.StringVar(&f.node, "node", "", "name of this node in parcel leases (default host-pid-random)")
	fs.IntVar(&f.workers, "workers", 4, "concurrent carrier calls per carrier")
	fs.IntVar(&f.claimBatch, "claim-batch", 500, "most due parcels leased per claim")
	fs.IntVar(&f.maxInFlight, "max-inflight", 4000, "most parcels leased and not yet checked")
	fs.DurationVar(&f.lease, "lease", 5*time.Minute, "lease on a claimed parcel; another node takes it over when it expires")
	fs.DurationVar(&f.expireAfter, "expire-after", 30*24*time.Hour, "stop tracking a parcel without new data for this long")
	fs.StringVar(&f.push17track, "push-17track-key", "", "17TRACK security key for pushes to /hooks/17track (default: the API key of a slug routed through 17track)")
	fs.StringVar(&f.pushAfterShp, "push-aftership-secret", "", "AfterShip webhook secret for pushes to /hooks/aftership")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn, error")
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server and the tracker",
		Long: `Serve HTTP and track every active parcel in the database.

The tracker leases due parcels from the database, asks their carriers in
batches within each carrier's rate limit and daily quota, stores new events,
follows hand-offs to the next carrier and schedules each parcel's next check
from its status. Several 'waypost serve' processes on one PostgreSQL database
share the work; a stopped process releases its leases, a killed one lets
them expire.

HTTP: /healthz (database ping), /metrics (Prometheus), /hooks/17track and
/hooks/aftership (carrier pushes, when a key is configured).

Every flag is also an environment variable: --database-url is
WAYPOST_DATABASE_URL, --listen is WAYPOST_LISTEN, and so on.`,
		Example: `  waypost serve
  waypost serve --listen :8080 --carriers carriers.json
  WAYPOST_DATABASE_URL=postgres://waypost@db/waypost waypost serve`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log, err := newLogger(cmd.ErrOrStderr(), f.logLevel)
			if err != nil {
				return err
			}
			st, err := f.db.open(ctx, true)
			if err != nil {
				return err
			}
			defer st.Close()
			reg := newRegistry()
			cm, err := carrier.NewMetrics(reg)
			if err != nil {
				return err
			}
			conns, cfgs, err := openConnectors(f.carriers, cm, log)
			if err != nil {
				return err
			}
			log.Info("waypost serve", "database", f.db.describe(), "carriers", slugs(conns))
			a := app{flags: f, store: st, connectors: conns, registry: reg, log: log, carrierConfigs: cfgs}
			return a.run(ctx, cmd.OutOrStdout())
		},
	}
	addServeFlags(cmd.Flags(), &f)
	addPartFlags(cmd.Flags())
	return cmd
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// openConnectors opens a connector for every configured carrier slug. A
// slug whose connector cannot be opened (missing credentials) is skipped
// with a warning, so one bad entry does not stop the others.
func openConnectors(file string, m *carrier.Metrics, log *slog.Logger) (map[string]carrier.Connector, map[string]carrier.Config, error) {
	cfgs, err := carrier.LoadConfig(file, os.LookupEnv, carrier.Drivers()...)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]carrier.Connector{}
	for slug, cfg := range cfgs {
		cfg.Metrics, cfg.Logger = m, log
		c, err := carrier.Open(slug, cfg)
		if err != nil {
			log.Warn("carrier not available", "carrier", slug, "error", err)
			continue
		}
		out[slug] = c
	}
	return out, cfgs, nil
}

func slugs(m map[string]carrier.Connector) []string {
	out := make([]string, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// app is a configured server and tracker, run by serve and demo.
type app struct {
	flags          serveFlags
	store          store.Store
	connectors     map[string]carrier.Connector
	carrierConfigs map[string]carrier.Config
	registry       *prometheus.Registry
	log            *slog.Logger
	// now is the tracker's clock (the demo's simulated one); nil: real.
	now     func() time.Time
	handoff tracker.HandoffRules
	// ready, when set, is called with the listening address and the
	// tracker once both run.
	ready func(addr string, t *tracker.Tracker)
	// mount adds handlers before the server starts.
	mount func(s *server.Server, t *tracker.Tracker)
	// leaseFor overrides --lease (the demo's leases are in simulated time).
	leaseFor time.Duration
	onCheck  func(tracker.Check)
	// defaultTenant owns data created without a tenant (the demo's shop).
	defaultTenant int64
	demo          bool
}

func (a app) run(ctx context.Context, stdout io.Writer) error {
	tm, err := tracker.NewMetrics(a.registry)
	if err != nil {
		return err
	}
	lease := a.flags.lease
	if a.leaseFor > 0 {
		lease = a.leaseFor
	}
	tr, err := tracker.New(tracker.Config{
		Store: a.store, Connectors: a.connectors, Now: a.now, Node: a.flags.node,
		Policy:  tracker.Policy{ExpireAfter: a.flags.expireAfter},
		Handoff: a.handoff, LeaseFor: lease, ClaimBatch: a.flags.claimBatch, MaxInFlight: a.flags.maxInFlight,
		Workers: a.flags.workers, Logger: a.log, Metrics: tm, OnCheck: a.onCheck,
	})
	if err != nil {
		return err
	}
	now := a.now
	if now == nil {
		now = time.Now
	}
	if err := a.registry.Register(tracker.NewDueCollector(a.store, now)); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	srv := server.New(server.Options{Health: storeHealth(a.store), Gatherer: a.registry, Logger: a.log})
	a.mountPush(srv, tr)
	if a.mount != nil {
		a.mount(srv, tr)
	}
	ln, err := net.Listen("tcp", a.flags.listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", a.flags.listen, err)
	}
	addr := "http://" + ln.Addr().String()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	env := &partEnv{Ctx: runCtx, Store: a.store, Server: srv, Tracker: tr, Registry: a.registry, Log: a.log,
		Now: now, BaseURL: addr, DefaultTenantID: a.defaultTenant, Demo: a.demo}
	loops, err := startParts(env)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(stdout, "waypost: serving %s (tracker node %s)\n", addr, tr.Node())

	var wg sync.WaitGroup
	errs := make([]error, 2+len(loops))
	wg.Go(func() {
		errs[0] = tr.Run(runCtx)
		stop()
	})
	wg.Go(func() {
		errs[1] = srv.Serve(runCtx, ln)
		stop()
	})
	for i, loop := range loops {
		wg.Go(func() {
			if err := loop(runCtx); err != nil && runCtx.Err() == nil {
				errs[2+i] = err
			}
			stop()
		})
	}
	if a.ready != nil {
		a.ready(addr, tr)
	}
	wg.Wait()
	a.log.Info("waypost: stopped", "checked", tr.Stats().Checked)
	return errors.Join(errs...)
}

// mountPush mounts the aggregators' push endpoints that have a key.
func (a app) mountPush(srv *server.Server, tr *tracker.Tracker) {
	key17 := carrier.NewSecret(a.flags.push17track)
	if key17.IsZero() {
		for _, c := range a.carrierConfigs {
			if c.ConnectorName() == "17track" && !c.APIKey.IsZero() {
				key17 = c.APIKey
				break
			}
		}
	}
	if !key17.IsZero() {
		srv.Handle("POST /hooks/17track", seventeentrack.NewWebhookHandler(key17, func(ctx context.Context, rs []carrier.Result) error {
			_, err := tr.Push(ctx, "17track", rs)
			return err
		}))
	}
	if a.flags.pushAfterShp != "" {
		srv.Handle("POST /hooks/aftership", aftership.NewWebhookHandler(carrier.NewSecret(a.flags.pushAfterShp), func(ctx context.Context, rs []carrier.Result) error {
			_, err := tr.Push(ctx, "aftership", rs)
			return err
		}))
	}
}

// storeHealth pings the database.
func storeHealth(st store.Store) func(ctx context.Context) error {
	return st.Ping
}
