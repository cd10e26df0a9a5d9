package sqlcore

import (
	"context"
	"fmt"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.TrackingReader = (*Store)(nil)

// GetTracking implements store.TrackingReader. The events are selected by
// the parcel IDs just read, as a literal list: with a subquery on
// (shipment_id, tenant_id), SQLite picked a tenant-wide parcel index and
// read every parcel of a large tenant.
func (s *Store) GetTracking(ctx context.Context, tenantID, shipmentID int64) (shipment.Shipment, []shipment.Parcel, []shipment.Event, error) {
	r := s.eng.Reader()
	rows, err := r.Query(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE id = $1 AND tenant_id = $2`, shipmentID, tenantID)
	sh, err := one(rows, err, scanShipment)
	if err != nil {
		return sh, nil, nil, fmt.Errorf("store: tracking %d: %w", shipmentID, err)
	}
	rows, err = r.Query(ctx, `SELECT `+parcelCols+` FROM parcels WHERE shipment_id = $1 AND tenant_id = $2 ORDER BY leg, id`, shipmentID, tenantID)
	if err != nil {
		return sh, nil, nil, fmt.Errorf("store: tracking %d: parcels: %w", shipmentID, err)
	}
	ps, err := collect(rows, scanParcel)
	if err != nil {
		return sh, nil, nil, fmt.Errorf("store: tracking %d: parcels: %w", shipmentID, err)
	}
	if len(ps) == 0 {
		return sh, []shipment.Parcel{}, []shipment.Event{}, nil
	}
	args := make([]any, len(ps))
	for i, p := range ps {
		args[i] = p.ID
	}
	rows, err = r.Query(ctx, `SELECT `+eventCols+` FROM events WHERE parcel_id IN (`+placeholders(1, len(args))+`)
		ORDER BY occurred_at, hash`, args...)
	if err != nil {
		return sh, nil, nil, fmt.Errorf("store: tracking %d: events: %w", shipmentID, err)
	}
	evs, err := collect(rows, scanEvent)
	if err != nil {
		return sh, nil, nil, fmt.Errorf("store: tracking %d: events: %w", shipmentID, err)
	}
	if evs == nil {
		evs = []shipment.Event{}
	}
	// Ties at one instant are broken the way status derivation does.
	shipment.SortEvents(evs)
	return sh, ps, evs, nil
}
