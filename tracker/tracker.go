// Package tracker is Waypost's poller. It keeps every active parcel
// checked at the right moment and no more often:
//
//   - The parcel row is the schedule. A node claims the parcels that are
//     due with a lease (store.ClaimDue: FOR UPDATE SKIP LOCKED on
//     PostgreSQL), checks them, and writes the outcome and the next check
//     time in one statement that also releases the lease. Any number of
//     nodes share one database; a node that dies loses nothing, its leases
//     expire and another node takes the parcels.
//   - When a parcel is checked next is decided by Policy, a pure function
//     of its status and history: soon after creation, close around
//     milestones, rarely in flight, once more after a final status, never
//     after that; errors back off; silent parcels expire.
//   - Claimed parcels go to one lane per carrier, where a bounded number of
//     workers send batches of up to the carrier's batch size. A carrier
//     whose circuit is open, whose daily quota is spent or that asked us to
//     wait has its parcels pushed forward instead of hammered, and other
//     carriers go on.
//   - Events from checks and pushes are ingested idempotently into the
//     parcel's shipment; a hand-off to another carrier opens the next leg on
//     the same shipment, so one timeline follows the parcel to the door.
package tracker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// Config configures a Tracker.
type Config struct {
	// Store holds the parcels; required.
	Store store.Store
	// Connectors by carrier slug. Parcels of a carrier without one are
	// pushed back by NoConnectorDelay.
	Connectors map[string]carrier.Connector
	// Now is the tracker's clock; nil means time.Now. The demo passes the
	// sandbox's accelerated clock; all durations below are in this clock.
	Now func() time.Time
	// Node names this process in leases; empty means host-pid-random.
	Node string
	// Policy decides next checks; zero values take the defaults.
	Policy Policy
	// Handoff configures hand-off detection.
	Handoff HandoffRules
	// LeaseFor is how long a claim is held before another node may take
	// it; it must cover queueing plus the carrier call. Default 5 minutes.
	LeaseFor time.Duration
	// ClaimBatch is the most parcels claimed at once (default 500);
	// MaxInFlight the most claimed and not yet rescheduled (default 4000).
	ClaimBatch, MaxInFlight int
	// Workers is the number of concurrent carrier calls per carrier
	// (default 4).
	Workers int
	// Idle is the real-time pause between claims when nothing was due
	// (default 1s).
	Idle time.Duration
	// CallTimeout bounds one carrier call in real time (default 1 minute).
	CallTimeout time.Duration
	// NoConnectorDelay pushes back parcels of unconfigured carriers
	// (default 6h).
	NoConnectorDelay time.Duration
	// CircuitPause is the real time a carrier with an open circuit is left
	// alone (default 30s, the connectors' breaker timeout).
	CircuitPause time.Duration
	// Logger receives operational logs; nil means slog.Default().
	Logger *slog.Logger
	// Metrics, when not nil, records the tracker's metrics.
	Metrics *Metrics
	// OnCheck, when not nil, is called after each parcel check was
	// recorded (tests and the demo watch progress with it).
	OnCheck func(Check)
}

// Check describes one finished parcel check.
type Check struct {
	Node     string
	Parcel   shipment.Parcel // as claimed, before the check
	At       time.Time       // the tracker's clock when the answer came
	Started  time.Time       // real time the carrier call began
	Finished time.Time       // real time the outcome went to the store
	// Outcome is "ok", "not_found", "error" or "deferred".
	Outcome   string
	NewEvents int
	Substatus string
	Next      Decision
	Handoff   *Handoff
	// Lost is true when the outcome could not be stored because the lease
	// had passed to another node.
	Lost bool

	expireAt time.Time // when the parcel expired, for its expiry event
}

// Tracker polls carriers for due parcels. Create it with New and run it
// with Run.
type Tracker struct {
	cfg   Config
	log   *slog.Logger
	lanes map[string]*lane

	// The clock's reading at start, to tell how fast it runs against real
	// time (the demo's is accelerated): carriers' waits are in real time.
	clock0, real0 time.Time

	inflight atomic.Int64
	held     leases        // leases of the parcels in flight, renewed while they wait
	etas     carrierETAs   // the carriers' last declared delivery dates
	claims   atomic.Int64  // claim sequence, part of the lease owner
	wake     chan struct{} // a slot freed up
	stats    counters
}

// New validates cfg and returns a tracker.
func New(cfg Config) (*Tracker, error) {
	if cfg.Store == nil {
		return nil, errors.New("tracker: a store is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Node == "" {
		cfg.Node = defaultNode()
	}
	cfg.Policy = cfg.Policy.withDefaults()
	setDefault(&cfg.LeaseFor, 5*time.Minute)
	setDefault(&cfg.Idle, time.Second)
	setDefault(&cfg.CallTimeout, time.Minute)
	setDefault(&cfg.NoConnectorDelay, 6*time.Hour)
	setDefault(&cfg.CircuitPause, 30*time.Second)
	if cfg.ClaimBatch <= 0 {
		cfg.ClaimBatch = 500
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 4000
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	t := &Tracker{cfg: cfg, log: cfg.Logger, lanes: map[string]*lane{}, wake: make(chan struct{}, 1),
		clock0: cfg.Now(), real0: time.Now()}
	for slug, c := range cfg.Connectors {
		t.lanes[slug] = newLane(t, slug, c)
	}
	return t, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

func defaultNode() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// clockDuration converts a real-time wait (a Retry-After, a breaker's
// timeout) into the tracker's clock, which may run faster.
func (t *Tracker) clockDuration(d time.Duration) time.Duration {
	real := time.Since(t.real0)
	if real < time.Second {
		return d
	}
	rate := float64(t.cfg.Now().Sub(t.clock0)) / float64(real)
	if rate <= 1 {
		return d
	}
	return time.Duration(float64(d) * rate)
}

// Node is the name this tracker leases parcels under.
func (t *Tracker) Node() string { return t.cfg.Node }

// Run claims and checks due parcels until ctx is cancelled. On return every
// claimed parcel has been either checked and rescheduled or released, so a
// graceful stop leaves no lease behind; a killed process leaves leases that
// simply expire.
func (t *Tracker) Run(ctx context.Context) error {
	// Lanes keep working on what was claimed after ctx ends; they get their
	// own context, cancelled only after the drain.
	laneCtx, stopLanes := context.WithCancel(context.WithoutCancel(ctx))
	defer stopLanes()
	var wg sync.WaitGroup
	for _, l := range t.lanes {
		wg.Go(func() { l.run(laneCtx) })
	}
	// Leases are renewed until the last claimed parcel is recorded.
	renewCtx, stopRenew := context.WithCancel(laneCtx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t.renewLoop(renewCtx)
	}()
	err := t.claimLoop(ctx)
	for _, l := range t.lanes {
		l.close()
	}
	wg.Wait()
	stopRenew()
	<-renewed
	return err
}

func (t *Tracker) claimLoop(ctx context.Context) error {
	idle := time.NewTimer(0)
	defer idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		default:
		}
		// Claim no more than the lanes can queue: parcels that find their
		// lane full are pushed back, a write for nothing.
		free := min(t.cfg.MaxInFlight-int(t.inflight.Load()), t.room())
		if free < min(t.cfg.ClaimBatch, t.cfg.MaxInFlight)/4 {
			// Wait for the lanes to catch up.
			select {
			case <-ctx.Done():
				return nil
			case <-t.wake:
			case <-time.After(t.cfg.Idle):
			}
			continue
		}
		want := min(free, t.cfg.ClaimBatch)
		n, err := t.claimOnce(ctx, want)
		if err != nil && ctx.Err() == nil {
			t.log.Warn("tracker: claim failed", "node", t.cfg.Node, "error", err)
		}
		if err == nil && n >= want {
			continue // more may be due right away
		}
		idle.Reset(t.cfg.Idle)
		select {
		case <-ctx.Done():
			return nil
		case <-idle.C:
		case <-t.wake: // a retrack, or room for more work
			if !idle.Stop() {
				<-idle.C
			}
		}
	}
}

// room is the free queue space of all lanes. Without any connector it is
// a whole claim, so parcels of unconfigured carriers are still pushed back.
func (t *Tracker) room() int {
	if len(t.lanes) == 0 {
		return t.cfg.ClaimBatch
	}
	n := 0
	for _, l := range t.lanes {
		n += cap(l.q) - len(l.q)
	}
	return n
}

// claimOnce claims up to want parcels and hands them to their lanes.
func (t *Tracker) claimOnce(ctx context.Context, want int) (int, error) {
	now := t.cfg.Now()
	// Each claim gets its own lease owner, so a parcel claimed again by
	// this node after its lease expired is told apart from the old claim.
	owner := fmt.Sprintf("%s#%d", t.cfg.Node, t.claims.Add(1))
	list, err := t.cfg.Store.ClaimDue(ctx, now, want, owner, t.cfg.LeaseFor)
	if err != nil {
		return 0, fmt.Errorf("tracker: claim: %w", err)
	}
	t.cfg.Metrics.claimed(len(list))
	t.stats.claimed.Add(int64(len(list)))
	for _, p := range list {
		l := t.lanes[p.Carrier]
		if l == nil {
			t.noConnector(ctx, p, now)
			continue
		}
		t.inflight.Add(1)
		t.held.add(p)
		if !l.offer(p) {
			t.held.drop(p)
			t.inflight.Add(-1)
			at, why := l.refusedUntil(now)
			t.postpone(ctx, p, spread(at, p.ID, at.Sub(now)), "deferred: "+why)
		}
	}
	t.cfg.Metrics.setInflight(t.inflight.Load())
	return len(list), nil
}

// done marks one claimed parcel finished.
func (t *Tracker) done(p shipment.Parcel) {
	t.held.drop(p)
	t.inflight.Add(-1)
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

func (t *Tracker) noConnector(ctx context.Context, p shipment.Parcel, now time.Time) {
	next := now.Add(t.cfg.NoConnectorDelay)
	err := t.cfg.Store.Reschedule(ctx, p.TenantID, p.ID, p.LeaseOwner, store.CheckResult{
		CheckedAt: now, NextCheckAt: next, Result: "no_connector", Reason: "no connector for this carrier: checking again later",
		Err: "no connector configured for carrier " + p.Carrier,
	})
	if err != nil {
		t.log.Warn("tracker: reschedule", "parcel_id", p.ID, "error", err)
	}
}

// postpone pushes a claimed parcel to at without counting a check.
func (t *Tracker) postpone(ctx context.Context, p shipment.Parcel, at time.Time, why string) {
	c := Check{Node: t.cfg.Node, Parcel: p, Started: time.Now(), Finished: time.Now(), Outcome: "deferred",
		Next: Decision{At: at, Reason: why}}
	err := deferParcel(ctx, t.cfg.Store, p, at, why)
	t.stats.deferred.Add(1)
	t.observe(c)
	if err != nil && ctx.Err() == nil {
		t.log.Warn("tracker: defer", "parcel_id", p.ID, "error", err)
	}
	t.cfg.Metrics.check(p.Carrier, "deferred")
}

// Stats are counters of one tracker since it started.
type Stats struct {
	Claimed, Checked, Errors, Deferred, NewEvents, Handoffs, LeasesLost int64
}

type counters struct {
	claimed, checked, errors, deferred, newEvents, handoffs, lost atomic.Int64
}

// Stats returns the tracker's counters.
func (t *Tracker) Stats() Stats {
	s := &t.stats
	return Stats{s.claimed.Load(), s.checked.Load(), s.errors.Load(), s.deferred.Load(),
		s.newEvents.Load(), s.handoffs.Load(), s.lost.Load()}
}
