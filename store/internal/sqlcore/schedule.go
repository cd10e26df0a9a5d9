package sqlcore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// DeferCheck implements store.Store.
func (s *Store) DeferCheck(ctx context.Context, tenantID, parcelID int64, owner string, at time.Time, reason string) error {
	var rs []shipment.Repair
	reason = shipment.CleanString("next_check_reason", reason, shipment.MaxShortBytes, &rs)
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE parcels SET next_check_at = $4, next_check_reason = $5,
				lease_owner = '', lease_until = NULL, updated_at = $6
			WHERE id = $1 AND tenant_id = $2 AND lease_owner = $3 AND lease_owner <> ''`,
			parcelID, tenantID, owner, s.t(at), reason, s.t(s.clock()))
		if err != nil {
			return err
		}
		return s.leaseOutcome(ctx, q, n, tenantID, parcelID)
	})
	if err != nil {
		return fmt.Errorf("store: defer parcel %d: %w", parcelID, err)
	}
	return nil
}

// ScheduleCheck implements store.Store.
func (s *Store) ScheduleCheck(ctx context.Context, tenantID, parcelID int64, at time.Time, reason string) error {
	if at.IsZero() {
		return store.Invalid(&shipment.InvalidError{Field: "next_check_at", Reason: "a time is required"})
	}
	var rs []shipment.Repair
	reason = shipment.CleanString("next_check_reason", reason, shipment.MaxShortBytes, &rs)
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE parcels SET next_check_at = $3, next_check_reason = $4, updated_at = $5
			WHERE id = $1 AND tenant_id = $2`,
			parcelID, tenantID, s.t(at), reason, s.t(s.clock()))
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: schedule parcel %d: %w", parcelID, err)
	}
	return nil
}

// FindParcelsByNumber implements store.Store.
func (s *Store) FindParcelsByNumber(ctx context.Context, trackingNumber string) ([]shipment.Parcel, error) {
	n := strings.TrimSpace(trackingNumber)
	if n == "" {
		return nil, fmt.Errorf("store: parcels by number: %w", store.ErrNotFound)
	}
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+parcelCols+` FROM parcels WHERE tracking_number = $1 ORDER BY id`, n)
	if err != nil {
		return nil, fmt.Errorf("store: parcels by number: %w", err)
	}
	list, err := collect(rows, scanParcel)
	if err != nil {
		return nil, fmt.Errorf("store: parcels by number: %w", err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("store: parcels by number %s: %w", n, store.ErrNotFound)
	}
	return list, nil
}

// CountDue implements store.Store.
func (s *Store) CountDue(ctx context.Context, now time.Time) (int, error) {
	var n int64
	t := s.t(now.UTC().Truncate(time.Microsecond))
	err := queryOne(ctx, s.eng.Reader(), &n, `SELECT count(*) FROM parcels
		WHERE next_check_at <= $1 AND (lease_until IS NULL OR lease_until < $1)`, t)
	if err != nil {
		return 0, fmt.Errorf("store: count due parcels: %w", err)
	}
	return int(n), nil
}

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error {
	var one int64
	if err := queryOne(ctx, s.eng.Reader(), &one, `SELECT 1`); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}
