package store

import (
	"context"
	"time"

	"github.com/waypost/waypost/shipment"
)

// Tasks is a durable work queue in the database, claimed with leases like
// parcels: a task written in the same transaction as the change it is
// about is never lost by a crash, and several nodes share a queue without
// taking the same task twice (FOR UPDATE SKIP LOCKED on PostgreSQL).
//
// IngestEvents writes one task of kind KindShipmentChanged to every
// subscribed queue for each shipment whose progress it moved, in its own
// transaction: this is how alert rules, notifications and shop updates
// learn of changes without polling the shipments and without a storm when
// a carrier sends twenty old events at once (one task per shipment per
// batch, carrying the progress before and after).
type Tasks interface {
	// SubscribeQueue makes IngestEvents write change tasks to queue from
	// now on. Subscribing twice is harmless.
	SubscribeQueue(ctx context.Context, queue string) error
	// EnqueueTask adds a task of the given kind to queue, due at runAt,
	// and returns its ID.
	EnqueueTask(ctx context.Context, t Task) (int64, error)
	// ClaimTasks leases up to limit tasks of queue that are due at now and
	// not leased (or whose lease expired), oldest due first (then by ID),
	// to owner until now+leaseFor, and counts an attempt on each.
	ClaimTasks(ctx context.Context, queue string, now time.Time, limit int, owner string, leaseFor time.Duration) ([]Task, error)
	// CompleteTasks deletes tasks done under owner's lease. IDs whose lease
	// owner no longer holds are left alone and returned as lost.
	CompleteTasks(ctx context.Context, owner string, ids ...int64) (lost []int64, err error)
	// RetryTask releases owner's lease and makes the task due again at at,
	// recording errText. ErrLeaseLost when owner does not hold the lease.
	RetryTask(ctx context.Context, id int64, owner string, at time.Time, errText string) error
	// CountTasks counts a queue's tasks (due or not).
	CountTasks(ctx context.Context, queue string) (int, error)
}

// KindShipmentChanged is the kind of the tasks IngestEvents writes; their
// Change field is set.
const KindShipmentChanged = "shipment.changed"

// Task is one unit of queued work.
type Task struct {
	ID         int64
	Queue      string
	Kind       string
	TenantID   int64
	ShipmentID int64 // 0 when the task is not about one shipment
	// Payload is the task's data, opaque to the store (JSON by convention).
	// For KindShipmentChanged it is the JSON of Change.
	Payload []byte
	// Change is decoded from Payload for KindShipmentChanged tasks.
	Change    *ShipmentChange
	RunAt     time.Time
	Attempts  int // claims so far, including the current one
	LastError string
	CreatedAt time.Time
}

// ShipmentChange is a shipment's progress before and after one ingest
// batch, with the number of new events it brought.
type ShipmentChange struct {
	Prev      shipment.Progress `json:"prev"`
	Next      shipment.Progress `json:"next"`
	NewEvents int               `json:"new_events"`
	// At is when the change was stored.
	At time.Time `json:"at"`
}
