package eta

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// Queue is the task queue the engine reads shipment changes from.
const Queue = "eta"

// Hook is told when a shipment's most likely delivery day moves by a day
// or more, with the estimate before and after and why.
type Hook func(ctx context.Context, sh shipment.Shipment, old, new store.DeliveryEstimate, reason string)

// Engine keeps estimates current: it refreshes lane statistics, and
// recomputes a shipment's estimate whenever ingest reports a change.
type Engine struct {
	st    store.Store
	est   store.Estimates
	tasks store.Tasks
	log   *slog.Logger
	now   func() time.Time
	// Hook, if set, is called for every revision of a day or more.
	Hook Hook
	// Window is how far back deliveries count for the statistics.
	Window time.Duration
	// Owner names this node's leases on tasks.
	Owner string

	mu     sync.Mutex
	models map[int64]*Model
}

// NewEngine returns an engine over st, which must implement
// store.Estimates and store.Tasks.
func NewEngine(st store.Store, log *slog.Logger, now func() time.Time) (*Engine, error) {
	est, ok := st.(store.Estimates)
	if !ok {
		return nil, fmt.Errorf("eta: store %T does not keep estimates", st)
	}
	tasks, ok := st.(store.Tasks)
	if !ok {
		return nil, fmt.Errorf("eta: store %T has no task queue", st)
	}
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	return &Engine{st: st, est: est, tasks: tasks, log: log, now: now, Window: 180 * day,
		Owner: fmt.Sprintf("eta-%d", time.Now().UnixNano()), models: map[int64]*Model{}}, nil
}

// Refresh recomputes a tenant's lane statistics from its deliveries within
// Window and stores them.
func (e *Engine) Refresh(ctx context.Context, tenantID int64) (*Model, error) {
	now := e.now()
	t := NewTrainer()
	n := 0
	err := e.est.DeliveredSamples(ctx, tenantID, now.Add(-e.Window), func(s store.LaneSample) error {
		if t.Add(s) {
			n++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("eta: refresh tenant %d: %w", tenantID, err)
	}
	stats := t.Stats(now)
	if err := e.est.ReplaceLaneStats(ctx, tenantID, stats); err != nil {
		return nil, fmt.Errorf("eta: refresh tenant %d: %w", tenantID, err)
	}
	m := NewModel(stats)
	e.mu.Lock()
	e.models[tenantID] = m
	e.mu.Unlock()
	e.log.InfoContext(ctx, "lane statistics refreshed", "tenant_id", tenantID, "deliveries", n, "rows", len(stats))
	return m, nil
}

// model returns the tenant's model, loading the stored statistics (which
// another node may have refreshed) on first use.
func (e *Engine) model(ctx context.Context, tenantID int64) (*Model, error) {
	e.mu.Lock()
	m := e.models[tenantID]
	e.mu.Unlock()
	if m != nil {
		return m, nil
	}
	stats, err := e.est.LaneStats(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("eta: load statistics of tenant %d: %w", tenantID, err)
	}
	m = NewModel(stats)
	e.mu.Lock()
	e.models[tenantID] = m
	e.mu.Unlock()
	return m, nil
}

// errFinished marks shipments that need no estimate.
var errFinished = errors.New("shipment finished")

// Recompute estimates one shipment now, stores the estimate and calls the
// hook when the most likely day moved by a day or more. Delivered,
// returned and expired shipments keep their last estimate; ok is false
// for them.
func (e *Engine) Recompute(ctx context.Context, tenantID, shipmentID int64, reason string) (est store.DeliveryEstimate, ok bool, err error) {
	in, err := e.est.EstimateInput(ctx, tenantID, shipmentID)
	if err != nil {
		return est, false, fmt.Errorf("eta: %w", err)
	}
	est, err = e.apply(ctx, tenantID, in, reason)
	if errors.Is(err, errFinished) {
		return est, false, nil
	}
	return est, err == nil, err
}

func (e *Engine) apply(ctx context.Context, tenantID int64, in store.LaneSample, reason string) (store.DeliveryEstimate, error) {
	m := in.Milestones
	if !m.Delivered.IsZero() || !m.Returned.IsZero() || in.Status == "expired" {
		return store.DeliveryEstimate{}, errFinished
	}
	model, err := e.model(ctx, tenantID)
	if err != nil {
		return store.DeliveryEstimate{}, err
	}
	est := model.Estimate(in, e.now())
	est.Reason = reason
	prev, had, err := e.est.SaveEstimate(ctx, tenantID, est)
	if err != nil {
		return est, fmt.Errorf("eta: %w", err)
	}
	if had && e.Hook != nil && moved(prev, est) {
		sh, err := e.st.GetShipment(ctx, tenantID, in.ShipmentID)
		if err != nil {
			return est, fmt.Errorf("eta: revised estimate: %w", err)
		}
		e.Hook(ctx, sh, prev, est, reason)
	}
	return est, nil
}

// moved reports a change of the most likely day by a day or more.
func moved(a, b store.DeliveryEstimate) bool {
	d := a.MostLikely.Sub(b.MostLikely)
	return d >= day || d <= -day
}

// RecomputeAll estimates every active shipment of a tenant, in pages, and
// returns how many it stored.
func (e *Engine) RecomputeAll(ctx context.Context, tenantID int64, reason string) (int, error) {
	var after int64
	n := 0
	for {
		page, err := e.est.ActiveEstimateInputs(ctx, tenantID, after, 500)
		if err != nil {
			return n, fmt.Errorf("eta: %w", err)
		}
		for _, in := range page {
			if _, err := e.apply(ctx, tenantID, in, reason); err != nil && !errors.Is(err, errFinished) {
				return n, err
			}
			n++
			after = in.ShipmentID
		}
		if len(page) < 500 {
			return n, nil
		}
	}
}

// ProcessTasks claims up to limit change tasks of the eta queue and
// recomputes each shipment's estimate. It returns how many it handled.
func (e *Engine) ProcessTasks(ctx context.Context, limit int) (int, error) {
	now := e.now()
	tasks, err := e.tasks.ClaimTasks(ctx, Queue, now, limit, e.Owner, time.Minute)
	if err != nil {
		return 0, fmt.Errorf("eta: claim tasks: %w", err)
	}
	done := make([]int64, 0, len(tasks))
	for _, t := range tasks {
		reason := "updated"
		if t.Change != nil {
			reason = Reason(t.Change.Prev, t.Change.Next)
		}
		if t.ShipmentID != 0 {
			if _, _, err := e.Recompute(ctx, t.TenantID, t.ShipmentID, reason); err != nil && !errors.Is(err, store.ErrNotFound) {
				e.log.WarnContext(ctx, "estimate failed; retrying", "tenant_id", t.TenantID, "shipment_id", t.ShipmentID, "error", err)
				if rerr := e.tasks.RetryTask(ctx, t.ID, e.Owner, now.Add(time.Minute), err.Error()); rerr != nil {
					e.log.WarnContext(ctx, "estimate task retry", "task_id", t.ID, "error", rerr)
				}
				continue
			}
		}
		done = append(done, t.ID)
	}
	if len(done) > 0 {
		if _, err := e.tasks.CompleteTasks(ctx, e.Owner, done...); err != nil {
			return len(done), fmt.Errorf("eta: complete tasks: %w", err)
		}
	}
	return len(tasks), nil
}

// RefreshAll refreshes every tenant's statistics and recomputes their
// active shipments' estimates.
func (e *Engine) RefreshAll(ctx context.Context) error {
	ids, err := e.est.EstimateTenants(ctx)
	if err != nil {
		return fmt.Errorf("eta: %w", err)
	}
	for _, id := range ids {
		if _, err := e.Refresh(ctx, id); err != nil {
			return err
		}
		if _, err := e.RecomputeAll(ctx, id, "lane statistics refreshed"); err != nil {
			return err
		}
	}
	return nil
}
