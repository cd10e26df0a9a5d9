package tracker

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
)

// lane is one carrier's queue and workers. The queue is bounded so that a
// slow carrier cannot take every in-flight slot from the others: parcels
// that do not fit are pushed back a little instead.
type lane struct {
	t      *Tracker
	slug   string
	conn   carrier.Connector
	limits carrier.Limits
	q      chan shipment.Parcel
	stop   atomic.Bool

	mu        sync.Mutex
	pause     time.Time // clock time before which no call is made
	pauseWhy  string
	day       time.Time // UTC day of calls
	callsDay  int       // carrier calls this day, this node
	dayOrigin time.Time // first call of the day, for the quota pace
}

func newLane(t *Tracker, slug string, c carrier.Connector) *lane {
	lim := c.Limits()
	if lim.BatchSize <= 0 {
		lim.BatchSize = 1
	}
	// Enough queued work to keep every worker busy through a few rounds,
	// but no more than the carrier can get through within half a lease.
	capacity := lim.BatchSize * t.cfg.Workers * 8
	if lim.RequestsPerSecond > 0 {
		perLease := int(lim.RequestsPerSecond*t.cfg.LeaseFor.Seconds()/2) * lim.BatchSize
		capacity = max(min(capacity, perLease), lim.BatchSize)
	}
	capacity = min(capacity, t.cfg.MaxInFlight)
	return &lane{t: t, slug: slug, conn: c, limits: lim, q: make(chan shipment.Parcel, capacity)}
}

// offer queues p, or reports false when the lane is paused or full.
func (l *lane) offer(p shipment.Parcel) bool {
	if until, _ := l.paused(l.t.cfg.Now()); !until.IsZero() {
		return false
	}
	select {
	case l.q <- p:
		return true
	default:
		return false
	}
}

// paused returns the end of the current pause, or zero.
func (l *lane) paused(now time.Time) (time.Time, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Before(l.pause) {
		return l.pause, l.pauseWhy
	}
	return time.Time{}, ""
}

// refusedUntil is when a parcel refused by offer should come back, and
// why: the end of the pause, or shortly when the lane was merely full.
func (l *lane) refusedUntil(now time.Time) (time.Time, string) {
	if until, why := l.paused(now); !until.IsZero() {
		return until, why
	}
	return now.Add(l.t.cfg.Policy.MinInterval), "carrier busy"
}

func (l *lane) setPause(until time.Time, why string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.pause) {
		l.pause, l.pauseWhy = until, why
	}
}

// close stops taking work; queued parcels are released by the workers.
func (l *lane) close() {
	l.stop.Store(true)
	close(l.q)
}

func (l *lane) run(ctx context.Context) {
	var wg sync.WaitGroup
	for range l.t.cfg.Workers {
		wg.Go(func() { l.work(ctx) })
	}
	wg.Wait()
}

func (l *lane) work(ctx context.Context) {
	batch := make([]shipment.Parcel, 0, l.limits.BatchSize)
	for p := range l.q {
		batch = append(batch[:0], p)
	fill:
		for len(batch) < l.limits.BatchSize {
			select {
			case p2, ok := <-l.q:
				if !ok {
					break fill
				}
				batch = append(batch, p2)
			default:
				break fill
			}
		}
		if l.stop.Load() {
			l.release(ctx, batch)
			continue
		}
		l.check(ctx, batch)
	}
}

// release gives back leases of parcels that were claimed but not checked
// (graceful shutdown).
func (l *lane) release(ctx context.Context, batch []shipment.Parcel) {
	for _, p := range batch {
		if err := l.t.cfg.Store.ReleaseLease(ctx, p.TenantID, p.ID, p.LeaseOwner); err != nil {
			l.t.log.Warn("tracker: release lease", "parcel_id", p.ID, "error", err)
		}
		l.t.done(p)
	}
}

// countCall records one carrier call and returns how much intervals should
// stretch so that this node's calls stay within the daily quota: the
// calls made so far today, extrapolated to a whole day, over the quota.
func (l *lane) countCall(now time.Time) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	day := now.UTC().Truncate(24 * time.Hour)
	if !day.Equal(l.day) {
		l.day, l.callsDay, l.dayOrigin = day, 0, now
	}
	l.callsDay++
	if l.limits.RequestsPerDay <= 0 {
		return 1
	}
	elapsed := max(now.Sub(l.dayOrigin), time.Hour) // no wild guesses from the first minutes
	pace := float64(l.callsDay) / elapsed.Hours() * 24
	return pace / float64(l.limits.RequestsPerDay)
}

// pauseFor decides whether a batch error pauses the whole carrier, until
// when and why. Circuit open, quota exhausted, rate limited and refused
// credentials affect every parcel of the carrier alike.
func (l *lane) pauseFor(err error, now time.Time) (time.Time, string, bool) {
	var ce *carrier.Error
	errors.As(err, &ce)
	min := l.t.cfg.Policy.MinInterval
	switch {
	case errors.Is(err, carrier.ErrQuotaExhausted):
		until := now.Add(time.Hour)
		if ce != nil && !ce.ResetAt.IsZero() {
			until = ce.ResetAt
		}
		return until, "quota_exhausted", true
	case errors.Is(err, carrier.ErrCircuitOpen):
		// The breaker lets a probe through after CircuitPause of real time.
		return now.Add(max(min, l.t.clockDuration(l.t.cfg.CircuitPause))), "circuit_open", true
	case errors.Is(err, carrier.ErrRateLimited):
		d := time.Minute
		if ce != nil && ce.RetryAfter > 0 {
			d = ce.RetryAfter
		}
		return now.Add(max(min, l.t.clockDuration(d))), "rate_limited", true
	case errors.Is(err, carrier.ErrAuth):
		return now.Add(3 * min), "auth", true
	}
	return time.Time{}, "", false
}
