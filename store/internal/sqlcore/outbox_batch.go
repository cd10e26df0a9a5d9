package sqlcore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// errBatchRace rolls a batch back when a task locked at its start was not
// deleted at its end; it cannot happen while the rows are locked, but if it
// did the messages must not outlive the task.
var errBatchRace = errors.New("a completed task changed during the batch")

// EnqueueForTasks is EnqueueMessages for many tasks in one transaction:
// msgs[i] are the messages of taskIDs[i], all under owner's leases. Each
// task is decided on its own, as EnqueueMessages would: results[i] is nil
// (messages stored, task completed), store.ErrTaskBehind (an earlier task
// of its shipment is still queued) or store.ErrLeaseLost; only the
// messages of completed tasks are written. Messages are inserted in task
// ID order, so a shipment's messages keep the order of its changes. An
// invalid message fails the whole call before anything is written.
func (s *Store) EnqueueForTasks(ctx context.Context, owner string, taskIDs []int64, msgs [][]store.OutboxMessage) (inserted int, results []error, err error) {
	if len(taskIDs) != len(msgs) {
		return 0, nil, store.Invalid(&shipment.InvalidError{Field: "tasks", Reason: "one message list per task"})
	}
	if owner == "" {
		return 0, nil, store.Invalid(&shipment.InvalidError{Field: "owner", Reason: "required with a task"})
	}
	if len(taskIDs) == 0 {
		return 0, nil, nil
	}
	for _, list := range msgs {
		for i := range list {
			if len(list[i].Body) == 0 {
				list[i].Body = []byte("{}")
			}
			if err := validMessage(list[i]); err != nil {
				return 0, nil, fmt.Errorf("store: message %q: %w", list[i].MessageID, err)
			}
		}
	}
	order := make([]int, len(taskIDs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(taskIDs[a], taskIDs[b]) })
	now := s.clock()
	err = s.eng.Tx(ctx, func(q Querier) error {
		inserted = 0
		results = make([]error, len(taskIDs))
		held, earlier, err := s.lockTasks(ctx, q, owner, taskIDs)
		if err != nil {
			return err
		}
		done := map[int64]bool{}
		var doneIDs []int64
		var rows []store.OutboxMessage
		for _, i := range order {
			id := taskIDs[i]
			behind := false
			for _, e := range earlier[id] {
				if !done[e] {
					behind = true
					break
				}
			}
			switch {
			case behind:
				results[i] = store.ErrTaskBehind
			case !held[id]:
				results[i] = store.ErrLeaseLost
			default:
				done[id] = true
				doneIDs = append(doneIDs, id)
				rows = append(rows, msgs[i]...)
			}
		}
		if inserted, err = s.insertMessages(ctx, q, rows, now); err != nil {
			return err
		}
		return s.deleteTasks(ctx, q, owner, doneIDs)
	})
	if err != nil {
		return 0, nil, fmt.Errorf("store: enqueue messages of %d tasks: %w", len(taskIDs), err)
	}
	return inserted, results, nil
}

// lockTasks locks the batch's task rows (in ID order, so two batches
// cannot deadlock) and returns those owner holds, and for each task of a
// shipment the IDs of the earlier tasks of the same queue and shipment.
func (s *Store) lockTasks(ctx context.Context, q Querier, owner string, ids []int64) (map[int64]bool, map[int64][]int64, error) {
	in, args := idList(1, ids)
	rows, err := q.Query(ctx, `SELECT id, lease_owner FROM tasks WHERE id IN (`+in+`) ORDER BY id`+s.eng.ForUpdate(), args...)
	if err != nil {
		return nil, nil, err
	}
	type lease struct {
		id    int64
		owner string
	}
	list, err := collect(rows, func(r Rows) (lease, error) {
		var l lease
		return l, r.Scan(&l.id, &l.owner)
	})
	if err != nil {
		return nil, nil, err
	}
	held := map[int64]bool{}
	for _, l := range list {
		if l.owner == owner {
			held[l.id] = true
		}
	}
	rows, err = q.Query(ctx, `SELECT t.id, e.id FROM tasks t JOIN tasks e
			ON e.queue = t.queue AND e.tenant_id = t.tenant_id AND e.shipment_id = t.shipment_id AND e.id < t.id
		WHERE t.id IN (`+in+`) AND t.shipment_id <> 0`, args...)
	if err != nil {
		return nil, nil, err
	}
	pairs, err := collect(rows, func(r Rows) ([2]int64, error) {
		var p [2]int64
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return nil, nil, err
	}
	earlier := map[int64][]int64{}
	for _, p := range pairs {
		earlier[p[0]] = append(earlier[p[0]], p[1])
	}
	return held, earlier, nil
}

// insertChunk is the most rows one INSERT carries; smaller remainders go
// in power-of-two pieces, so few statement texts are prepared.
const insertChunk = 64

// insertMessages inserts rows in order with multi-row statements, skipping
// (tenant, message ID) pairs already stored, and returns how many were new.
func (s *Store) insertMessages(ctx context.Context, q Querier, rows []store.OutboxMessage, now time.Time) (int, error) {
	const cols = 10
	inserted := 0
	for len(rows) > 0 {
		n := min(len(rows), insertChunk)
		n = 1 << (bits.Len(uint(n)) - 1) // largest power of two <= n
		var sb strings.Builder
		sb.WriteString(`INSERT INTO outbox (tenant_id, message_id, shipment_id, channel, moment, target,
			order_key, body, state, next_attempt_at, created_at) VALUES `)
		args := make([]any, 0, n*cols)
		for i, m := range rows[:n] {
			if i > 0 {
				sb.WriteString(", ")
			}
			p := i * cols
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, 'pending', $%d, $%d)",
				p+1, p+2, p+3, p+4, p+5, p+6, p+7, p+8, p+9, p+10)
			created := m.CreatedAt
			if created.IsZero() {
				created = now
			}
			next := m.NextAttemptAt
			if next.IsZero() {
				next = created
			}
			args = append(args, m.TenantID, m.MessageID, m.ShipmentID, m.Channel, m.Moment, m.Target, m.OrderKey,
				s.eng.JSON(m.Body), s.t(next), s.t(created))
		}
		sb.WriteString(` ON CONFLICT (tenant_id, message_id) DO NOTHING`)
		k, err := q.Exec(ctx, sb.String(), args...)
		if err != nil {
			return 0, err
		}
		inserted += int(k)
		rows = rows[n:]
	}
	return inserted, nil
}

// deleteTasks completes tasks locked by lockTasks under owner's lease.
func (s *Store) deleteTasks(ctx context.Context, q Querier, owner string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := idList(2, ids)
	n, err := q.Exec(ctx, `DELETE FROM tasks WHERE id IN (`+in+`) AND lease_owner = $1`, append([]any{owner}, args...)...)
	if err != nil {
		return err
	}
	if int(n) != len(ids) {
		return errBatchRace
	}
	return nil
}

// idList returns placeholders from $from for ids, padded by repeating the
// last ID to a power of two, so that lists of every length share a few
// prepared statements.
func idList(from int, ids []int64) (string, []any) {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	args := make([]any, n)
	for i := range n {
		args[i] = ids[min(i, len(ids)-1)]
	}
	return placeholders(from, n), args
}
