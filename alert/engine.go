package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
)

// Queue is the task queue the engine subscribes to for shipment changes.
const Queue = "alert"

// Outbox takes messages for delivery; *notify.Outbox is one. Enqueueing
// a message ID twice stores it once, which makes every notice the engine
// sends safe to repeat after a crash.
type Outbox interface {
	Enqueue(ctx context.Context, msgs ...notify.Message) (int, error)
}

// Audience says who hears about a tenant's alerts.
type Audience interface {
	AlertAudience(ctx context.Context, tenantID int64) (Recipients, error)
}

// Recipients of a tenant's alert notices.
type Recipients struct {
	// Emails get the digest, and case reminders when the case owner is not
	// an email address.
	Emails []string
	// Webhooks are webhook endpoint IDs that get alert.raised and
	// alert.cleared events.
	Webhooks []string
	// Slack are webhook endpoint IDs of Slack-compatible incoming webhooks:
	// they get the same events as SlackPayload bodies.
	Slack []string
}

// StaticAudience is the same recipients for every tenant.
type StaticAudience Recipients

// AlertAudience implements Audience.
func (a StaticAudience) AlertAudience(context.Context, int64) (Recipients, error) {
	return Recipients(a), nil
}

// NormalsSource gives a tenant's normals.
type NormalsSource interface {
	NormalsFor(ctx context.Context, tenantID int64) (Normals, error)
}

// Options configure an Engine.
type Options struct {
	// Store must implement store.Alerts; store.Tasks and store.Cases are
	// used when present.
	Store store.Store
	// Outbox, when set, receives webhook events, digests and reminders.
	Outbox   Outbox
	Audience Audience
	// Normals supplies learned dwell times; nil learns them from the
	// tenant's deliveries (HistoryNormals).
	Normals NormalsSource
	Log     *slog.Logger
	Now     func() time.Time
	// Owner names this node's task leases.
	Owner string
	// ScanPage is how many shipments the timer scan reads per query
	// (default 2000); WriteBatch how many changes it writes per
	// transaction (default 1000).
	ScanPage, WriteBatch int
	// BaseURL prefixes links in messages.
	BaseURL string
	// FollowUpEvery is how far a reminder moves a case's follow-up
	// (default 48 hours).
	FollowUpEvery time.Duration
}

// Engine evaluates the rules on changes and on a timer, and hands notices
// to the outbox.
type Engine struct {
	o      Options
	st     store.Alerts
	log    *slog.Logger
	now    func() time.Time
	normal NormalsSource

	mu    sync.Mutex
	rules map[int64]*tenantRules
}

type tenantRules struct {
	th     Thresholds
	loaded time.Time
}

// rulesTTL is how long a tenant's settings and normals are reused.
const rulesTTL = time.Minute

// New returns an engine.
func New(o Options) (*Engine, error) {
	st, ok := o.Store.(store.Alerts)
	if !ok {
		return nil, fmt.Errorf("alert: store %T does not implement store.Alerts", o.Store)
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Owner == "" {
		o.Owner = "alert"
	}
	if o.ScanPage <= 0 {
		o.ScanPage = 2000
	}
	if o.WriteBatch <= 0 {
		o.WriteBatch = 1000
	}
	if o.FollowUpEvery <= 0 {
		o.FollowUpEvery = 48 * time.Hour
	}
	if o.Audience == nil {
		o.Audience = StaticAudience{}
	}
	e := &Engine{o: o, st: st, log: o.Log, now: o.Now, normal: o.Normals, rules: map[int64]*tenantRules{}}
	if e.normal == nil {
		e.normal = &HistoryNormals{Store: st, Now: o.Now}
	}
	return e, nil
}

// thresholds returns the tenant's thresholds, loading them when stale.
func (e *Engine) thresholds(ctx context.Context, tenantID int64) (*Thresholds, error) {
	now := time.Now()
	e.mu.Lock()
	r := e.rules[tenantID]
	e.mu.Unlock()
	if r != nil && now.Sub(r.loaded) < rulesTTL {
		return &r.th, nil
	}
	settings, err := e.st.ListAlertSettings(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	n, err := e.normal.NormalsFor(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	r = &tenantRules{th: Thresholds{Settings: settings, Normals: n}, loaded: now}
	e.mu.Lock()
	e.rules[tenantID] = r
	e.mu.Unlock()
	return &r.th, nil
}

// Forget drops cached settings, e.g. after they changed.
func (e *Engine) Forget(tenantID int64) {
	e.mu.Lock()
	delete(e.rules, tenantID)
	e.mu.Unlock()
}

// plan evaluates one subject.
func (e *Engine) plan(ctx context.Context, s *store.AlertSubject, now time.Time) ([]store.AlertRaise, []store.AlertClear, error) {
	th, err := e.thresholds(ctx, s.TenantID)
	if err != nil {
		return nil, nil, err
	}
	r, c := Plan(s, Evaluate(s, now, th), now)
	return r, c, nil
}

// EvaluateShipment runs the rules on one shipment now and stores the
// result.
func (e *Engine) EvaluateShipment(ctx context.Context, tenantID, shipmentID int64) (store.AlertChanges, error) {
	s, err := e.st.GetAlertSubject(ctx, tenantID, shipmentID)
	if err != nil {
		return store.AlertChanges{}, fmt.Errorf("alert: evaluate shipment %d: %w", shipmentID, err)
	}
	r, c, err := e.plan(ctx, &s, e.now())
	if err != nil {
		return store.AlertChanges{}, fmt.Errorf("alert: evaluate shipment %d: %w", shipmentID, err)
	}
	ch, err := e.st.ApplyAlerts(ctx, r, c)
	if err != nil {
		return ch, fmt.Errorf("alert: evaluate shipment %d: %w", shipmentID, err)
	}
	e.logChanges(ctx, ch)
	return ch, nil
}

func (e *Engine) logChanges(ctx context.Context, ch store.AlertChanges) {
	for _, a := range ch.Raised {
		e.log.InfoContext(ctx, "alert raised", "tenant_id", a.TenantID, "shipment_id", a.ShipmentID, "alert_id", a.ID, "kind", a.Kind)
	}
	for _, a := range ch.Cleared {
		e.log.InfoContext(ctx, "alert cleared", "tenant_id", a.TenantID, "shipment_id", a.ShipmentID, "alert_id", a.ID,
			"kind", a.Kind, "reason", a.ClearedReason)
	}
}

// Subscribe makes IngestEvents feed the engine's queue. Without
// store.Tasks the engine relies on its timer alone.
func (e *Engine) Subscribe(ctx context.Context) (bool, error) {
	ts, ok := e.o.Store.(store.Tasks)
	if !ok {
		return false, nil
	}
	if err := ts.SubscribeQueue(ctx, Queue); err != nil {
		return false, fmt.Errorf("alert: subscribe: %w", err)
	}
	return true, nil
}

// ProcessTasks claims one batch of change tasks, evaluates the shipments
// they name and completes them; it returns how many tasks it handled.
func (e *Engine) ProcessTasks(ctx context.Context, limit int) (int, error) {
	ts, ok := e.o.Store.(store.Tasks)
	if !ok {
		return 0, nil
	}
	now := e.now()
	tasks, err := ts.ClaimTasks(ctx, Queue, now, limit, e.o.Owner, time.Minute)
	if err != nil || len(tasks) == 0 {
		return 0, err
	}
	type key struct{ t, s int64 }
	seen := map[key]bool{}
	var raise []store.AlertRaise
	var clear []store.AlertClear
	var done []int64
	for _, t := range tasks {
		if t.ShipmentID == 0 || seen[key{t.TenantID, t.ShipmentID}] {
			done = append(done, t.ID)
			continue
		}
		seen[key{t.TenantID, t.ShipmentID}] = true
		s, err := e.st.GetAlertSubject(ctx, t.TenantID, t.ShipmentID)
		if errors.Is(err, store.ErrNotFound) {
			done = append(done, t.ID) // deleted since: nothing to watch
			continue
		}
		var r []store.AlertRaise
		var c []store.AlertClear
		if err == nil {
			r, c, err = e.plan(ctx, &s, now)
		}
		if err != nil {
			e.log.WarnContext(ctx, "alert task failed", "task_id", t.ID, "shipment_id", t.ShipmentID, "error", err)
			backoff := time.Duration(min(t.Attempts, 10)) * 30 * time.Second
			if rerr := ts.RetryTask(ctx, t.ID, e.o.Owner, now.Add(backoff), err.Error()); rerr != nil {
				e.log.WarnContext(ctx, "alert task retry failed", "task_id", t.ID, "error", rerr)
			}
			continue
		}
		raise, clear = append(raise, r...), append(clear, c...)
		done = append(done, t.ID)
	}
	ch, err := e.st.ApplyAlerts(ctx, raise, clear)
	if err != nil {
		return 0, fmt.Errorf("alert: tasks: %w", err)
	}
	e.logChanges(ctx, ch)
	if _, err := ts.CompleteTasks(ctx, e.o.Owner, done...); err != nil {
		return 0, fmt.Errorf("alert: complete tasks: %w", err)
	}
	return len(tasks), nil
}
