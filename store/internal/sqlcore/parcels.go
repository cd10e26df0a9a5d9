package sqlcore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// CreateParcel implements store.Store.
func (s *Store) CreateParcel(ctx context.Context, tenantID int64, p *shipment.Parcel) error {
	np, err := shipment.NormalizeParcel(*p)
	if err != nil {
		s.log.WarnContext(ctx, "parcel rejected", "tenant_id", tenantID, "shipment_id", p.ShipmentID, "error", err)
		return store.Invalid(err)
	}
	now := s.clock()
	np.TenantID, np.CreatedAt, np.UpdatedAt = tenantID, now, now
	np.Progress = shipment.NewProgress()
	np.LeaseOwner, np.LeaseUntil, np.LastCheckedAt = "", time.Time{}, time.Time{}
	np.LastResult, np.LastError, np.ConsecutiveErrors = "", "", 0
	if np.NextCheckAt.IsZero() {
		np.NextCheckAt = now
	}
	var rs []shipment.Repair
	np.NextCheckReason = shipment.CleanString("next_check_reason", np.NextCheckReason, shipment.MaxShortBytes, &rs)
	if np.NextCheckReason == "" {
		np.NextCheckReason = "new parcel"
	}
	np.NextCheckAt = np.NextCheckAt.UTC().Truncate(time.Microsecond)
	extra := []byte("{}")
	if len(np.Extra) > 0 {
		if extra, err = json.Marshal(np.Extra); err != nil {
			return fmt.Errorf("store: parcel extra: %w", err)
		}
	}
	err = s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM shipments WHERE id = $1 AND tenant_id = $2`, np.ShipmentID, tenantID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("shipment %d: %w", np.ShipmentID, store.ErrNotFound)
		}
		args := []any{tenantID, np.ShipmentID, np.Carrier, np.TrackingNumber, s.eng.JSON(extra), np.Leg}
		args = append(args, s.progressArgs(np.Progress)...)
		args = append(args, s.t(np.NextCheckAt), "", nil, nil, "", "", 0, s.t(now), s.t(now), np.NextCheckReason)
		return queryOne(ctx, q, &np.ID, `INSERT INTO parcels (`+strings.Replace(parcelCols, "id, ", "", 1)+`)
			VALUES (`+placeholders(1, len(args))+`) RETURNING id`, args...)
	})
	switch {
	case err == nil:
		*p = np
		return nil
	case s.eng.UniqueViolation(err):
		return fmt.Errorf("store: parcel %s %s: %w", np.Carrier, np.TrackingNumber, store.ErrConflict)
	}
	return fmt.Errorf("store: create parcel: %w", err)
}

// GetParcel implements store.Store.
func (s *Store) GetParcel(ctx context.Context, tenantID, id int64) (shipment.Parcel, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+parcelCols+` FROM parcels WHERE id = $1 AND tenant_id = $2`, id, tenantID)
	p, err := one(rows, err, scanParcel)
	if err != nil {
		return p, fmt.Errorf("store: parcel %d: %w", id, err)
	}
	return p, nil
}

// ListParcels implements store.Store. An unknown shipment is ErrNotFound,
// a known shipment without parcels an empty list.
func (s *Store) ListParcels(ctx context.Context, tenantID, shipmentID int64) ([]shipment.Parcel, error) {
	ok, err := exists(ctx, s.eng.Reader(), `SELECT 1 FROM shipments WHERE id = $1 AND tenant_id = $2`, shipmentID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: list parcels: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("store: shipment %d: %w", shipmentID, store.ErrNotFound)
	}
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+parcelCols+` FROM parcels WHERE shipment_id = $1 AND tenant_id = $2 ORDER BY leg, id`,
		shipmentID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: list parcels: %w", err)
	}
	list, err := collect(rows, scanParcel)
	if err != nil {
		return nil, fmt.Errorf("store: list parcels: %w", err)
	}
	return list, nil
}
