package main

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"

	"github.com/waypost/waypost/server"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/tracker"
)

// A part is one piece of the running server beside the tracker: the REST
// API, the tracking page, the dashboard, notifications, alerts, shop
// integrations. Each part's file registers itself with registerPart, adds
// its own flags to serve and demo, mounts its handlers and starts its
// background loops, so adding a part touches one file.
type part struct {
	// name orders the parts' start (and names them in errors).
	name string
	// flags adds the part's flags to serve and demo; nil for none. The
	// values it binds are read in start.
	flags func(fs *pflag.FlagSet)
	// start mounts handlers on env.Server and starts loops with env.Go.
	start func(env *partEnv) error
}

var parts []part

//lint:ignore U1000 parts call it from their own files' init functions.
func registerPart(p part) { parts = append(parts, p) }

// addPartFlags adds every part's flags to fs.
func addPartFlags(fs *pflag.FlagSet) {
	for _, p := range parts {
		if p.flags != nil {
			p.flags(fs)
		}
	}
}

// partEnv is what a part gets at start.
type partEnv struct {
	// Ctx ends when the server stops.
	Ctx      context.Context
	Store    store.Store
	Server   *server.Server
	Tracker  *tracker.Tracker
	Registry *prometheus.Registry
	Log      *slog.Logger
	// Now is the clock (the demo's is simulated).
	Now func() time.Time
	// BaseURL is the server's public address, e.g. http://127.0.0.1:8080,
	// for links in messages and pages.
	BaseURL string
	// DefaultTenantID is the tenant that owns data created without one
	// (the demo's shop); 0 outside the demo.
	DefaultTenantID int64
	// Demo is set under `waypost demo`.
	Demo bool

	loops []func(ctx context.Context) error
}

// Go runs f for as long as the server runs; an error from f stops the
// server.
func (e *partEnv) Go(f func(ctx context.Context) error) { e.loops = append(e.loops, f) }

// startParts starts every registered part in name order and returns the
// loops they asked to run.
func startParts(env *partEnv) ([]func(ctx context.Context) error, error) {
	sorted := append([]part(nil), parts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, p := range sorted {
		if err := p.start(env); err != nil {
			return nil, fmt.Errorf("start %s: %w", p.name, err)
		}
	}
	return env.loops, nil
}
