package sqlcore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.Tasks = (*Store)(nil)

const taskCols = `id, queue, kind, tenant_id, shipment_id, payload, run_at, attempts, last_error, created_at`

func scanTask(r Rows) (store.Task, error) {
	var t store.Task
	err := r.Scan(&t.ID, &t.Queue, &t.Kind, &t.TenantID, &t.ShipmentID, &t.Payload, tc(&t.RunAt), &t.Attempts, &t.LastError, tc(&t.CreatedAt))
	if err != nil {
		return t, err
	}
	if t.Kind == store.KindShipmentChanged {
		var c store.ShipmentChange
		if err := json.Unmarshal(t.Payload, &c); err != nil {
			return t, fmt.Errorf("task %d: payload: %w", t.ID, err)
		}
		t.Change = &c
	}
	return t, nil
}

func validQueue(q string) error {
	if q == "" || len(q) > 64 || strings.TrimSpace(q) != q {
		return store.Invalid(&shipment.InvalidError{Field: "queue", Reason: fmt.Sprintf("%q is not a queue name", q)})
	}
	return nil
}

// SubscribeQueue implements store.Tasks.
func (s *Store) SubscribeQueue(ctx context.Context, queue string) error {
	if err := validQueue(queue); err != nil {
		return err
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO task_queues (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, queue, s.t(s.clock()))
		return err
	})
	s.queues.forget()
	if err != nil {
		return fmt.Errorf("store: subscribe queue %q: %w", queue, err)
	}
	return nil
}

// EnqueueTask implements store.Tasks.
func (s *Store) EnqueueTask(ctx context.Context, t store.Task) (int64, error) {
	if err := validQueue(t.Queue); err != nil {
		return 0, err
	}
	if t.Kind == "" {
		return 0, store.Invalid(&shipment.InvalidError{Field: "kind", Reason: "required"})
	}
	now := s.clock()
	if t.RunAt.IsZero() {
		t.RunAt = now
	}
	if t.Payload == nil {
		t.Payload = []byte("{}")
	}
	var id int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		return queryOne(ctx, q, &id, `INSERT INTO tasks (queue, kind, tenant_id, shipment_id, payload, run_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			t.Queue, t.Kind, t.TenantID, t.ShipmentID, t.Payload, s.t(t.RunAt), s.t(now))
	})
	if err != nil {
		return 0, fmt.Errorf("store: enqueue task on %q: %w", t.Queue, err)
	}
	return id, nil
}

// ClaimTasks implements store.Tasks, with the claim pattern of ClaimDue.
func (s *Store) ClaimTasks(ctx context.Context, queue string, now time.Time, limit int, owner string, leaseFor time.Duration) ([]store.Task, error) {
	if owner == "" || limit <= 0 || leaseFor <= 0 {
		return nil, store.Invalid(&shipment.InvalidError{Field: "claim", Reason: "owner, a positive limit and a positive lease are required"})
	}
	now = now.UTC().Truncate(time.Microsecond)
	var list []store.Task
	err := s.eng.Tx(ctx, func(q Querier) error {
		rows, err := q.Query(ctx, `UPDATE tasks SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
			WHERE id IN (
				SELECT id FROM tasks
				WHERE queue = $5 AND run_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
				ORDER BY run_at, id
				LIMIT $4`+s.eng.SkipLocked()+`
			)
			RETURNING `+taskCols,
			owner, s.t(now.Add(leaseFor)), s.t(now), limit, queue)
		if err != nil {
			return err
		}
		list, err = collect(rows, scanTask)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim tasks on %q: %w", queue, err)
	}
	slices.SortFunc(list, func(a, b store.Task) int {
		return cmp.Or(a.RunAt.Compare(b.RunAt), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

// CompleteTasks implements store.Tasks.
func (s *Store) CompleteTasks(ctx context.Context, owner string, ids ...int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var lost []int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		lost = lost[:0]
		for _, id := range ids {
			n, err := q.Exec(ctx, `DELETE FROM tasks WHERE id = $1 AND lease_owner = $2 AND lease_owner <> ''`, id, owner)
			if err != nil {
				return err
			}
			if n == 0 {
				lost = append(lost, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: complete tasks: %w", err)
	}
	return lost, nil
}

// RetryTask implements store.Tasks.
func (s *Store) RetryTask(ctx context.Context, id int64, owner string, at time.Time, errText string) error {
	var rs []shipment.Repair
	errText = shipment.CleanString("last_error", errText, shipment.MaxShortBytes, &rs)
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE tasks SET lease_owner = '', lease_until = NULL, run_at = $3, last_error = $4
			WHERE id = $1 AND lease_owner = $2 AND lease_owner <> ''`, id, owner, s.t(at), errText)
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrLeaseLost
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: retry task %d: %w", id, err)
	}
	return nil
}

// CountTasks implements store.Tasks.
func (s *Store) CountTasks(ctx context.Context, queue string) (int, error) {
	var n int
	if err := queryOne(ctx, s.eng.Reader(), &n, `SELECT count(*) FROM tasks WHERE queue = $1`, queue); err != nil {
		return 0, fmt.Errorf("store: count tasks on %q: %w", queue, err)
	}
	return n, nil
}

// enqueueChanges writes a change task to every subscribed queue for each
// shipment whose progress moved, inside the ingest transaction.
func (s *Store) enqueueChanges(ctx context.Context, q Querier, tenantID int64, rows []ProgressRow, newEvents map[int64]int, now time.Time) error {
	if len(rows) == 0 {
		return nil
	}
	queues, err := s.subscribedQueues(ctx, q)
	if err != nil || len(queues) == 0 {
		return err
	}
	args := make([][]any, 0, len(rows)*len(queues))
	for _, r := range rows {
		payload, err := json.Marshal(store.ShipmentChange{Prev: r.Prev, Next: r.Progress, NewEvents: newEvents[r.ID], At: now})
		if err != nil {
			return err
		}
		for _, name := range queues {
			args = append(args, []any{name, store.KindShipmentChanged, tenantID, r.ID, payload, s.t(now), s.t(now)})
		}
	}
	return q.ExecBatch(ctx, `INSERT INTO tasks (queue, kind, tenant_id, shipment_id, payload, run_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, args)
}

// queueTTL is how long the list of subscribed queues is trusted. Queues
// are subscribed when a node starts its consumers, through its own store
// (which forgets the list at once); another node's new queue is seen
// within this time.
const queueTTL = 10 * time.Second

type queueCache struct {
	mu    sync.Mutex
	names []string
	at    time.Time
}

func (c *queueCache) forget() {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}

// subscribedQueues returns the subscribed queue names, from the cache
// while it is fresh.
func (s *Store) subscribedQueues(ctx context.Context, q Querier) ([]string, error) {
	c := &s.queues
	c.mu.Lock()
	if !c.at.IsZero() && time.Since(c.at) < queueTTL {
		names := c.names
		c.mu.Unlock()
		return names, nil
	}
	c.mu.Unlock()
	qr, err := q.Query(ctx, `SELECT name FROM task_queues ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("read task queues: %w", err)
	}
	names, err := collect(qr, func(r Rows) (string, error) {
		var n string
		return n, r.Scan(&n)
	})
	if err != nil {
		return nil, fmt.Errorf("read task queues: %w", err)
	}
	c.mu.Lock()
	c.names, c.at = names, time.Now()
	c.mu.Unlock()
	return names, nil
}
