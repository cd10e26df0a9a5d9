package sqlcore

import (
	"context"
	"fmt"

	"github.com/waypost/waypost/shipment"
)

// NotifyShipments returns the tenant's shipments among ids, by ID, in one
// query; IDs of other tenants or of deleted shipments are absent. The
// notification planner reads a whole batch of changes this way.
func (s *Store) NotifyShipments(ctx context.Context, tenantID int64, ids []int64) (map[int64]shipment.Shipment, error) {
	out := make(map[int64]shipment.Shipment, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := idList(2, ids)
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE tenant_id = $1 AND id IN (`+in+`)`,
		append([]any{tenantID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: shipments of tenant %d: %w", tenantID, err)
	}
	list, err := collect(rows, scanShipment)
	if err != nil {
		return nil, fmt.Errorf("store: shipments of tenant %d: %w", tenantID, err)
	}
	for _, sh := range list {
		out[sh.ID] = sh
	}
	return out, nil
}

// NotifyTimelines returns, for the tenant's shipments among ids, their
// parcels (as ListParcels orders them) and their latest event (the last
// one ListEvents would return), in two queries. Shipments without parcels
// or events are absent from the maps.
func (s *Store) NotifyTimelines(ctx context.Context, tenantID int64, ids []int64) (map[int64][]shipment.Parcel, map[int64]shipment.Event, error) {
	parcels := map[int64][]shipment.Parcel{}
	last := map[int64]shipment.Event{}
	if len(ids) == 0 {
		return parcels, last, nil
	}
	in, args := idList(2, ids)
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+parcelCols+` FROM parcels WHERE tenant_id = $1 AND shipment_id IN (`+in+`)
		ORDER BY shipment_id, leg, id`, append([]any{tenantID}, args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: parcels of tenant %d: %w", tenantID, err)
	}
	list, err := collect(rows, scanParcel)
	if err != nil {
		return nil, nil, fmt.Errorf("store: parcels of tenant %d: %w", tenantID, err)
	}
	if len(list) == 0 {
		return parcels, last, nil
	}
	shipmentOf := map[int64]int64{}
	pids := make([]int64, 0, len(list))
	for _, p := range list {
		parcels[p.ShipmentID] = append(parcels[p.ShipmentID], p)
		shipmentOf[p.ID] = p.ShipmentID
		pids = append(pids, p.ID)
	}
	in, args = idList(1, pids)
	rows, err = s.eng.Reader().Query(ctx, `SELECT `+eventCols+` FROM events WHERE parcel_id IN (`+in+`)
		ORDER BY occurred_at, hash`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: events of tenant %d: %w", tenantID, err)
	}
	events, err := collect(rows, scanEvent)
	if err != nil {
		return nil, nil, fmt.Errorf("store: events of tenant %d: %w", tenantID, err)
	}
	per := map[int64][]shipment.Event{}
	for _, e := range events {
		per[shipmentOf[e.ParcelID]] = append(per[shipmentOf[e.ParcelID]], e)
	}
	for id, list := range per {
		// The same order as ListEvents: by time and hash, then ties at
		// one instant broken as status derivation does.
		shipment.SortEvents(list)
		last[id] = list[len(list)-1]
	}
	return parcels, last, nil
}
