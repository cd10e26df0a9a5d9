package sqlcore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// ClaimDue implements store.Store. The row is the schedule: one statement
// picks the earliest due parcels whose lease is free or expired and leases
// them. On PostgreSQL the inner SELECT skips rows another claimer has locked,
// so concurrent nodes split the work instead of queueing; on SQLite the write
// transaction already excludes every other writer.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int, owner string, leaseFor time.Duration) ([]shipment.Parcel, error) {
	if owner == "" || limit <= 0 || leaseFor <= 0 {
		return nil, store.Invalid(&shipment.InvalidError{Field: "claim", Reason: "owner, a positive limit and a positive lease are required"})
	}
	now = now.UTC().Truncate(time.Microsecond)
	var list []shipment.Parcel
	err := s.eng.Tx(ctx, func(q Querier) error {
		rows, err := q.Query(ctx, `UPDATE parcels SET lease_owner = $1, lease_until = $2, updated_at = $3
			WHERE id IN (
				SELECT id FROM parcels
				WHERE next_check_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
				ORDER BY next_check_at, id
				LIMIT $4`+s.eng.SkipLocked()+`
			)
			RETURNING `+parcelCols,
			owner, s.t(now.Add(leaseFor)), s.t(now), limit)
		if err != nil {
			return err
		}
		list, err = collect(rows, scanParcel)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim due parcels: %w", err)
	}
	// RETURNING gives no order; hand out the most overdue first.
	slices.SortFunc(list, func(a, b shipment.Parcel) int {
		return cmp.Or(a.NextCheckAt.Compare(b.NextCheckAt), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

// ReleaseLease implements store.Store.
func (s *Store) ReleaseLease(ctx context.Context, tenantID, parcelID int64, owner string) error {
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE parcels SET lease_owner = '', lease_until = NULL, updated_at = $4
			WHERE id = $1 AND tenant_id = $2 AND lease_owner = $3 AND lease_owner <> ''`,
			parcelID, tenantID, owner, s.t(s.clock()))
		if err != nil {
			return err
		}
		return s.leaseOutcome(ctx, q, n, tenantID, parcelID)
	})
	if err != nil {
		return fmt.Errorf("store: release lease of parcel %d: %w", parcelID, err)
	}
	return nil
}

// Reschedule implements store.Store.
func (s *Store) Reschedule(ctx context.Context, tenantID, parcelID int64, owner string, c store.CheckResult) error {
	failed := 0
	if c.Err != "" {
		failed = 1
	}
	checked := c.CheckedAt
	if checked.IsZero() {
		checked = s.clock()
	}
	var rs []shipment.Repair
	cleanResult := func(field string, v *string) { *v = shipment.CleanString(field, *v, shipment.MaxShortBytes, &rs) }
	cleanResult("last_result", &c.Result)
	cleanResult("last_error", &c.Err)
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE parcels SET
				last_checked_at = $4, last_result = $5, last_error = $6,
				consecutive_errors = (consecutive_errors + 1) * $7,
				next_check_at = $8, lease_owner = '', lease_until = NULL, updated_at = $9
			WHERE id = $1 AND tenant_id = $2 AND lease_owner = $3 AND lease_owner <> ''`,
			parcelID, tenantID, owner, s.t(checked), c.Result, c.Err, failed, s.t(c.NextCheckAt), s.t(s.clock()))
		if err != nil {
			return err
		}
		return s.leaseOutcome(ctx, q, n, tenantID, parcelID)
	})
	if err != nil {
		return fmt.Errorf("store: reschedule parcel %d: %w", parcelID, err)
	}
	return nil
}

// leaseOutcome turns "no row updated" into ErrNotFound (no such parcel for
// the tenant) or ErrLeaseLost (the parcel exists, the lease is someone else's).
func (s *Store) leaseOutcome(ctx context.Context, q Querier, updated int64, tenantID, parcelID int64) error {
	if updated > 0 {
		return nil
	}
	ok, err := exists(ctx, q, `SELECT 1 FROM parcels WHERE id = $1 AND tenant_id = $2`, parcelID, tenantID)
	switch {
	case err != nil:
		return err
	case !ok:
		return store.ErrNotFound
	}
	return store.ErrLeaseLost
}
