package sqlcore

import (
	"context"
	"fmt"
	"strings"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// parcelState is what ingest needs to know about a parcel in the batch.
type parcelState struct {
	id, shipmentID          int64
	carrier, trackingNumber string
	progress                shipment.Progress
}

// IngestEvents implements store.Store.
//
// The transaction: lock the shipments the batch touches (PostgreSQL; SQLite
// has one writer), insert the new events in bulk with duplicates skipped by
// the (parcel_id, hash) unique index, then move each touched parcel and
// shipment forward. When every new status-bearing event is later than what
// a row has already seen, its progress is extended in memory; otherwise
// (a late or out-of-order event) it is derived again from all its events.
func (s *Store) IngestEvents(ctx context.Context, tenantID int64, events []shipment.Event) (store.IngestResult, error) {
	var res store.IngestResult
	if len(events) == 0 {
		return res, nil
	}
	now := s.clock()
	valid := make([]shipment.Event, 0, len(events))
	for i, e := range events {
		ne, repairs, err := shipment.NormalizeEvent(e, now)
		if err != nil {
			s.log.WarnContext(ctx, "event rejected", "tenant_id", tenantID, "parcel_id", e.ParcelID, "index", i, "error", err)
			res.Rejected = append(res.Rejected, store.Rejection{Index: i, Err: err})
			continue
		}
		if len(repairs) > 0 {
			s.log.InfoContext(ctx, "event repaired", "tenant_id", tenantID, "parcel_id", e.ParcelID, "index", i, "repairs", repairString(repairs))
			res.Repaired = append(res.Repaired, store.Repaired{Index: i, Repairs: repairs})
		}
		valid = append(valid, ne)
	}
	if len(valid) == 0 {
		return res, nil
	}

	var inserted, dups int
	err := s.eng.Tx(ctx, func(q Querier) error {
		inserted, dups = 0, 0
		parcels, shipments, err := s.lockParcels(ctx, q, tenantID, valid)
		if err != nil {
			return err
		}
		// Hash with the parcel's carrier and number; drop repeats within the batch.
		seen := make(map[Key]bool, len(valid))
		batch := valid[:0:0]
		for _, e := range valid {
			p := parcels[e.ParcelID]
			e.Hash = shipment.HashEvent(p.carrier, p.trackingNumber, &e)
			k := Key{e.ParcelID, e.Hash}
			if seen[k] {
				dups++
				continue
			}
			seen[k] = true
			batch = append(batch, e)
		}
		keys, err := s.eng.InsertEvents(ctx, q, batch, now)
		if err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		inserted = len(keys)
		dups += len(batch) - inserted
		isNew := make(map[Key]bool, len(keys))
		for _, k := range keys {
			isNew[k] = true
		}
		fresh := batch[:0:0]
		for _, e := range batch {
			if isNew[Key{e.ParcelID, e.Hash}] && e.HasStatus() {
				fresh = append(fresh, e)
			}
		}
		return s.advance(ctx, q, parcels, shipments, fresh)
	})
	if err != nil {
		return res, fmt.Errorf("store: ingest events: %w", err)
	}
	res.Inserted, res.Duplicates = inserted, dups
	return res, nil
}

// shipmentState is a shipment's progress as read under its lock.
type shipmentState struct {
	id       int64
	progress shipment.Progress
}

// lockParcels loads the batch's parcels, checking they all belong to the
// tenant, and their shipments' progress, after locking those shipments in
// ID order (so that concurrent batches for one shipment apply one after the
// other and never deadlock).
func (s *Store) lockParcels(ctx context.Context, q Querier, tenantID int64, events []shipment.Event) (map[int64]*parcelState, map[int64]*shipmentState, error) {
	ids := make([]any, 0, 4)
	want := map[int64]bool{}
	for _, e := range events {
		if !want[e.ParcelID] {
			want[e.ParcelID] = true
			ids = append(ids, e.ParcelID)
		}
	}
	in := placeholders(2, len(ids))
	args := append([]any{tenantID}, ids...)
	rows, err := q.Query(ctx, `SELECT id, `+progressCols+` FROM shipments WHERE id IN (
		SELECT shipment_id FROM parcels WHERE tenant_id = $1 AND id IN (`+in+`)) ORDER BY id`+s.eng.ForUpdate(), args...)
	if err != nil {
		return nil, nil, err
	}
	ships, err := collect(rows, func(r Rows) (*shipmentState, error) {
		sh := &shipmentState{}
		return sh, r.Scan(append([]any{&sh.id}, progressDest(&sh.progress)...)...)
	})
	if err != nil {
		return nil, nil, err
	}
	shipments := make(map[int64]*shipmentState, len(ships))
	for _, sh := range ships {
		shipments[sh.id] = sh
	}
	rows, err = q.Query(ctx, `SELECT id, shipment_id, carrier, tracking_number, `+progressCols+`
		FROM parcels WHERE tenant_id = $1 AND id IN (`+in+`)`, args...)
	if err != nil {
		return nil, nil, err
	}
	list, err := collect(rows, func(r Rows) (*parcelState, error) {
		p := &parcelState{}
		dest := append([]any{&p.id, &p.shipmentID, &p.carrier, &p.trackingNumber}, progressDest(&p.progress)...)
		return p, r.Scan(dest...)
	})
	if err != nil {
		return nil, nil, err
	}
	parcels := make(map[int64]*parcelState, len(list))
	for _, p := range list {
		parcels[p.id] = p
	}
	for id := range want {
		if parcels[id] == nil {
			return nil, nil, fmt.Errorf("parcel %d: %w", id, store.ErrNotFound)
		}
	}
	return parcels, shipments, nil
}

// advance moves the progress of every parcel and shipment that received
// new status-bearing events.
func (s *Store) advance(ctx context.Context, q Querier, parcels map[int64]*parcelState, shipments map[int64]*shipmentState, fresh []shipment.Event) error {
	if len(fresh) == 0 {
		return nil
	}
	byParcel := map[int64][]shipment.Event{}
	byShipment := map[int64][]shipment.Event{}
	for _, e := range fresh {
		byParcel[e.ParcelID] = append(byParcel[e.ParcelID], e)
		sid := parcels[e.ParcelID].shipmentID
		byShipment[sid] = append(byShipment[sid], e)
	}
	// history holds each refolded shipment's status-bearing events, loaded
	// at most once (after the insert, so it includes the new ones).
	history := map[int64][]shipment.Event{}
	load := func(sid int64) ([]shipment.Event, error) {
		if h, ok := history[sid]; ok {
			return h, nil
		}
		rows, err := q.Query(ctx, `SELECT parcel_id, occurred_at, status, substatus, hash FROM events
			WHERE parcel_id IN (SELECT id FROM parcels WHERE shipment_id = $1) AND status <> ''`, sid)
		if err != nil {
			return nil, err
		}
		h, err := collect(rows, func(r Rows) (shipment.Event, error) {
			var e shipment.Event
			return e, r.Scan(&e.ParcelID, tc(&e.Time), &e.Status, &e.Substatus, &e.Hash)
		})
		history[sid] = h
		return h, err
	}

	var parcelRows, shipmentRows [][]any
	for pid, evs := range byParcel {
		p := parcels[pid]
		next := p.progress
		if shipment.CanExtend(next, evs) {
			next = shipment.Extend(next, evs)
		} else {
			h, err := load(p.shipmentID)
			if err != nil {
				return err
			}
			mine := make([]shipment.Event, 0, len(h))
			for _, e := range h {
				if e.ParcelID == pid {
					mine = append(mine, e)
				}
			}
			next = shipment.Derive(mine)
		}
		if next == p.progress {
			continue
		}
		parcelRows = append(parcelRows, append(s.progressArgs(next), s.t(s.clock()), pid))
	}

	for sid, evs := range byShipment {
		cur := shipments[sid].progress
		next := cur
		if shipment.CanExtend(cur, evs) {
			next = shipment.Extend(cur, evs)
		} else {
			h, err := load(sid)
			if err != nil {
				return err
			}
			next = shipment.Derive(h)
		}
		if next == cur {
			continue
		}
		shipmentRows = append(shipmentRows, append(s.progressArgs(next), s.t(s.clock()), sid))
	}
	if err := q.ExecBatch(ctx, `UPDATE parcels SET (`+progressCols+`, updated_at) = (`+placeholders(1, 14)+`) WHERE id = $15`, parcelRows); err != nil {
		return fmt.Errorf("update parcels: %w", err)
	}
	if err := q.ExecBatch(ctx, `UPDATE shipments SET (`+progressCols+`, updated_at) = (`+placeholders(1, 14)+`) WHERE id = $15`, shipmentRows); err != nil {
		return fmt.Errorf("update shipments: %w", err)
	}
	return nil
}

func repairString(rs []shipment.Repair) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, "; ")
}
