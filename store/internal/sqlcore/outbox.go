package sqlcore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.Outbox = (*Store)(nil)

const outboxCols = `id, tenant_id, message_id, shipment_id, channel, moment, target, order_key, body,
	state, attempts, next_attempt_at, lease_owner, lease_until, last_error, created_at, sent_at`

func scanOutbox(r Rows) (store.OutboxMessage, error) {
	var m store.OutboxMessage
	var body []byte
	var st string
	err := r.Scan(&m.ID, &m.TenantID, &m.MessageID, &m.ShipmentID, &m.Channel, &m.Moment, &m.Target,
		&m.OrderKey, &body, &st, &m.Attempts, tc(&m.NextAttemptAt), &m.LeaseOwner, tc(&m.LeaseUntil),
		&m.LastError, tc(&m.CreatedAt), tc(&m.SentAt))
	// Copy: some drivers reuse the buffer on the next row.
	m.Body = append([]byte(nil), body...)
	m.State = store.MessageState(st)
	return m, err
}

// maxMessageField bounds the short text fields of a message.
const maxMessageField = 2048

// validMessage checks what the store relies on.
func validMessage(m store.OutboxMessage) error {
	bad := func(field, reason string) error {
		return store.Invalid(&shipment.InvalidError{Field: field, Reason: reason})
	}
	switch {
	case m.TenantID <= 0:
		return bad("tenant_id", "required")
	case m.MessageID == "" || len(m.MessageID) > 200:
		return bad("message_id", "required, at most 200 bytes")
	case m.Channel == "" || len(m.Channel) > 32:
		return bad("channel", "required, at most 32 bytes")
	case m.Target == "" || len(m.Target) > maxMessageField:
		return bad("target", "required, at most 2048 bytes")
	case len(m.OrderKey) > 200 || len(m.Moment) > 64:
		return bad("order_key", "too long")
	case !json.Valid(m.Body):
		return bad("body", "not JSON")
	}
	return nil
}

// EnqueueMessages implements store.Outbox.
func (s *Store) EnqueueMessages(ctx context.Context, owner string, taskID int64, msgs []store.OutboxMessage) (int, error) {
	now := s.clock()
	for i := range msgs {
		if len(msgs[i].Body) == 0 {
			msgs[i].Body = []byte("{}")
		}
		if err := validMessage(msgs[i]); err != nil {
			return 0, fmt.Errorf("store: message %d: %w", i, err)
		}
	}
	if taskID != 0 && owner == "" {
		return 0, store.Invalid(&shipment.InvalidError{Field: "owner", Reason: "required with a task"})
	}
	inserted := 0
	err := s.eng.Tx(ctx, func(q Querier) error {
		inserted = 0
		if taskID != 0 {
			behind, err := exists(ctx, q, `SELECT 1 FROM tasks t JOIN tasks e
					ON e.queue = t.queue AND e.tenant_id = t.tenant_id AND e.shipment_id = t.shipment_id AND e.id < t.id
				WHERE t.id = $1 AND t.shipment_id <> 0`, taskID)
			if err != nil {
				return err
			}
			if behind {
				return store.ErrTaskBehind
			}
			n, err := q.Exec(ctx, `DELETE FROM tasks WHERE id = $1 AND lease_owner = $2 AND lease_owner <> ''`, taskID, owner)
			if err != nil {
				return err
			}
			if n == 0 {
				return store.ErrLeaseLost
			}
		}
		for _, m := range msgs {
			created := m.CreatedAt
			if created.IsZero() {
				created = now
			}
			next := m.NextAttemptAt
			if next.IsZero() {
				next = created
			}
			n, err := q.Exec(ctx, `INSERT INTO outbox (tenant_id, message_id, shipment_id, channel, moment, target,
					order_key, body, state, next_attempt_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10)
				ON CONFLICT (tenant_id, message_id) DO NOTHING`,
				m.TenantID, m.MessageID, m.ShipmentID, m.Channel, m.Moment, m.Target, m.OrderKey,
				s.eng.JSON(m.Body), s.t(next), s.t(created))
			if err != nil {
				return err
			}
			inserted += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: enqueue %d messages: %w", len(msgs), err)
	}
	return inserted, nil
}

// ClaimMessages implements store.Outbox. Like ClaimDue, one statement
// picks and leases; the NOT EXISTS keeps a message back while an earlier
// one with its order key is open, so at most one message per key is in
// flight and they go out in order.
func (s *Store) ClaimMessages(ctx context.Context, now time.Time, limit int, owner string, leaseFor time.Duration) ([]store.OutboxMessage, error) {
	if owner == "" || limit <= 0 || leaseFor <= 0 {
		return nil, store.Invalid(&shipment.InvalidError{Field: "claim", Reason: "owner, a positive limit and a positive lease are required"})
	}
	now = now.UTC().Truncate(time.Microsecond)
	var list []store.OutboxMessage
	err := s.eng.Tx(ctx, func(q Querier) error {
		rows, err := q.Query(ctx, `UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
			WHERE id IN (
				SELECT o.id FROM outbox o
				WHERE o.state = 'pending' AND o.next_attempt_at <= $3
					AND (o.lease_until IS NULL OR o.lease_until < $3)
					AND (o.order_key = '' OR NOT EXISTS (
						SELECT 1 FROM outbox e
						WHERE e.tenant_id = o.tenant_id AND e.order_key = o.order_key AND e.id < o.id
							AND e.state IN ('pending', 'paused') AND e.order_key <> ''))
				ORDER BY o.next_attempt_at, o.id
				LIMIT $4`+s.eng.SkipLocked()+`
			)
			RETURNING `+outboxCols,
			owner, s.t(now.Add(leaseFor)), s.t(now), limit)
		if err != nil {
			return err
		}
		list, err = collect(rows, scanOutbox)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim messages: %w", err)
	}
	slices.SortFunc(list, func(a, b store.OutboxMessage) int {
		return cmp.Or(a.NextAttemptAt.Compare(b.NextAttemptAt), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

// RecordDeliveries implements store.Outbox.
func (s *Store) RecordDeliveries(ctx context.Context, outcomes []store.DeliveryOutcome) ([]int64, error) {
	if len(outcomes) == 0 {
		return nil, nil
	}
	for _, o := range outcomes {
		switch o.State {
		case store.MessageSent, store.MessagePending, store.MessageFailed, store.MessagePaused:
		default:
			return nil, store.Invalid(&shipment.InvalidError{Field: "state", Reason: fmt.Sprintf("unknown state %q", o.State)})
		}
		if o.State == store.MessagePending && o.NextAttemptAt.IsZero() {
			return nil, store.Invalid(&shipment.InvalidError{Field: "next_attempt_at", Reason: "required for a retry"})
		}
	}
	now := s.clock()
	var lost []int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		lost = lost[:0]
		for rest := outcomes; len(rest) > 0; {
			n := min(len(rest), insertChunk)
			n = 1 << (bits.Len(uint(n)) - 1) // powers of two: few statement texts
			l, err := s.recordChunk(ctx, q, rest[:n], now)
			if err != nil {
				return err
			}
			lost = append(lost, l...)
			rest = rest[n:]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: record %d deliveries: %w", len(outcomes), err)
	}
	return lost, nil
}

// recordChunk stores outcomes with one UPDATE and one INSERT: the
// messages still leased by the named owner take their new state, and
// each gets its attempt in the delivery log. It returns the IDs whose
// lease was lost.
func (s *Store) recordChunk(ctx context.Context, q Querier, outcomes []store.DeliveryOutcome, now time.Time) ([]int64, error) {
	const cols = 7
	tt := s.eng.TimeType()
	var sb strings.Builder
	sb.WriteString(`UPDATE outbox SET state = v.column4, next_attempt_at = v.column5, last_error = v.column6,
		sent_at = COALESCE(v.column7, outbox.sent_at), lease_owner = '', lease_until = NULL
		FROM (VALUES `)
	args := make([]any, 0, len(outcomes)*cols)
	type row struct {
		o             store.DeliveryOutcome
		at            time.Time
		errText, resp string
	}
	rows := make([]row, len(outcomes))
	for i, o := range outcomes {
		var rs []shipment.Repair
		a := o.Attempt
		r := row{o: o, at: a.At,
			errText: shipment.CleanString("last_error", a.Error, maxMessageField, &rs),
			resp:    shipment.CleanString("response", a.Response, maxMessageField, &rs)}
		if r.at.IsZero() {
			r.at = now
		}
		rows[i] = r
		var sentAt any
		if o.State == store.MessageSent {
			sentAt = s.t(r.at)
		}
		next := o.NextAttemptAt
		if next.IsZero() {
			next = r.at
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		p := i * cols
		// Typed, so that both engines read the VALUES list's columns as
		// the outbox's.
		fmt.Fprintf(&sb, "(CAST($%d AS bigint), CAST($%d AS bigint), CAST($%d AS text), CAST($%d AS text), CAST($%d AS %s), CAST($%d AS text), CAST($%d AS %s))",
			p+1, p+2, p+3, p+4, p+5, tt, p+6, p+7, tt)
		args = append(args, o.ID, o.TenantID, o.Owner, string(o.State), s.t(next), r.errText, sentAt)
	}
	sb.WriteString(`) AS v
		WHERE outbox.id = v.column1 AND outbox.tenant_id = v.column2 AND outbox.lease_owner = v.column3
			AND outbox.lease_owner <> '' AND outbox.state = 'pending'
		RETURNING outbox.id`)
	res, err := q.Query(ctx, sb.String(), args...)
	if err != nil {
		return nil, err
	}
	updated, err := collect(res, func(r Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	stored := make(map[int64]bool, len(updated))
	for _, id := range updated {
		stored[id] = true
	}
	var lost []int64
	var log []row
	for _, r := range rows {
		if stored[r.o.ID] {
			log = append(log, r)
		} else {
			lost = append(lost, r.o.ID)
		}
	}
	for len(log) > 0 {
		n := 1 << (bits.Len(uint(len(log))) - 1)
		sb.Reset()
		sb.WriteString(`INSERT INTO outbox_attempts (tenant_id, message, at, duration_us, status_code, error, response) VALUES `)
		args = args[:0]
		for i, r := range log[:n] {
			if i > 0 {
				sb.WriteString(", ")
			}
			p := i * cols
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", p+1, p+2, p+3, p+4, p+5, p+6, p+7)
			a := r.o.Attempt
			args = append(args, r.o.TenantID, r.o.ID, s.t(r.at), a.Duration.Microseconds(), a.StatusCode, r.errText, r.resp)
		}
		if _, err := q.Exec(ctx, sb.String(), args...); err != nil {
			return nil, err
		}
		log = log[n:]
	}
	return lost, nil
}

// GetMessage implements store.Outbox.
func (s *Store) GetMessage(ctx context.Context, tenantID, id int64) (store.OutboxMessage, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id = $1 AND tenant_id = $2`, id, tenantID)
	m, err := one(rows, err, scanOutbox)
	if err != nil {
		return m, fmt.Errorf("store: message %d: %w", id, err)
	}
	return m, nil
}

// FindMessage implements store.Outbox.
func (s *Store) FindMessage(ctx context.Context, tenantID int64, messageID string) (store.OutboxMessage, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+outboxCols+` FROM outbox WHERE tenant_id = $1 AND message_id = $2`, tenantID, messageID)
	m, err := one(rows, err, scanOutbox)
	if err != nil {
		return m, fmt.Errorf("store: message %q: %w", messageID, err)
	}
	return m, nil
}

// ListMessages implements store.Outbox.
func (s *Store) ListMessages(ctx context.Context, tenantID int64, mq store.MessageQuery) ([]store.OutboxMessage, error) {
	limit := mq.Limit
	switch {
	case limit == 0:
		limit = 100
	case limit < 0 || limit > 1000:
		return nil, store.Invalid(&shipment.InvalidError{Field: "limit", Reason: "must be 1..1000"})
	}
	sql := `SELECT ` + outboxCols + ` FROM outbox WHERE tenant_id = $1`
	args := []any{tenantID}
	add := func(cond string, v any) {
		args = append(args, v)
		sql += fmt.Sprintf(" AND %s = $%d", cond, len(args))
	}
	if mq.Channel != "" {
		add("channel", mq.Channel)
	}
	if mq.Target != "" {
		add("target", mq.Target)
	}
	if mq.ShipmentID != 0 {
		add("shipment_id", mq.ShipmentID)
	}
	if mq.State != "" {
		add("state", string(mq.State))
	}
	args = append(args, limit)
	sql += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	rows, err := s.eng.Reader().Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list messages: %w", err)
	}
	list, err := collect(rows, scanOutbox)
	if err != nil {
		return nil, fmt.Errorf("store: list messages: %w", err)
	}
	return list, nil
}

// ListDeliveryAttempts implements store.Outbox.
func (s *Store) ListDeliveryAttempts(ctx context.Context, tenantID, id int64) ([]store.DeliveryAttempt, error) {
	if _, err := s.GetMessage(ctx, tenantID, id); err != nil {
		return nil, err
	}
	rows, err := s.eng.Reader().Query(ctx, `SELECT at, duration_us, status_code, error, response
		FROM outbox_attempts WHERE message = $1 AND tenant_id = $2 ORDER BY id`, id, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: delivery log of message %d: %w", id, err)
	}
	list, err := collect(rows, func(r Rows) (store.DeliveryAttempt, error) {
		var a store.DeliveryAttempt
		var us int64
		err := r.Scan(tc(&a.At), &us, &a.StatusCode, &a.Error, &a.Response)
		a.Duration = time.Duration(us) * time.Microsecond
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: delivery log of message %d: %w", id, err)
	}
	return list, nil
}

// ReplayMessage implements store.Outbox.
func (s *Store) ReplayMessage(ctx context.Context, tenantID, id int64, now time.Time) (store.OutboxMessage, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var out store.OutboxMessage
	err := s.eng.Tx(ctx, func(q Querier) error {
		rows, err := q.Query(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id = $1 AND tenant_id = $2`, id, tenantID)
		orig, err := one(rows, err, scanOutbox)
		if err != nil {
			return err
		}
		// Replaying a replay numbers from the original.
		base, _, _ := strings.Cut(orig.MessageID, ".replay-")
		prefix := base + ".replay-"
		var n int
		if err := queryOne(ctx, q, &n, `SELECT count(*) FROM outbox WHERE tenant_id = $1 AND substr(message_id, 1, $3) = $2`,
			tenantID, prefix, len(prefix)); err != nil {
			return err
		}
		rows, err = q.Query(ctx, `INSERT INTO outbox (tenant_id, message_id, shipment_id, channel, moment, target,
				order_key, body, state, next_attempt_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9)
			RETURNING `+outboxCols,
			tenantID, prefix+strconv.Itoa(n+1), orig.ShipmentID, orig.Channel, orig.Moment,
			orig.Target, orig.OrderKey, s.eng.JSON(orig.Body), s.t(now))
		out, err = one(rows, err, scanOutbox)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("store: replay message %d: %w", id, err)
	}
	return out, nil
}

// SetTargetState implements store.Outbox.
func (s *Store) SetTargetState(ctx context.Context, tenantID int64, channel, target string, from, to store.MessageState, now time.Time) (int, error) {
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, `UPDATE outbox SET state = $5, next_attempt_at = CASE WHEN $5 = 'pending' THEN $6 ELSE next_attempt_at END
			WHERE tenant_id = $1 AND channel = $2 AND target = $3 AND state = $4 AND lease_owner = ''`,
			tenantID, channel, target, string(from), string(to), s.t(now))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: move messages of %s %s: %w", channel, target, err)
	}
	return int(n), nil
}

// CountMessages implements store.Outbox.
func (s *Store) CountMessages(ctx context.Context, state store.MessageState) (int, error) {
	var n int
	if err := queryOne(ctx, s.eng.Reader(), &n, `SELECT count(*) FROM outbox WHERE state = $1`, string(state)); err != nil {
		return 0, fmt.Errorf("store: count %s messages: %w", state, err)
	}
	return n, nil
}
