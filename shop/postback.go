package shop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// Queue is the task queue the post-back worker consumes.
const Queue = "shop"

// DefaultPostStatuses are the statuses posted back when a connection's
// settings name none.
var DefaultPostStatuses = []string{string(status.InTransit), string(status.OutForDelivery), string(status.AttemptFail),
	string(status.AvailableForPickup), string(status.Delivered), string(status.Exception)}

// Update is one status change to post to a shop for one of its orders
// (and, where the platform has them, one fulfilment or shipment).
type Update struct {
	OrderID       string
	OrderName     string
	FulfillmentID string
	Numbers       []string
	Status        status.Status
	Substatus     status.Substatus
	At            time.Time
	// Message is a short English sentence for notes and comments.
	Message string
}

// Poster posts updates to one platform.
type Poster interface {
	Kind() store.ShopKind
	Post(ctx context.Context, conn store.ShopConnection, c Credentials, u Update) error
}

// Worker takes the shop queue's shipment changes and posts them to the
// shops the shipments came from. A failed post is retried with backoff
// (honouring Retry-After) until MaxAttempts, then dropped with an error
// in the log; posts that succeeded are remembered per link, so a retry
// does not repeat them.
type Worker struct {
	Store   store.Store
	Vault   *Vault
	Posters map[store.ShopKind]Poster
	Log     *slog.Logger
	Now     func() time.Time
	Owner   string
	// Batch, Lease, MaxAttempts, Backoff: zero values take the defaults
	// 20, 2 minutes, 8, and 30 s doubling to at most 6 h.
	Batch       int
	Lease       time.Duration
	MaxAttempts int
	Backoff     func(attempt int) time.Duration
}

func (w *Worker) backoff(attempt int) time.Duration {
	if w.Backoff != nil {
		return w.Backoff(attempt)
	}
	d := 30 * time.Second << min(attempt-1, 20)
	return min(d, 6*time.Hour)
}

func (w *Worker) deps() (store.Tasks, store.Shops, error) {
	tasks, ok := w.Store.(store.Tasks)
	if !ok {
		return nil, nil, fmt.Errorf("shop: store %T has no task queue", w.Store)
	}
	shops, ok := w.Store.(store.Shops)
	if !ok {
		return nil, nil, fmt.Errorf("shop: store %T keeps no shop connections", w.Store)
	}
	return tasks, shops, nil
}

// Subscribe makes ingest write change tasks to the shop queue.
func (w *Worker) Subscribe(ctx context.Context) error {
	tasks, _, err := w.deps()
	if err != nil {
		return err
	}
	return tasks.SubscribeQueue(ctx, Queue)
}

// Run claims and handles tasks until ctx ends, waiting idle between
// empty claims.
func (w *Worker) Run(ctx context.Context, idle time.Duration) error {
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.ErrorContext(ctx, "shop post-back", "error", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(idle):
		}
	}
}

// RunOnce claims one batch and handles it, returning how many tasks it
// claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	tasks, shops, err := w.deps()
	if err != nil {
		return 0, err
	}
	batch, lease := w.Batch, w.Lease
	if batch <= 0 {
		batch = 20
	}
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	claimed, err := tasks.ClaimTasks(ctx, Queue, w.Now(), batch, w.Owner, lease)
	if err != nil {
		return 0, fmt.Errorf("shop: claim: %w", err)
	}
	var done []int64
	for _, t := range claimed {
		err := w.handle(ctx, shops, t)
		if err == nil {
			done = append(done, t.ID)
			continue
		}
		maxAttempts := w.MaxAttempts
		if maxAttempts <= 0 {
			maxAttempts = 8
		}
		after, retry := IsRetryable(err)
		if !retry || t.Attempts >= maxAttempts {
			w.Log.ErrorContext(ctx, "shop post-back failed for good", "task_id", t.ID, "tenant_id", t.TenantID,
				"shipment_id", t.ShipmentID, "attempts", t.Attempts, "error", err)
			done = append(done, t.ID)
			continue
		}
		wait := max(after, w.backoff(t.Attempts))
		w.Log.WarnContext(ctx, "shop post-back will be retried", "task_id", t.ID, "attempts", t.Attempts,
			"in", wait, "error", err)
		if err := tasks.RetryTask(ctx, t.ID, w.Owner, w.Now().Add(wait), err.Error()); err != nil {
			w.Log.WarnContext(ctx, "shop post-back retry", "task_id", t.ID, "error", err)
		}
	}
	if len(done) > 0 {
		lost, err := tasks.CompleteTasks(ctx, w.Owner, done...)
		if err != nil {
			return len(claimed), fmt.Errorf("shop: complete: %w", err)
		}
		if len(lost) > 0 {
			w.Log.WarnContext(ctx, "shop post-back leases lost", "task_ids", lost)
		}
	}
	return len(claimed), nil
}

// target is one place in a shop an update goes to, with the links it
// covers.
type target struct {
	conn  int64
	order string
	ful   string
	links []store.ShopLink
}

// handle posts one change. A permanent failure on one target does not
// keep the others from being posted; the first retryable error is
// returned after every target was tried.
func (w *Worker) handle(ctx context.Context, shops store.Shops, t store.Task) error {
	if t.Kind != store.KindShipmentChanged || t.Change == nil || t.ShipmentID == 0 {
		return nil
	}
	next := t.Change.Next
	if next.Status == t.Change.Prev.Status {
		return nil
	}
	links, err := shops.ListShopLinks(ctx, t.TenantID, t.ShipmentID)
	if err != nil {
		return &RetryableError{Err: err}
	}
	var targets []*target
	for _, l := range links {
		if l.FulfillmentID == "" && l.TrackingNumber == "" {
			continue // the order's own link; its fulfilments carry the numbers
		}
		i := slices.IndexFunc(targets, func(g *target) bool {
			return g.conn == l.ConnectionID && g.order == l.OrderID && g.ful == l.FulfillmentID
		})
		if i < 0 {
			targets = append(targets, &target{conn: l.ConnectionID, order: l.OrderID, ful: l.FulfillmentID})
			i = len(targets) - 1
		}
		targets[i].links = append(targets[i].links, l)
	}
	conns := map[int64]*store.ShopConnection{}
	var firstErr error
	for _, g := range targets {
		if err := w.post(ctx, shops, t, g, conns); err != nil {
			if _, retry := IsRetryable(err); retry && firstErr == nil {
				firstErr = err
				continue
			}
			w.Log.ErrorContext(ctx, "shop post-back rejected", "tenant_id", t.TenantID, "connection_id", g.conn,
				"order_id", g.order, "error", err)
		}
	}
	return firstErr
}

func (w *Worker) post(ctx context.Context, shops store.Shops, t store.Task, g *target, conns map[int64]*store.ShopConnection) error {
	next := t.Change.Next
	conn, ok := conns[g.conn]
	if !ok {
		c, err := shops.GetShopConnection(ctx, t.TenantID, g.conn)
		if errors.Is(err, store.ErrNotFound) {
			conns[g.conn] = nil
			return nil
		}
		if err != nil {
			return &RetryableError{Err: err}
		}
		conn = &c
		conns[g.conn] = conn
	}
	if conn == nil || !conn.Enabled {
		return nil
	}
	allowed := conn.Settings.PostStatuses
	if allowed == nil {
		allowed = DefaultPostStatuses
	}
	if !slices.Contains(allowed, string(next.Status)) {
		return nil
	}
	pending := false
	for _, l := range g.links {
		pending = pending || l.PostedStatus != string(next.Status)
	}
	if !pending {
		return nil
	}
	if in, err := w.parcelsIn(ctx, t.TenantID, g, next.Status); err != nil || !in {
		return err
	}
	poster, ok := w.Posters[conn.Kind]
	if !ok {
		return nil
	}
	creds, err := w.Vault.Open(conn.TenantID, conn.Secrets)
	if err != nil {
		return err
	}
	u := Update{OrderID: g.order, OrderName: g.links[0].OrderName, FulfillmentID: g.ful, Status: next.Status,
		Substatus: next.Substatus, At: next.StatusAt}
	if u.At.IsZero() {
		u.At = t.Change.At
	}
	for _, l := range g.links {
		u.Numbers = append(u.Numbers, l.TrackingNumber)
	}
	u.Message = Message(u)
	if err := poster.Post(ctx, *conn, creds, u); err != nil {
		return err
	}
	for _, l := range g.links {
		if _, err := shops.MarkShopPosted(ctx, t.TenantID, l.ID, string(next.Status), w.Now()); err != nil {
			// Posted but not remembered: a retry would post it again,
			// which the shops tolerate; not worth failing the task.
			w.Log.WarnContext(ctx, "shop post-back: remember", "link_id", l.ID, "error", err)
		}
	}
	w.Log.InfoContext(ctx, "shop status posted", "tenant_id", t.TenantID, "connection_id", conn.ID,
		"order_id", g.order, "status", next.Status)
	return nil
}

// parcelsIn reports whether the target's parcels are where the shipment
// now is: an order shipped in several fulfilments hears of a status only
// on the fulfilments whose parcels reached it. A target without parcels
// (numbers no carrier was found for) follows the shipment.
func (w *Worker) parcelsIn(ctx context.Context, tenantID int64, g *target, st status.Status) (bool, error) {
	any := false
	for _, l := range g.links {
		if l.ParcelID == 0 {
			continue
		}
		any = true
		p, err := w.Store.GetParcel(ctx, tenantID, l.ParcelID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, &RetryableError{Err: err}
		}
		if p.Status == st {
			return true, nil
		}
	}
	return !any, nil
}

// Message is the note or comment text of an update, in English (the
// seller's shop admin language is unknown).
func Message(u Update) string {
	text := status.Describe(u.Substatus, "en")
	if text == "" {
		text = string(u.Status)
	}
	nums := ""
	for i, n := range u.Numbers {
		if i > 0 {
			nums += ", "
		}
		nums += n
	}
	if nums == "" {
		return "Waypost: " + text
	}
	return "Waypost: " + text + " (" + nums + ")"
}
