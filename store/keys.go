package store

import (
	"context"
	"time"

	"github.com/waypost/waypost/shipment"
)

// Keys stores tenants' API keys and finds tenants by slug. Keys are kept
// only as a hash of the secret; the secret itself is shown once, when the
// key is made, and cannot be recovered from the database.
type Keys interface {
	// FindTenantBySlug returns the tenant with the slug.
	FindTenantBySlug(ctx context.Context, slug string) (shipment.Tenant, error)
	// ListTenants returns every tenant, by ID.
	ListTenants(ctx context.Context) ([]shipment.Tenant, error)

	// CreateAPIKey stores k (Hash, Prefix, Scope and Name set by the
	// caller) for k.TenantID, filling in ID and CreatedAt. The same hash
	// twice is ErrConflict; an unknown tenant is ErrNotFound.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// FindAPIKey returns the key with this hash, of any tenant (the hash
	// is what names the tenant), revoked or not.
	FindAPIKey(ctx context.Context, hash string) (APIKey, error)
	// ListAPIKeys returns a tenant's keys, revoked ones included, by ID.
	ListAPIKeys(ctx context.Context, tenantID int64) ([]APIKey, error)
	// RevokeAPIKey marks one of the tenant's keys revoked at at. Revoking
	// twice keeps the first time.
	RevokeAPIKey(ctx context.Context, tenantID, keyID int64, at time.Time) error
	// TouchAPIKey records that the key was used at at (never moving the
	// time back).
	TouchAPIKey(ctx context.Context, tenantID, keyID int64, at time.Time) error
}

// Scopes of API keys, each including the ones before it.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
	ScopeAdmin = "admin"
)

// APIKey is a stored key: its hash, never its secret.
type APIKey struct {
	ID       int64
	TenantID int64
	Name     string
	// Prefix is the start of the secret, shown to tell keys apart.
	Prefix string
	// Hash is the hex SHA-256 of the secret.
	Hash       string
	Scope      string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: active
}

// Idempotency keeps the outcome of requests made with an Idempotency-Key,
// per tenant, so a retried request gets the first answer instead of
// repeating its effect, whichever node it reaches.
type Idempotency interface {
	// ClaimIdempotencyKey returns the record stored for (tenant, key) when
	// one exists that was created after staleBefore (done or still in
	// progress), with claimed false. Otherwise it stores a new in-progress
	// record with requestHash at now, replacing an older one, and returns
	// it with claimed true: the caller then runs the request and calls
	// CompleteIdempotencyKey or ReleaseIdempotencyKey.
	ClaimIdempotencyKey(ctx context.Context, tenantID int64, key, requestHash string, now, staleBefore time.Time) (rec IdempotencyRecord, claimed bool, err error)
	// CompleteIdempotencyKey stores the answer of a claimed request.
	CompleteIdempotencyKey(ctx context.Context, tenantID int64, key string, status int, body []byte) error
	// ReleaseIdempotencyKey forgets a claimed request that failed without
	// effect, so that a retry runs it again.
	ReleaseIdempotencyKey(ctx context.Context, tenantID int64, key string) error
	// PurgeIdempotencyKeys deletes records created before before and
	// returns how many.
	PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error)
}

// IdempotencyRecord is one stored request outcome.
type IdempotencyRecord struct {
	TenantID    int64
	Key         string
	RequestHash string
	Done        bool // false while the first request is running
	Status      int
	Body        []byte
	CreatedAt   time.Time
}

// NewTracking is one shipment with its first parcel, for CreateTrackings.
// The parcel's ShipmentID is filled in.
type NewTracking struct {
	Shipment shipment.Shipment
	Parcel   shipment.Parcel
}

// TrackingCreator creates many shipments with their first parcel at once.
type TrackingCreator interface {
	// CreateTrackings validates and stores each item's shipment and
	// parcel in one transaction, filling in their IDs and timestamps.
	// Items that are invalid or conflict with stored rows (or with an
	// earlier item) are left out and their error (ErrInvalid,
	// ErrConflict) returned at their index; the others are stored. err is
	// for the database failing as a whole, in which case nothing is
	// stored.
	CreateTrackings(ctx context.Context, tenantID int64, items []NewTracking) (itemErrs []error, err error)
}

// TrackingReader reads what the API shows about one shipment in few
// queries.
type TrackingReader interface {
	// GetTracking returns the tenant's shipment, its parcels (by leg,
	// then ID) and the merged timeline of their events, in time order.
	GetTracking(ctx context.Context, tenantID, shipmentID int64) (shipment.Shipment, []shipment.Parcel, []shipment.Event, error)
}
