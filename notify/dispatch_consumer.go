package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// ConsumerOptions configure a Consumer; zero values take the defaults.
type ConsumerOptions struct {
	Owner   string        // lease owner; default the dispatcher's style of name
	Batch   int           // tasks claimed at once (default 100)
	Workers int           // shipments planned in parallel (default 4)
	Lease   time.Duration // default 1 min
	Poll    time.Duration // idle poll (default 200 ms)
	Log     *slog.Logger
	Now     func() time.Time
}

// Consumer turns the change tasks of queue "notify" into outbox messages
// through a Planner, fanning webhook moments out to endpoints.
type Consumer struct {
	st      store.Store
	tasks   store.Tasks
	hooks   store.Webhooks
	ob      *Outbox
	planner Planner
	o       ConsumerOptions

	mu        sync.Mutex
	endpoints map[int64]cachedEndpoints
}

type cachedEndpoints struct {
	list []store.WebhookEndpoint
	read time.Time
}

// NewConsumer returns a consumer; st must implement store.Tasks and
// store.Webhooks.
func NewConsumer(st store.Store, ob *Outbox, p Planner, o ConsumerOptions) (*Consumer, error) {
	tasks, ok := st.(store.Tasks)
	hooks, ok2 := st.(store.Webhooks)
	if !ok || !ok2 {
		return nil, fmt.Errorf("notify: store %T has no task queue or webhook endpoints", st)
	}
	if o.Owner == "" {
		o.Owner = newID("notify-")
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = 200 * time.Millisecond
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Consumer{st: st, tasks: tasks, hooks: hooks, ob: ob, planner: p, o: o, endpoints: map[int64]cachedEndpoints{}}, nil
}

// Subscribe makes ingest write change tasks for the consumer; Run does it
// too, but a caller that ingests before Run starts must call it first.
func (c *Consumer) Subscribe(ctx context.Context) error {
	return c.tasks.SubscribeQueue(ctx, QueueName)
}

// Run consumes tasks until ctx ends.
func (c *Consumer) Run(ctx context.Context) error {
	if err := c.Subscribe(ctx); err != nil {
		return fmt.Errorf("notify: subscribe: %w", err)
	}
	for {
		n, err := c.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			c.o.Log.Warn("notify tasks: claim failed", "err", err)
		}
		if n == c.o.Batch {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(c.o.Poll):
		}
	}
}

// RunOnce claims and handles one batch of tasks and returns how many it
// claimed. Tasks of one shipment are planned one after the other in claim
// order and their messages enqueued in the order of their changes;
// different shipments are planned in parallel. With a store that can
// (both engines), the whole batch is read with a few queries and its
// messages written, and its tasks completed, in one transaction.
func (c *Consumer) RunOnce(ctx context.Context) (int, error) {
	list, err := c.tasks.ClaimTasks(ctx, QueueName, c.o.Now(), c.o.Batch, c.o.Owner, c.o.Lease)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	if bs, ok := c.st.(batchStore); ok {
		c.runBatch(ctx, bs, list)
		return len(list), nil
	}
	groups := shipmentGroups(list, func(t store.Task) store.Task { return t })
	parallel(c.o.Workers, groups, func(g []store.Task) {
		for _, t := range g {
			c.handle(ctx, t)
		}
	})
	return len(list), nil
}

// shipmentGroups splits tasks by (tenant, shipment), keeping claim order
// within each group; tasks about no shipment are groups of their own.
func shipmentGroups[T any](list []T, task func(T) store.Task) [][]T {
	var groups [][]T
	at := map[[2]int64]int{}
	for _, x := range list {
		t := task(x)
		k := [2]int64{t.TenantID, t.ShipmentID}
		i, ok := at[k]
		if !ok || t.ShipmentID == 0 {
			i = len(groups)
			at[k] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], x)
	}
	return groups
}

// handle plans one task and stores its messages with the task's
// completion; a failure leaves the task to be retried.
func (c *Consumer) handle(ctx context.Context, t store.Task) {
	msgs, err := c.Plan(ctx, t)
	if err == nil {
		_, err = c.ob.EnqueueForTask(ctx, c.o.Owner, t, msgs)
	}
	c.settle(ctx, t, err)
}

// settle acts on the outcome of storing a task's messages: nothing on
// success, a retry soon when an earlier change of its shipment is still
// queued, a retry with backoff on a failure.
func (c *Consumer) settle(ctx context.Context, t store.Task, err error) {
	switch {
	case err == nil:
	case errors.Is(err, store.ErrLeaseLost):
		c.o.Log.Warn("notify task lease lost; another node redoes it", "task", t.ID)
	case errors.Is(err, store.ErrTaskBehind):
		// An earlier change of the shipment is leased by a node that may
		// have died; come back once its lease can have run out.
		if err := c.tasks.RetryTask(ctx, t.ID, c.o.Owner, c.o.Now().Add(min(c.o.Lease, 5*time.Second)/2), "waiting for an earlier change"); err != nil && !errors.Is(err, store.ErrLeaseLost) {
			c.o.Log.Warn("notify task not rescheduled", "task", t.ID, "err", err)
		}
	default:
		if ctx.Err() != nil {
			return // the lease runs out and the task is redone
		}
		wait := Backoff(t.Attempts)
		c.o.Log.Warn("notify task failed; retrying", "task", t.ID, "tenant", t.TenantID, "shipment", t.ShipmentID, "in", wait, "err", err)
		if err := c.tasks.RetryTask(ctx, t.ID, c.o.Owner, c.o.Now().Add(wait), err.Error()); err != nil && !errors.Is(err, store.ErrLeaseLost) {
			c.o.Log.Warn("notify task not rescheduled", "task", t.ID, "err", err)
		}
	}
}

// Plan returns the messages one task causes: the Planner's, with webhook
// moments fanned out to the tenant's endpoints.
func (c *Consumer) Plan(ctx context.Context, t store.Task) ([]Message, error) {
	if t.Kind != store.KindShipmentChanged || t.Change == nil || t.ShipmentID == 0 {
		return nil, nil
	}
	sh, err := c.st.GetShipment(ctx, t.TenantID, t.ShipmentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // deleted since: nothing to tell
	}
	if err != nil {
		return nil, err
	}
	planned, err := c.planner.Plan(ctx, t, sh)
	if err != nil {
		return nil, fmt.Errorf("plan task %d: %w", t.ID, err)
	}
	var out []Message
	var hooks []Message
	for _, m := range planned {
		if m.Channel == Webhook && m.Target == "" {
			hooks = append(hooks, m)
			continue
		}
		out = append(out, m)
	}
	if len(hooks) == 0 {
		return out, nil
	}
	fan, err := c.fanOut(ctx, t, sh, hooks)
	if err != nil {
		return nil, err
	}
	return append(out, fan...), nil
}

func (c *Consumer) tenantEndpoints(ctx context.Context, tenantID int64) ([]store.WebhookEndpoint, error) {
	now := time.Now()
	c.mu.Lock()
	ce, ok := c.endpoints[tenantID]
	c.mu.Unlock()
	if ok && now.Sub(ce.read) < endpointTTL {
		return ce.list, nil
	}
	list, err := c.hooks.ListWebhookEndpoints(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.endpoints[tenantID] = cachedEndpoints{list: list, read: now}
	c.mu.Unlock()
	return list, nil
}

// fanOut builds one message per webhook moment and subscribed endpoint.
func (c *Consumer) fanOut(ctx context.Context, t store.Task, sh shipment.Shipment, hooks []Message) ([]Message, error) {
	eps, err := c.tenantEndpoints(ctx, t.TenantID)
	if err != nil || len(eps) == 0 {
		return nil, err
	}
	parcels, err := c.st.ListParcels(ctx, t.TenantID, sh.ID)
	if err != nil {
		return nil, err
	}
	events, err := c.st.ListEvents(ctx, t.TenantID, sh.ID)
	if err != nil {
		return nil, err
	}
	var last *shipment.Event
	if len(events) > 0 {
		last = &events[len(events)-1]
	}
	return c.fanOutTo(t, sh, hooks, eps, parcels, last)
}

// fanOutTo builds the webhook messages of one task for the endpoints eps,
// from the shipment's parcels and latest event.
func (c *Consumer) fanOutTo(t store.Task, sh shipment.Shipment, hooks []Message, eps []store.WebhookEndpoint,
	parcels []shipment.Parcel, last *shipment.Event) ([]Message, error) {
	at := t.CreatedAt
	if t.Change.At.After(at) {
		at = t.Change.At
	}
	if at.IsZero() {
		at = c.o.Now()
	}
	var out []Message
	var err error
	for _, h := range hooks {
		id := eventID(t, h.Moment)
		ev := eventOf(id, h.Moment, at, sh, parcels, last)
		var wp, as []byte
		for _, e := range eps {
			if e.State == store.EndpointDisabled || (len(e.Events) > 0 && !slices.Contains(e.Events, string(h.Moment))) {
				continue
			}
			var body []byte
			if e.Format == "aftership" {
				if as == nil {
					if as, err = afterShipOf(ev, h.Moment, at); err != nil {
						return nil, err
					}
				}
				body = as
			} else {
				if wp == nil {
					if wp, err = json.Marshal(ev); err != nil {
						return nil, err
					}
				}
				body = wp
			}
			ep := strconv.FormatInt(e.ID, 10)
			out = append(out, Message{
				ID: id + "." + ep, TenantID: t.TenantID, ShipmentID: sh.ID, Channel: Webhook, Moment: h.Moment,
				Target: ep, OrderKey: "webhook:" + ep + ":" + strconv.FormatInt(sh.ID, 10), Body: body, CreatedAt: at,
			})
		}
	}
	return out, nil
}

// StatusPlanner is the planner used when no other is registered: a
// webhook moment for each change of main status (and for arriving in the
// destination country and customs holds), nothing for other channels.
type StatusPlanner struct{}

// Plan implements Planner.
func (StatusPlanner) Plan(_ context.Context, t store.Task, sh shipment.Shipment) ([]Message, error) {
	ch := t.Change
	if ch == nil {
		return nil, nil
	}
	m := momentOf(ch.Prev, ch.Next)
	if m == "" {
		return nil, nil
	}
	return []Message{{TenantID: sh.TenantID, ShipmentID: sh.ID, Channel: Webhook, Moment: m}}, nil
}

// momentOf names the moment a progress change reaches, if any.
func momentOf(prev, next shipment.Progress) Moment {
	if prev.Substatus == next.Substatus {
		return ""
	}
	switch next.Substatus {
	case status.InTransitArrivedDestinationCountry:
		return ArrivedDest
	case status.ExceptionCustomsHeld, status.ExceptionDutiesDue, status.ExceptionDocumentsRequired:
		return CustomsHeld
	case status.ExceptionReturned, status.ExceptionReturning:
		return Returned
	}
	if prev.Status == next.Status {
		return ""
	}
	switch next.Status {
	case status.InfoReceived:
		return Shipped
	case status.InTransit:
		return InTransit
	case status.OutForDelivery:
		return OutForDelivery
	case status.AttemptFail:
		return FailedAttempt
	case status.AvailableForPickup:
		return AvailablePickup
	case status.Delivered:
		return Delivered
	case status.Exception:
		return Exception
	}
	return ""
}
