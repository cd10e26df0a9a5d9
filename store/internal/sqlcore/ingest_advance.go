package sqlcore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/waypost/waypost/shipment"
)

// ProgressColumns are the progress columns of the parcels and shipments
// tables, in the order ProgressWriter implementations write them.
const ProgressColumns = progressCols

// ProgressRow is the new progress of one parcel or shipment, and the one
// it replaces.
type ProgressRow struct {
	ID       int64
	Progress shipment.Progress
	Prev     shipment.Progress
}

// ProgressWriter is implemented by engines that store the progress of many
// rows with one statement; other engines get one UPDATE per row.
type ProgressWriter interface {
	// WriteProgress sets ProgressColumns and updated_at of each row of
	// table ("parcels" or "shipments").
	WriteProgress(ctx context.Context, q Querier, table string, rows []ProgressRow, updatedAt time.Time) error
}

// advance moves the progress of every parcel and shipment that received new
// status-bearing events, from its stored progress and the new events alone
// (shipment.Merge): events that are later than all it has seen extend it,
// late and out-of-order ones are merged in. Only in the rare case Merge
// cannot decide (a new event at the very instant and phase of the current
// status) is the progress derived again from all stored events, which by
// now include the new ones.
//
// It returns the shipments whose progress moved.
func (s *Store) advance(ctx context.Context, q Querier, l *locked, fresh []shipment.Event) ([]ProgressRow, error) {
	if len(fresh) == 0 {
		return nil, nil
	}
	// Bucket the events by parcel in l.order (shipment, then parcel ID),
	// so each parcel's and each shipment's events are one run.
	slot := make(map[int64]int, len(l.order))
	for i, p := range l.order {
		slot[p.id] = i
	}
	start := make([]int, len(l.order)+1)
	for i := range fresh {
		start[slot[fresh[i].ParcelID]+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	sorted := make([]shipment.Event, len(fresh))
	next := slices.Clone(start[:len(l.order)])
	for i := range fresh {
		k := slot[fresh[i].ParcelID]
		sorted[next[k]] = fresh[i]
		next[k]++
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

	var parcelRows, shipmentRows []ProgressRow
	for i := 0; i < len(l.order); {
		sid := l.order[i].shipmentID
		first := i
		for ; i < len(l.order) && l.order[i].shipmentID == sid; i++ {
			p := l.order[i]
			evs := sorted[start[i]:start[i+1]]
			if len(evs) == 0 {
				continue
			}
			next, err := s.refold(p.progress, evs, func() ([]shipment.Event, error) {
				h, err := load(sid)
				if err != nil {
					return nil, err
				}
				mine := make([]shipment.Event, 0, len(h))
				for _, e := range h {
					if e.ParcelID == p.id {
						mine = append(mine, e)
					}
				}
				return mine, nil
			})
			if err != nil {
				return nil, err
			}
			if next != p.progress {
				parcelRows = append(parcelRows, ProgressRow{p.id, next, p.progress})
			}
		}
		evs := sorted[start[first]:start[i]]
		if len(evs) == 0 {
			continue
		}
		cur := l.shipments[sid].progress
		next, err := s.refold(cur, evs, func() ([]shipment.Event, error) { return load(sid) })
		if err != nil {
			return nil, err
		}
		if next != cur {
			shipmentRows = append(shipmentRows, ProgressRow{sid, next, cur})
		}
	}
	now := s.clock()
	if err := s.writeProgress(ctx, q, "parcels", parcelRows, now); err != nil {
		return nil, fmt.Errorf("update parcels: %w", err)
	}
	if err := s.writeProgress(ctx, q, "shipments", shipmentRows, now); err != nil {
		return nil, fmt.Errorf("update shipments: %w", err)
	}
	return shipmentRows, nil
}

// refold returns cur moved by the new events evs, deriving it from all
// events (read by all) when shipment.Merge cannot.
func (s *Store) refold(cur shipment.Progress, evs []shipment.Event, all func() ([]shipment.Event, error)) (shipment.Progress, error) {
	if next, ok := shipment.Merge(cur, evs); ok {
		return next, nil
	}
	h, err := all()
	if err != nil {
		return cur, err
	}
	return shipment.Derive(h), nil
}

// writeProgress stores rows' progress in table, through the engine's
// ProgressWriter when it has one.
func (s *Store) writeProgress(ctx context.Context, q Querier, table string, rows []ProgressRow, now time.Time) error {
	if len(rows) == 0 {
		return nil
	}
	if w, ok := s.eng.(ProgressWriter); ok {
		return w.WriteProgress(ctx, q, table, rows, now)
	}
	args := make([][]any, len(rows))
	for i, r := range rows {
		args[i] = append(s.progressArgs(r.Progress), s.t(now), r.ID)
	}
	return q.ExecBatch(ctx, `UPDATE `+table+` SET (`+progressCols+`, updated_at) = (`+placeholders(1, 14)+`) WHERE id = $15`, args)
}
