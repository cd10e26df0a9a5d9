package notify

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// batchStore is what the consumer uses to handle a batch of tasks with a
// few queries; both engines implement it. Without it the consumer plans
// and stores one task at a time.
type batchStore interface {
	// EnqueueForTasks stores msgs[i] and completes taskIDs[i] for every
	// task that is neither behind an earlier task of its shipment nor lost,
	// all in one transaction; results[i] is nil, store.ErrTaskBehind or
	// store.ErrLeaseLost.
	EnqueueForTasks(ctx context.Context, owner string, taskIDs []int64, msgs [][]store.OutboxMessage) (inserted int, results []error, err error)
	// NotifyShipments reads the tenant's shipments among ids.
	NotifyShipments(ctx context.Context, tenantID int64, ids []int64) (map[int64]shipment.Shipment, error)
	// NotifyTimelines reads the parcels and the latest event of the
	// tenant's shipments among ids.
	NotifyTimelines(ctx context.Context, tenantID int64, ids []int64) (map[int64][]shipment.Parcel, map[int64]shipment.Event, error)
}

// planned is one claimed task on its way through a batch.
type planned struct {
	t     store.Task
	sh    shipment.Shipment
	found bool      // the shipment exists
	msgs  []Message // the planner's messages, then the fanned-out webhooks
	hooks []Message // webhook moments still to fan out
	err   error     // planning failed: the task is retried
}

// runBatch plans the claimed tasks and stores all their messages with
// their completion in one transaction, so the crash guarantee of one task
// holds for the batch: a crash before the commit redoes every task, after
// it every message is stored.
func (c *Consumer) runBatch(ctx context.Context, bs batchStore, list []store.Task) {
	items := make([]*planned, len(list))
	ids := map[int64][]int64{} // tenant -> shipments to read
	for i, t := range list {
		items[i] = &planned{t: t}
		if isChange(t) {
			ids[t.TenantID] = append(ids[t.TenantID], t.ShipmentID)
		}
	}
	ships := map[int64]map[int64]shipment.Shipment{}
	for tenant, l := range ids {
		m, err := bs.NotifyShipments(ctx, tenant, l)
		if err != nil {
			failTenant(items, tenant, err)
			continue
		}
		ships[tenant] = m
	}
	for _, it := range items {
		if it.err == nil && isChange(it.t) {
			it.sh, it.found = ships[it.t.TenantID][it.t.ShipmentID]
		}
	}

	// Plan: tasks of one shipment in order, shipments in parallel (a
	// planner may read per shipment, as the buyer planner does).
	parallel(c.o.Workers, shipmentGroups(items, func(it *planned) store.Task { return it.t }), func(g []*planned) {
		for _, it := range g {
			c.planOne(ctx, it)
		}
	})
	c.fanOutBatch(ctx, bs, items)

	// Store what planned; retry what did not.
	now := c.ob.now()
	var ok []*planned
	var taskIDs []int64
	var rows [][]store.OutboxMessage
	for _, it := range items {
		if it.err == nil {
			r := make([]store.OutboxMessage, 0, len(it.msgs))
			for _, m := range it.msgs {
				row, err := outboxRow(m, now)
				if err != nil {
					it.err = err
					break
				}
				r = append(r, row)
			}
			if it.err == nil {
				ok = append(ok, it)
				taskIDs = append(taskIDs, it.t.ID)
				rows = append(rows, r)
				continue
			}
		}
		c.settle(ctx, it.t, it.err)
	}
	if len(ok) == 0 {
		return
	}
	n, results, err := bs.EnqueueForTasks(ctx, c.o.Owner, taskIDs, rows)
	if err != nil {
		if ctx.Err() != nil {
			return // the leases run out and the tasks are redone
		}
		// One bad batch must not hold back the good tasks in it: store
		// them one at a time, each with its own outcome.
		c.o.Log.Warn("notify batch not stored; storing its tasks one by one", "tasks", len(ok), "err", err)
		slices.SortFunc(ok, func(a, b *planned) int { return cmp.Compare(a.t.ID, b.t.ID) })
		for _, it := range ok {
			_, err := c.ob.EnqueueForTask(ctx, c.o.Owner, it.t, it.msgs)
			c.settle(ctx, it.t, err)
		}
		return
	}
	if n > 0 {
		c.ob.Wake()
	}
	for i, it := range ok {
		c.settle(ctx, it.t, results[i])
	}
}

// isChange reports whether a task is a shipment change the consumer plans.
func isChange(t store.Task) bool {
	return t.Kind == store.KindShipmentChanged && t.Change != nil && t.ShipmentID != 0
}

func failTenant(items []*planned, tenant int64, err error) {
	for _, it := range items {
		if it.t.TenantID == tenant && it.err == nil {
			it.err = err
		}
	}
}

// planOne asks the planner for a task's messages and sets webhook moments
// aside for fanning out.
func (c *Consumer) planOne(ctx context.Context, it *planned) {
	if it.err != nil || !isChange(it.t) || !it.found {
		return // nothing to tell (or a deleted shipment)
	}
	list, err := c.planner.Plan(ctx, it.t, it.sh)
	if err != nil {
		it.err = fmt.Errorf("plan task %d: %w", it.t.ID, err)
		return
	}
	for _, m := range list {
		if m.Channel == Webhook && m.Target == "" {
			it.hooks = append(it.hooks, m)
		} else {
			it.msgs = append(it.msgs, m)
		}
	}
}

// fanOutBatch turns the batch's webhook moments into one message per
// subscribed endpoint, reading the tenants' endpoints (cached) and the
// shipments' parcels and latest events with one pair of queries per tenant.
func (c *Consumer) fanOutBatch(ctx context.Context, bs batchStore, items []*planned) {
	need := map[int64][]int64{}
	eps := map[int64][]store.WebhookEndpoint{}
	for _, it := range items {
		if it.err != nil || len(it.hooks) == 0 {
			continue
		}
		tenant := it.t.TenantID
		if _, ok := eps[tenant]; !ok {
			list, err := c.tenantEndpoints(ctx, tenant)
			if err != nil {
				failTenant(items, tenant, err)
				continue
			}
			eps[tenant] = list
		}
		if len(eps[tenant]) > 0 {
			need[tenant] = append(need[tenant], it.sh.ID)
		}
	}
	type timeline struct {
		parcels map[int64][]shipment.Parcel
		last    map[int64]shipment.Event
	}
	lines := map[int64]timeline{}
	for tenant, ids := range need {
		p, l, err := bs.NotifyTimelines(ctx, tenant, ids)
		if err != nil {
			failTenant(items, tenant, err)
			continue
		}
		lines[tenant] = timeline{p, l}
	}
	for _, it := range items {
		if it.err != nil || len(it.hooks) == 0 || len(eps[it.t.TenantID]) == 0 {
			continue
		}
		tl := lines[it.t.TenantID]
		var last *shipment.Event
		if e, ok := tl.last[it.sh.ID]; ok {
			last = &e
		}
		fan, err := c.fanOutTo(it.t, it.sh, it.hooks, eps[it.t.TenantID], tl.parcels[it.sh.ID], last)
		if err != nil {
			it.err = err
			continue
		}
		it.msgs = append(it.msgs, fan...)
	}
}

// parallel runs fn on each group with up to workers goroutines.
func parallel[T any](workers int, groups [][]T, fn func(g []T)) {
	if len(groups) == 1 || workers <= 1 {
		for _, g := range groups {
			fn(g)
		}
		return
	}
	work := make(chan []T)
	var wg sync.WaitGroup
	for range min(workers, len(groups)) {
		wg.Go(func() {
			for g := range work {
				fn(g)
			}
		})
	}
	for _, g := range groups {
		work <- g
	}
	close(work)
	wg.Wait()
}
