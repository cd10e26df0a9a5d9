package store

import (
	"context"
	"time"
)

// Outbox is the table of messages waiting to be delivered (emails, SMS,
// pushes, webhooks). A message is written in the same transaction that
// completes the change task it came from, so a crash either leaves the
// task to be redone or has the message; dispatchers on any number of nodes
// claim due messages with leases, like parcels, and record each attempt.
//
// Messages with the same non-empty OrderKey are delivered one at a time in
// the order they were enqueued: a message is not claimed while an earlier
// one with its key is pending or paused (sent and failed ones no longer
// hold it back).
type Outbox interface {
	// EnqueueMessages stores msgs as pending. A message whose (tenant,
	// MessageID) is already stored is skipped, so enqueueing is
	// idempotent; inserted counts the new rows. When taskID is not 0, the
	// task is completed (deleted) in the same transaction under owner's
	// lease, and ErrLeaseLost means nothing was written; ErrTaskBehind
	// (nothing written) when an earlier task of the same queue and
	// shipment is still there, so that a shipment's messages are enqueued
	// in the order of its changes even when a node died holding the
	// earlier one. Invalid messages
	// (no ID, channel or target, a body that is not JSON) are ErrInvalid
	// and nothing is written.
	EnqueueMessages(ctx context.Context, owner string, taskID int64, msgs []OutboxMessage) (inserted int, err error)
	// ClaimMessages leases up to limit pending messages of any tenant that
	// are due at now, not leased (or whose lease expired) and not held
	// back by an earlier message with the same order key, earliest due
	// first, to owner until now+leaseFor, and counts an attempt on each.
	ClaimMessages(ctx context.Context, now time.Time, limit int, owner string, leaseFor time.Duration) ([]OutboxMessage, error)
	// RecordDeliveries stores the outcome of attempts made under the
	// leases named in each outcome, releases those leases and appends each
	// attempt to the message's delivery log, in one transaction. It
	// returns the row IDs whose lease was no longer held (their outcome is
	// not stored).
	RecordDeliveries(ctx context.Context, outcomes []DeliveryOutcome) (lost []int64, err error)
	// GetMessage returns one message by row ID.
	GetMessage(ctx context.Context, tenantID, id int64) (OutboxMessage, error)
	// FindMessage returns one message by its MessageID.
	FindMessage(ctx context.Context, tenantID int64, messageID string) (OutboxMessage, error)
	// ListMessages returns the tenant's messages matching q, newest first.
	ListMessages(ctx context.Context, tenantID int64, q MessageQuery) ([]OutboxMessage, error)
	// ListDeliveryAttempts returns a message's delivery log, oldest first.
	ListDeliveryAttempts(ctx context.Context, tenantID, id int64) ([]DeliveryAttempt, error)
	// ReplayMessage enqueues a copy of a message (same channel, target,
	// order key and body, so the same webhook event id) as a new pending
	// delivery whose MessageID is the original's plus ".replay-N", and
	// returns it.
	ReplayMessage(ctx context.Context, tenantID, id int64, now time.Time) (OutboxMessage, error)
	// SetTargetState moves the tenant's messages for one channel and
	// target from state from to state to (e.g. paused back to pending when
	// a webhook endpoint is resumed) and returns how many moved; leased
	// messages are left to their holder.
	SetTargetState(ctx context.Context, tenantID int64, channel, target string, from, to MessageState, now time.Time) (int, error)
	// CountMessages counts messages in a state across all tenants (the
	// backlog, for metrics).
	CountMessages(ctx context.Context, state MessageState) (int, error)
}

// ErrTaskBehind: an earlier task about the same shipment is not done yet;
// retry the task after it.
var ErrTaskBehind = &Error{"task_behind", "store: an earlier task of the shipment is not done"}

// MessageState is where a message is in its life.
type MessageState string

// The message states.
const (
	MessagePending MessageState = "pending" // waiting for its (next) attempt
	MessageSent    MessageState = "sent"    // delivered
	MessageFailed  MessageState = "failed"  // rejected for good or given up
	MessagePaused  MessageState = "paused"  // its destination is paused
)

// OutboxMessage is one stored message and its delivery state.
type OutboxMessage struct {
	ID         int64  // row ID, set by the store
	MessageID  string // unique per tenant; the receiver's dedupe key
	TenantID   int64
	ShipmentID int64
	Channel    string
	Moment     string
	Target     string
	OrderKey   string
	Body       []byte // JSON
	State      MessageState
	// Attempts counts claims, including one in progress.
	Attempts      int
	NextAttemptAt time.Time
	LeaseOwner    string
	LeaseUntil    time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
}

// DeliveryOutcome is the result of one attempt for RecordDeliveries.
type DeliveryOutcome struct {
	ID, TenantID int64
	Owner        string       // the lease the attempt was made under
	State        MessageState // sent, pending (retry at NextAttemptAt), failed or paused
	// NextAttemptAt is when a pending message is tried again.
	NextAttemptAt time.Time
	Attempt       DeliveryAttempt
}

// DeliveryAttempt is one entry of a message's delivery log.
type DeliveryAttempt struct {
	At         time.Time
	Duration   time.Duration
	StatusCode int    // HTTP status for webhooks; 0 when none
	Error      string // empty on success
	Response   string // the start of the answer, for the seller's log
}

// MessageQuery selects messages for ListMessages; zero fields match all.
type MessageQuery struct {
	Channel    string
	Target     string
	ShipmentID int64
	State      MessageState
	Limit      int // 1..1000; 0 means 100
}

// Webhooks stores sellers' webhook endpoints.
type Webhooks interface {
	// CreateWebhookEndpoint stores e for the tenant, filling in ID and
	// times. URL and secret are checked by the caller (package notify).
	CreateWebhookEndpoint(ctx context.Context, tenantID int64, e *WebhookEndpoint) error
	// GetWebhookEndpoint returns one endpoint, with its secret.
	GetWebhookEndpoint(ctx context.Context, tenantID, id int64) (WebhookEndpoint, error)
	// ListWebhookEndpoints returns the tenant's endpoints by ID.
	ListWebhookEndpoints(ctx context.Context, tenantID int64) ([]WebhookEndpoint, error)
	// UpdateWebhookEndpoint stores e's URL, description, events, format,
	// secret and state.
	UpdateWebhookEndpoint(ctx context.Context, tenantID int64, e *WebhookEndpoint) error
	// DeleteWebhookEndpoint removes an endpoint.
	DeleteWebhookEndpoint(ctx context.Context, tenantID, id int64) error
	// RecordEndpointResult keeps an endpoint's failure streak: a success
	// clears it; a failed attempt starts it (FailingSince) if not started;
	// a message given up counts one more GaveUpInARow. When the streak
	// reaches pauseAfter (time failing) or pauseGaveUp (messages given up
	// in a row), the endpoint is paused with a reason and paused is true
	// (only on the call that paused it).
	RecordEndpointResult(ctx context.Context, tenantID, id int64, r EndpointResult) (paused bool, err error)
}

// EndpointState is whether an endpoint receives events.
type EndpointState string

// The endpoint states.
const (
	EndpointEnabled  EndpointState = "enabled"
	EndpointPaused   EndpointState = "paused"   // paused after failing; resume by enabling
	EndpointDisabled EndpointState = "disabled" // turned off by the seller
)

// WebhookEndpoint is one seller URL that receives shipment events.
type WebhookEndpoint struct {
	ID          int64
	TenantID    int64
	URL         string
	Description string
	Secret      string
	// Events lists the moments sent; empty means all.
	Events []string
	// Format is "waypost" or "aftership".
	Format       string
	State        EndpointState
	PausedReason string
	// FailingSince is the first failed attempt since the last success.
	FailingSince time.Time
	GaveUpInARow int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// EndpointResult is one delivery outcome for RecordEndpointResult.
type EndpointResult struct {
	At          time.Time
	OK          bool
	GaveUp      bool          // the message was given up (implies !OK)
	PauseAfter  time.Duration // pause once failing this long; 0: never
	PauseGaveUp int           // pause after this many given up in a row; 0: never
}
