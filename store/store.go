// Package store defines Waypost's persistence contract: one Store interface
// that both engines (store/sqlite and store/postgres) implement with the
// same behaviour, checked by one shared suite (store/storetest).
//
// Every method that reads or changes a tenant's data takes the tenant ID and
// acts only on that tenant's rows: a row of another tenant is reported as
// ErrNotFound, exactly like a row that does not exist. The one deliberate
// exceptions are ClaimDue and FindParcelsByNumber, which serve the tracker
// across all tenants and return each parcel with its TenantID.
package store

import (
	"context"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
)

// Store is the persistence contract. Implementations are safe for
// concurrent use.
type Store interface {
	// CreateTenant stores t, filling in its ID and CreatedAt. A duplicate
	// slug is ErrConflict.
	CreateTenant(ctx context.Context, t *shipment.Tenant) error
	// GetTenant returns the tenant with the given ID.
	GetTenant(ctx context.Context, tenantID int64) (shipment.Tenant, error)

	// CreateShipment validates and stores s for the tenant, filling in ID,
	// TenantID, the initial progress (pending) and timestamps. A duplicate
	// non-empty reference is ErrConflict; invalid input is ErrInvalid.
	CreateShipment(ctx context.Context, tenantID int64, s *shipment.Shipment) error
	// GetShipment returns one shipment.
	GetShipment(ctx context.Context, tenantID, shipmentID int64) (shipment.Shipment, error)
	// FindShipmentByReference returns the shipment with the seller's reference.
	FindShipmentByReference(ctx context.Context, tenantID int64, reference string) (shipment.Shipment, error)
	// FindShipmentsByTrackingNumber returns the shipments that have a
	// parcel with this tracking number (any carrier), newest first. None
	// found is ErrNotFound.
	FindShipmentsByTrackingNumber(ctx context.Context, tenantID int64, trackingNumber string) ([]shipment.Shipment, error)
	// ListShipments returns one page of shipments, newest first.
	ListShipments(ctx context.Context, tenantID int64, q ListQuery) (Page, error)
	// UpdateShipment replaces what the seller can edit of a shipment
	// (reference, customer and address, countries, promised date, service,
	// ordered and completed times), validated like CreateShipment, and
	// leaves its progress alone. Setting CompletedAt stops the tracking
	// of its parcels. s receives the stored shipment.
	UpdateShipment(ctx context.Context, tenantID int64, s *shipment.Shipment) error
	// DeleteShipment deletes a shipment with its parcels, events and
	// queued tasks.
	DeleteShipment(ctx context.Context, tenantID, shipmentID int64) error

	// CreateParcel validates and stores p under one of the tenant's
	// shipments. A zero NextCheckAt schedules it for now. The same carrier
	// and tracking number twice in one tenant is ErrConflict.
	CreateParcel(ctx context.Context, tenantID int64, p *shipment.Parcel) error
	// GetParcel returns one parcel.
	GetParcel(ctx context.Context, tenantID, parcelID int64) (shipment.Parcel, error)
	// ListParcels returns a shipment's parcels ordered by leg, then ID.
	ListParcels(ctx context.Context, tenantID, shipmentID int64) ([]shipment.Parcel, error)

	// ClaimDue leases up to limit parcels of any tenant whose NextCheckAt is
	// at or before now and whose lease is absent or expired, earliest due
	// first, to owner until now+leaseFor. Two concurrent claimers never get
	// the same parcel; a claimer that dies simply lets its lease expire.
	ClaimDue(ctx context.Context, now time.Time, limit int, owner string, leaseFor time.Duration) ([]shipment.Parcel, error)
	// ReleaseLease gives up owner's lease without recording a check.
	// ErrLeaseLost when owner does not hold the lease.
	ReleaseLease(ctx context.Context, tenantID, parcelID int64, owner string) error
	// Reschedule records the outcome of a check made under owner's lease,
	// sets the next check time and releases the lease. ErrLeaseLost when
	// owner does not hold the lease (it expired and another node took it).
	Reschedule(ctx context.Context, tenantID, parcelID int64, owner string, c CheckResult) error

	// RescheduleMany records several checks in one transaction, each
	// under the lease named in its Owner, as Reschedule does one by one.
	// It returns the IDs of parcels whose lease was no longer held (their
	// outcome is not stored); err is for the database failing as a whole.
	RescheduleMany(ctx context.Context, checks []ParcelCheck) (lost []int64, err error)
	// DeferCheck gives up owner's lease and moves the next check to at
	// with the reason, without recording a check: the outcome fields and
	// ConsecutiveErrors keep their values (a carrier that is paused or
	// busy is not the parcel's failure). ErrLeaseLost when owner does not
	// hold the lease.
	DeferCheck(ctx context.Context, tenantID, parcelID int64, owner string, at time.Time, reason string) error
	// ScheduleCheck sets the next check of a parcel outside any lease: a
	// pushed update resets the schedule, a retrack makes it due now (also
	// a parcel that had stopped). A lease in progress is left alone; its
	// holder's Reschedule decides afterwards.
	ScheduleCheck(ctx context.Context, tenantID, parcelID int64, at time.Time, reason string) error
	// FindParcelsByNumber returns the parcels of any tenant with this
	// tracking number, oldest first, for pushes that name nothing else.
	// Like ClaimDue it serves the tracker across tenants. None is
	// ErrNotFound.
	FindParcelsByNumber(ctx context.Context, trackingNumber string) ([]shipment.Parcel, error)
	// ExtendLeases moves the lease of those of the parcels ids that owner
	// still holds, unexpired at now, to now+leaseFor, and returns their
	// IDs; the others are lost (their lease expired, or another node took
	// them, or they were released). A node renews the leases of parcels still waiting for
	// their carrier, so a slow queue never lets two nodes check one parcel.
	ExtendLeases(ctx context.Context, owner string, ids []int64, now time.Time, leaseFor time.Duration) (kept []int64, err error)
	// CountDue counts parcels due at now and not leased: the backlog.
	CountDue(ctx context.Context, now time.Time) (int, error)

	// IngestEvents validates, repairs and stores events, each naming its
	// parcel by ParcelID; events already stored (same parcel and hash) are
	// skipped. Rejected events are left out and reported in the result. In
	// the same transaction it recomputes the status and milestones of every
	// parcel and shipment touched, so a batch is applied entirely or not at
	// all. A parcel that is not the tenant's is ErrNotFound and nothing is
	// written.
	IngestEvents(ctx context.Context, tenantID int64, events []shipment.Event) (IngestResult, error)
	// ListEvents returns the merged timeline of all of a shipment's parcels,
	// in time order.
	ListEvents(ctx context.Context, tenantID, shipmentID int64) ([]shipment.Event, error)

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database handles.
	Close() error
}

// Migrator is implemented by both engines: it reports and applies the
// versioned schema migrations embedded in the binary.
type Migrator interface {
	// MigrationStatus lists every known migration and whether it is applied.
	MigrationStatus(ctx context.Context) ([]Migration, error)
	// Migrate applies pending migrations in order, calling step (if not
	// nil) after each. Running it on an up-to-date database does nothing.
	Migrate(ctx context.Context, step func(Migration)) error
}

// Migration is one versioned schema change.
type Migration struct {
	Version   int64
	Name      string // file name, e.g. "00001_initial.sql"
	Applied   bool
	AppliedAt time.Time     // zero when pending
	Duration  time.Duration // set for steps reported by Migrate
}

// ListQuery selects a page of shipments. Empty fields do not filter.
type ListQuery struct {
	Status             status.Status
	Carrier            string // a slug: shipments with a parcel of this carrier
	OriginCountry      string // ISO 3166-1 alpha-2
	DestinationCountry string
	// Search matches a tracking number, a reference or a customer email
	// exactly (an email also in lower case).
	Search string
	// CreatedFrom and CreatedTo bound the creation time: from inclusive,
	// to exclusive.
	CreatedFrom, CreatedTo time.Time
	Limit                  int    // 1..1000; 0 means 50
	Cursor                 string // from Page.Next; empty for the first page
}

// Page is one page of shipments; Next is empty on the last page.
type Page struct {
	Shipments []shipment.Shipment
	Next      string
}

// CheckResult is the outcome of one carrier query for a parcel.
type CheckResult struct {
	CheckedAt   time.Time
	NextCheckAt time.Time // zero: not scheduled again
	Result      string    // short outcome, e.g. "ok", "not_found", "error"
	Err         string    // empty on success; a failure increments ConsecutiveErrors
	// Reason says why NextCheckAt is what it is; stored as the parcel's
	// NextCheckReason.
	Reason string
}

// ParcelCheck is one parcel's check outcome for RescheduleMany.
type ParcelCheck struct {
	TenantID, ParcelID int64
	Owner              string // the lease the check was made under
	CheckResult
}

// IngestResult reports what IngestEvents did.
type IngestResult struct {
	Inserted   int         // new events stored
	Duplicates int         // events already stored (or repeated within the batch)
	Rejected   []Rejection // events left out, with the reason
	Repaired   []Repaired  // events stored after repair
}

// Rejection names an input event (by its index in the batch) and why it
// was not stored.
type Rejection struct {
	Index int
	Err   error
}

// Repaired names an input event (by its index) and what was changed.
type Repaired struct {
	Index   int
	Repairs []shipment.Repair
}
