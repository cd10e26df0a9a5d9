package sqlcore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
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
	cleanResult("next_check_reason", &c.Reason)
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE parcels SET
				last_checked_at = $4, last_result = $5, last_error = $6,
				consecutive_errors = (consecutive_errors + 1) * $7,
				next_check_at = $8, next_check_reason = $10, lease_owner = '', lease_until = NULL, updated_at = $9
			WHERE id = $1 AND tenant_id = $2 AND lease_owner = $3 AND lease_owner <> ''`,
			parcelID, tenantID, owner, s.t(checked), c.Result, c.Err, failed, s.t(c.NextCheckAt), s.t(s.clock()), c.Reason)
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

// rescheduleChunk bounds the rows of one RescheduleMany statement (nine
// parameters each, under SQLite's and PostgreSQL's parameter limits).
const rescheduleChunk = 500

// RescheduleMany implements store.Store: one UPDATE … FROM (VALUES …) per
// chunk, all in one transaction, returning the rows it moved so that the
// others are known to have lost their lease.
func (s *Store) RescheduleMany(ctx context.Context, checks []store.ParcelCheck) ([]int64, error) {
	if len(checks) == 0 {
		return nil, nil
	}
	now := s.clock()
	tt := s.eng.TimeType()
	var lost []int64
	ids := make([]int64, len(checks))
	for i, c := range checks {
		ids[i] = c.ParcelID
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		lost = lost[:0]
		if err := s.lockInOrder(ctx, q, ids); err != nil {
			return err
		}
		for from := 0; from < len(checks); from += rescheduleChunk {
			chunk := checks[from:min(len(checks), from+rescheduleChunk)]
			args := make([]any, 0, len(chunk)*9+1)
			args = append(args, s.t(now))
			var b strings.Builder
			for i, c := range chunk {
				failed := 0
				if c.Err != "" {
					failed = 1
				}
				checked := c.CheckedAt
				if checked.IsZero() {
					checked = now
				}
				var rs []shipment.Repair
				res := shipment.CleanString("last_result", c.Result, shipment.MaxShortBytes, &rs)
				errText := shipment.CleanString("last_error", c.Err, shipment.MaxShortBytes, &rs)
				reason := shipment.CleanString("next_check_reason", c.Reason, shipment.MaxShortBytes, &rs)
				if i > 0 {
					b.WriteString(", ")
				}
				n := len(args)
				fmt.Fprintf(&b, "(CAST($%d AS BIGINT), CAST($%d AS BIGINT), CAST($%d AS TEXT), CAST($%d AS %s), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS INTEGER), CAST($%d AS %s), CAST($%d AS TEXT))",
					n+1, n+2, n+3, n+4, tt, n+5, n+6, n+7, n+8, tt, n+9)
				args = append(args, c.ParcelID, c.TenantID, c.Owner, s.t(checked), res, errText, failed, s.t(c.NextCheckAt), reason)
			}
			rows, err := q.Query(ctx, `WITH v (id, tenant_id, owner, checked, result, err, failed, next, reason) AS (VALUES `+b.String()+`)
				UPDATE parcels SET last_checked_at = v.checked, last_result = v.result, last_error = v.err,
					consecutive_errors = (parcels.consecutive_errors + 1) * v.failed,
					next_check_at = v.next, next_check_reason = v.reason,
					lease_owner = '', lease_until = NULL, updated_at = $1
				FROM v
				WHERE parcels.id = v.id AND parcels.tenant_id = v.tenant_id AND parcels.lease_owner = v.owner AND v.owner <> ''
				RETURNING parcels.id`, args...)
			if err != nil {
				return err
			}
			done, err := collect(rows, func(r Rows) (int64, error) {
				var id int64
				return id, r.Scan(&id)
			})
			if err != nil {
				return err
			}
			moved := make(map[int64]bool, len(done))
			for _, id := range done {
				moved[id] = true
			}
			for _, c := range chunk {
				if !moved[c.ParcelID] {
					lost = append(lost, c.ParcelID)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: reschedule %d parcels: %w", len(checks), err)
	}
	return lost, nil
}

// extendChunk bounds the IDs of one ExtendLeases statement.
const extendChunk = 500

// ExtendLeases implements store.Store.
func (s *Store) ExtendLeases(ctx context.Context, owner string, ids []int64, now time.Time, leaseFor time.Duration) ([]int64, error) {
	if owner == "" || leaseFor <= 0 {
		return nil, store.Invalid(&shipment.InvalidError{Field: "owner", Reason: "an owner and a positive lease are required"})
	}
	now = now.UTC().Truncate(time.Microsecond)
	var kept []int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		kept = kept[:0]
		if err := s.lockInOrder(ctx, q, ids); err != nil {
			return err
		}
		for lo := 0; lo < len(ids); lo += extendChunk {
			chunk := ids[lo:min(lo+extendChunk, len(ids))]
			args := make([]any, 0, len(chunk)+3)
			args = append(args, s.t(now.Add(leaseFor)), owner, s.t(now))
			for _, id := range chunk {
				args = append(args, id)
			}
			rows, err := q.Query(ctx, `UPDATE parcels SET lease_until = $1
				WHERE lease_owner = $2 AND lease_owner <> '' AND lease_until >= $3 AND id IN (`+placeholders(4, len(chunk))+`)
				RETURNING id`, args...)
			if err != nil {
				return err
			}
			got, err := collect(rows, func(r Rows) (int64, error) {
				var id int64
				return id, r.Scan(&id)
			})
			if err != nil {
				return err
			}
			kept = append(kept, got...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: extend leases of %s: %w", owner, err)
	}
	slices.Sort(kept)
	return kept, nil
}

// lockInOrder locks the parcels ids in ID order, where the engine locks
// rows (PostgreSQL). Statements that update many parcels at once lock
// them in whatever order their plan visits them; two such transactions
// on overlapping parcels (a node renewing leases while another records
// checks) could each hold a row the other waits for. Taking the locks in
// one order first rules that out.
func (s *Store) lockInOrder(ctx context.Context, q Querier, ids []int64) error {
	if s.eng.ForUpdate() == "" || len(ids) == 0 {
		return nil
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	for lo := 0; lo < len(sorted); lo += extendChunk {
		chunk := sorted[lo:min(lo+extendChunk, len(sorted))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.Query(ctx, `SELECT id FROM parcels WHERE id IN (`+placeholders(1, len(chunk))+`) ORDER BY id`+s.eng.ForUpdate(), args...)
		if err != nil {
			return fmt.Errorf("lock parcels: %w", err)
		}
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("lock parcels: %w", err)
		}
	}
	return nil
}
