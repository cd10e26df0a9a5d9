package notify

// The delivery side of notifications: the outbox, the dispatcher and the
// channel registry.
//
// Flow, crash-safe at every step:
//
//  1. IngestEvents writes a store.Task of kind store.KindShipmentChanged to
//     queue "notify" (QueueName) in the transaction that changed the
//     shipment.
//  2. The Consumer claims the task, loads the shipment and asks the Planner
//     for messages. Messages with Channel Webhook and an empty Target are
//     fanned out to every enabled endpoint of the tenant whose event filter
//     has the message's Moment (the Consumer builds the event body).
//  3. Outbox.EnqueueForTask inserts the messages AND completes the task in
//     one transaction (store.Outbox.EnqueueMessages), failing with
//     store.ErrLeaseLost when the lease was lost: a crash either redoes the
//     task or has the messages, never both half-way.
//  4. The Dispatcher claims due messages with a lease, hands each to the
//     Sender registered for its channel, and records the outcome: sent, a
//     retry with exponential backoff and jitter (Backoff), failed for good
//     on a Permanent error or after GiveUpAfter.
//
// For channel authors: register a Sender constructor with RegisterChannel
// (in an init function) and a Planner with RegisterPlanner; `waypost serve`
// builds them at start with a ChannelEnv. Messages outside any task (a
// digest, a test email) go through Outbox.Enqueue. Message.ID must be
// unique per tenant and stable: enqueueing the same ID twice stores it
// once.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// QueueName is the task queue the notification Consumer reads.
const QueueName = "notify"

// Planner decides which messages one committed shipment change causes:
// the moments it reached (each at most once per shipment) and, for each,
// a message per channel and recipient. For webhooks it returns one
// Message{Channel: Webhook, Moment: m} with an empty Target per moment;
// the Consumer fans it out to the tenant's endpoints.
type Planner interface {
	Plan(ctx context.Context, change store.Task, sh shipment.Shipment) ([]Message, error)
}

// Outbox writes messages to the store's outbox and wakes the local
// dispatcher, so a message enqueued on this node goes out at once.
type Outbox struct {
	st   store.Outbox
	now  func() time.Time
	wake chan struct{}
}

// NewOutbox returns an outbox over st, which must implement store.Outbox.
// A nil clock means time.Now.
func NewOutbox(st store.Store, now func() time.Time) (*Outbox, error) {
	ob, ok := st.(store.Outbox)
	if !ok {
		return nil, fmt.Errorf("notify: store %T has no outbox", st)
	}
	if now == nil {
		now = time.Now
	}
	return &Outbox{st: ob, now: now, wake: make(chan struct{}, 1)}, nil
}

// Enqueue stores messages that belong to no task. Messages already stored
// (same tenant and ID) are skipped; it returns how many were new.
func (o *Outbox) Enqueue(ctx context.Context, msgs ...Message) (int, error) {
	return o.enqueue(ctx, "", 0, msgs)
}

// EnqueueForTask stores msgs and completes task under owner's lease in one
// transaction. store.ErrLeaseLost means nothing was written (another node
// has the task now). With no messages it only completes the task.
func (o *Outbox) EnqueueForTask(ctx context.Context, owner string, task store.Task, msgs []Message) (int, error) {
	if task.ID == 0 {
		return 0, errors.New("notify: enqueue for a task without ID")
	}
	return o.enqueue(ctx, owner, task.ID, msgs)
}

func (o *Outbox) enqueue(ctx context.Context, owner string, taskID int64, msgs []Message) (int, error) {
	rows := make([]store.OutboxMessage, len(msgs))
	now := o.now()
	for i, m := range msgs {
		r, err := outboxRow(m, now)
		if err != nil {
			return 0, err
		}
		rows[i] = r
	}
	n, err := o.st.EnqueueMessages(ctx, owner, taskID, rows)
	if err != nil {
		return 0, fmt.Errorf("notify: enqueue %d messages: %w", len(msgs), err)
	}
	if n > 0 {
		o.Wake()
	}
	return n, nil
}

// Wake tells the local dispatcher that messages are due.
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// outboxRow converts a message to its stored form.
func outboxRow(m Message, now time.Time) (store.OutboxMessage, error) {
	if m.ID == "" || m.Channel == "" || m.Target == "" || m.TenantID == 0 {
		return store.OutboxMessage{}, fmt.Errorf("notify: message %q: %w", m.ID, errIncomplete)
	}
	body := []byte(m.Body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if !json.Valid(body) {
		return store.OutboxMessage{}, fmt.Errorf("notify: message %q: body is not JSON: %w", m.ID, store.ErrInvalid)
	}
	created := m.CreatedAt
	if created.IsZero() {
		created = now
	}
	next := m.NotBefore
	if next.IsZero() {
		next = created
	}
	return store.OutboxMessage{
		MessageID: m.ID, TenantID: m.TenantID, ShipmentID: m.ShipmentID,
		Channel: string(m.Channel), Moment: string(m.Moment), Target: m.Target, OrderKey: m.OrderKey,
		Body: body, State: store.MessagePending, NextAttemptAt: next, CreatedAt: created,
	}, nil
}

var errIncomplete = fmt.Errorf("ID, tenant, channel and target are required: %w", store.ErrInvalid)

// messageOf converts a stored row back to the message senders get.
func messageOf(r store.OutboxMessage) Message {
	return Message{
		ID: r.MessageID, TenantID: r.TenantID, ShipmentID: r.ShipmentID,
		Channel: Channel(r.Channel), Moment: Moment(r.Moment), Target: r.Target, OrderKey: r.OrderKey,
		Body: json.RawMessage(r.Body), CreatedAt: r.CreatedAt,
	}
}
