package sqlcore

import (
	"context"
	"fmt"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// ListEvents implements store.Store.
func (s *Store) ListEvents(ctx context.Context, tenantID, shipmentID int64) ([]shipment.Event, error) {
	ok, err := exists(ctx, s.eng.Reader(), `SELECT 1 FROM shipments WHERE id = $1 AND tenant_id = $2`, shipmentID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: list events: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("store: shipment %d: %w", shipmentID, store.ErrNotFound)
	}
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+eventCols+` FROM events
		WHERE parcel_id IN (SELECT id FROM parcels WHERE shipment_id = $1 AND tenant_id = $2)
		ORDER BY occurred_at, hash`, shipmentID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: list events: %w", err)
	}
	list, err := collect(rows, scanEvent)
	if err != nil {
		return nil, fmt.Errorf("store: list events: %w", err)
	}
	// Break ties at one instant the way status derivation does.
	shipment.SortEvents(list)
	return list, nil
}
