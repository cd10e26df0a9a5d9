package sqlcore

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// parcelState is what ingest needs to know about a parcel in the batch and
// its shipment, as read under the shipment's lock.
type parcelState struct {
	id, shipmentID          int64
	carrier, trackingNumber string
	progress                shipment.Progress
}

// shipmentState is a shipment's progress as read under its lock.
type shipmentState struct {
	id       int64
	progress shipment.Progress
}

// locked is the batch's parcels and shipments as read under lock.
type locked struct {
	parcels   map[int64]*parcelState
	order     []*parcelState // by shipment ID, then parcel ID
	shipments map[int64]*shipmentState
}

// IngestEvents implements store.Store.
//
// Everything that needs no lock happens first, spread over the available
// cores: validation, reading the parcels' carrier and tracking number
// (which also checks they are the tenant's), hashing and the removal of
// repeats within the batch. The transaction then locks the shipments the
// batch touches (PostgreSQL; SQLite has one writer), checks the parcels'
// carrier and number have not changed meanwhile, lets the engine store the
// events that are new, and moves each touched parcel and shipment forward
// from its stored progress and only the events just inserted (advance).
func (s *Store) IngestEvents(ctx context.Context, tenantID int64, events []shipment.Event) (store.IngestResult, error) {
	var res store.IngestResult
	if len(events) == 0 {
		return res, nil
	}
	valid, ids, idents, err := s.prepareEvents(ctx, tenantID, events, &res)
	if err != nil {
		return res, fmt.Errorf("store: ingest events: %w", err)
	}
	if len(valid) == 0 {
		return res, nil
	}
	batch, repeats := dedupeBatch(valid)

	var inserted, dups int
	err = s.eng.Tx(ctx, func(q Querier) error {
		l, err := s.lockParcels(ctx, q, tenantID, ids)
		if err != nil {
			return err
		}
		b, d := batch, repeats
		if renamed(l.parcels, idents) {
			// The carrier or number changed since it was read: hash again
			// with what is now stored.
			cur := make(map[int64]parcelIdent, len(l.parcels))
			for id, p := range l.parcels {
				cur[id] = parcelIdent{p.carrier, p.trackingNumber}
			}
			hashEvents(valid, cur)
			b, d = dedupeBatch(valid)
		}
		keys, err := s.eng.InsertEvents(ctx, q, b, s.clock())
		if err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		inserted, dups = len(keys), d+len(b)-len(keys)
		moved, err := s.advance(ctx, q, l, freshEvents(b, keys))
		if err != nil {
			return err
		}
		newEvents := make(map[int64]int, len(moved))
		for _, k := range keys {
			newEvents[l.parcels[k.ParcelID].shipmentID]++
		}
		return s.enqueueChanges(ctx, q, tenantID, moved, newEvents, s.clock())
	})
	if err != nil {
		return res, fmt.Errorf("store: ingest events: %w", err)
	}
	res.Inserted, res.Duplicates = inserted, dups
	return res, nil
}

// prepChunk is one worker's share of prepareEvents.
type prepChunk struct {
	lo, hi   int // index range in the input
	valid    []shipment.Event
	rejected []store.Rejection
	repaired []store.Repaired
}

// minChunk is the fewest events worth handing to another goroutine.
const minChunk = 256

// prepareEvents validates and repairs events, recording rejections and
// repairs in res (and the log), reads the carrier and tracking number of
// their parcels, and hashes the valid events. It returns the valid events
// in input order, their distinct parcel IDs and the parcels' identities;
// a parcel that is missing or another tenant's is ErrNotFound. The parcel
// query runs while the events are validated, and validation and hashing
// are split over up to GOMAXPROCS goroutines.
func (s *Store) prepareEvents(ctx context.Context, tenantID int64, events []shipment.Event, res *store.IngestResult) ([]shipment.Event, []int64, map[int64]parcelIdent, error) {
	now := s.clock()
	all := distinctParcels(events)
	var (
		idents   map[int64]parcelIdent
		identErr error
		ready    = make(chan struct{})
	)
	go func() {
		defer close(ready)
		idents, identErr = s.parcelIdents(ctx, s.eng.Reader(), tenantID, all)
	}()

	n := min(runtime.GOMAXPROCS(0), max(1, len(events)/minChunk))
	chunks := make([]prepChunk, n)
	work := func(c *prepChunk) {
		c.valid = make([]shipment.Event, 0, c.hi-c.lo)
		for i := c.lo; i < c.hi; i++ {
			ne, repairs, err := shipment.NormalizeEvent(events[i], now)
			if err != nil {
				c.rejected = append(c.rejected, store.Rejection{Index: i, Err: err})
				continue
			}
			if len(repairs) > 0 {
				c.repaired = append(c.repaired, store.Repaired{Index: i, Repairs: repairs})
			}
			c.valid = append(c.valid, ne)
		}
		<-ready
		if identErr == nil {
			hashEvents(c.valid, idents)
		}
	}
	var wg sync.WaitGroup
	for k := range chunks {
		c := &chunks[k]
		c.lo, c.hi = k*len(events)/n, (k+1)*len(events)/n
		if k > 0 {
			wg.Go(func() { work(c) })
		}
	}
	work(&chunks[0])
	wg.Wait()

	total := 0
	for k := range chunks {
		total += len(chunks[k].valid)
	}
	valid := make([]shipment.Event, 0, total)
	for k := range chunks {
		c := &chunks[k]
		for _, r := range c.rejected {
			s.log.WarnContext(ctx, "event rejected", "tenant_id", tenantID, "parcel_id", events[r.Index].ParcelID, "index", r.Index, "error", r.Err)
		}
		for _, r := range c.repaired {
			s.log.InfoContext(ctx, "event repaired", "tenant_id", tenantID, "parcel_id", events[r.Index].ParcelID, "index", r.Index, "repairs", repairString(r.Repairs))
		}
		res.Rejected = append(res.Rejected, c.rejected...)
		res.Repaired = append(res.Repaired, c.repaired...)
		valid = append(valid, c.valid...)
	}
	if identErr != nil {
		return nil, nil, nil, identErr
	}
	ids := distinctParcels(valid)
	for _, id := range ids {
		if _, ok := idents[id]; !ok {
			return nil, nil, nil, fmt.Errorf("parcel %d: %w", id, store.ErrNotFound)
		}
	}
	return valid, ids, idents, nil
}

// distinctParcels returns the parcel IDs of events, each once, in order of
// first appearance.
func distinctParcels(events []shipment.Event) []int64 {
	var ids []int64
	seen := make(map[int64]struct{}, 16)
	last := int64(0)
	for i := range events {
		id := events[i].ParcelID
		if id == last && len(ids) > 0 {
			continue
		}
		last = id
		if _, ok := seen[id]; !ok {
			seen[id] = struct{}{}
			ids = append(ids, id)
		}
	}
	return ids
}

// parcelIdent is what an event hash is computed from besides the event.
type parcelIdent struct{ carrier, trackingNumber string }

// parcelIdents reads the carrier and tracking number of those of the
// parcels ids that are the tenant's.
func (s *Store) parcelIdents(ctx context.Context, q Querier, tenantID int64, ids []int64) (map[int64]parcelIdent, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sql, args := inList(`SELECT id, carrier, tracking_number FROM parcels WHERE tenant_id = $1 AND id IN (`, `)`, tenantID, ids)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]parcelIdent, len(ids))
	for rows.Next() {
		var id int64
		var p parcelIdent
		if err := rows.Scan(&id, &p.carrier, &p.trackingNumber); err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, rows.Err()
}

// hashEvents sets each event's hash from its parcel's identity.
func hashEvents(events []shipment.Event, idents map[int64]parcelIdent) {
	var (
		last int64
		id   parcelIdent
	)
	for i := range events {
		e := &events[i]
		if e.ParcelID != last || i == 0 {
			last, id = e.ParcelID, idents[e.ParcelID]
		}
		e.Hash = shipment.HashEvent(id.carrier, id.trackingNumber, e)
	}
}

// dedupeBatch returns events without repeats (keeping the first of each)
// and the number dropped. events is left as it is; without repeats it is
// returned itself.
func dedupeBatch(events []shipment.Event) ([]shipment.Event, int) {
	seen := make(map[Key]struct{}, len(events))
	var out []shipment.Event
	for i := range events {
		k := Key{events[i].ParcelID, events[i].Hash}
		if _, ok := seen[k]; !ok {
			seen[k] = struct{}{}
			if out != nil {
				out = append(out, events[i])
			}
			continue
		}
		if out == nil {
			out = make([]shipment.Event, i, len(events))
			copy(out, events[:i])
		}
	}
	if out == nil {
		return events, 0
	}
	return out, len(events) - len(out)
}

// renamed reports whether a locked parcel's carrier or number differs from
// the one its events were hashed with.
func renamed(parcels map[int64]*parcelState, idents map[int64]parcelIdent) bool {
	for id, p := range parcels {
		if idents[id] != (parcelIdent{p.carrier, p.trackingNumber}) {
			return true
		}
	}
	return false
}

// freshEvents returns the status-bearing events of batch that were
// inserted (keys), the only ones that can move a status. The engines
// return keys in batch order, which is checked by matching them as a
// subsequence; otherwise they are looked up in a set.
func freshEvents(batch []shipment.Event, keys []Key) []shipment.Event {
	fresh := make([]shipment.Event, 0, len(keys))
	j := 0
	for i := range batch {
		if j < len(keys) && keys[j].ParcelID == batch[i].ParcelID && keys[j].Hash == batch[i].Hash {
			j++
			if batch[i].HasStatus() {
				fresh = append(fresh, batch[i])
			}
		}
	}
	if j == len(keys) {
		return fresh
	}
	fresh = fresh[:0]
	isNew := make(map[Key]struct{}, len(keys))
	for _, k := range keys {
		isNew[k] = struct{}{}
	}
	for i := range batch {
		if !batch[i].HasStatus() {
			continue
		}
		if _, ok := isNew[Key{batch[i].ParcelID, batch[i].Hash}]; ok {
			fresh = append(fresh, batch[i])
		}
	}
	return fresh
}

// lockParcels loads the batch's parcels with their shipments' progress,
// checking they all belong to the tenant, in one query that locks the
// shipments and parcels (PostgreSQL) in shipment ID order: concurrent
// batches for one shipment apply one after the other and never deadlock,
// and no other transaction can add events to these parcels meanwhile
// (every writer of events is an ingest, which takes these locks first), so
// the engine may look up which events are stored before inserting.
func (s *Store) lockParcels(ctx context.Context, q Querier, tenantID int64, ids []int64) (*locked, error) {
	sql, args := inList(`SELECT p.id, p.shipment_id, p.carrier, p.tracking_number, `+parcelProgressCols+`, `+shipmentProgressCols+`
		FROM parcels p JOIN shipments s ON s.id = p.shipment_id
		WHERE p.tenant_id = $1 AND p.id IN (`, `) ORDER BY s.id, p.id`+s.eng.ForUpdate(), tenantID, ids)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	l := &locked{
		parcels:   make(map[int64]*parcelState, len(ids)),
		order:     make([]*parcelState, 0, len(ids)),
		shipments: make(map[int64]*shipmentState, len(ids)),
	}
	states := make([]parcelState, len(ids))
	ships := make([]shipmentState, len(ids))
	dest := make([]any, 0, 4+2*nProgressCols)
	for n := 0; rows.Next(); n++ {
		if n == len(states) {
			return nil, fmt.Errorf("lock parcels: more rows than parcels")
		}
		p, sh := &states[n], &ships[n]
		dest = append(dest[:0], &p.id, &p.shipmentID, &p.carrier, &p.trackingNumber)
		dest = append(dest, progressDest(&p.progress)...)
		dest = append(dest, progressDest(&sh.progress)...)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		l.parcels[p.id] = p
		l.order = append(l.order, p)
		if l.shipments[p.shipmentID] == nil {
			sh.id = p.shipmentID
			l.shipments[sh.id] = sh
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if l.parcels[id] == nil {
			return nil, fmt.Errorf("parcel %d: %w", id, store.ErrNotFound)
		}
	}
	return l, nil
}

// nProgressCols is the number of columns in progressCols.
var nProgressCols = len(strings.Split(progressCols, ","))

// parcelProgressCols and shipmentProgressCols are progressCols qualified
// by the aliases lockParcels uses.
var (
	parcelProgressCols   = qualify("p", progressCols)
	shipmentProgressCols = qualify("s", progressCols)
)

func qualify(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// inList returns head + "$2, …" + tail and the arguments first, ids…. The
// list is padded to a power of two by repeating the first ID, so a handful
// of statement texts serve every batch and stay prepared.
func inList(head, tail string, first int64, ids []int64) (string, []any) {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	args := make([]any, 0, n+1)
	args = append(args, first)
	for _, id := range ids {
		args = append(args, id)
	}
	for len(args) < n+1 {
		args = append(args, ids[0])
	}
	return head + placeholders(2, n) + tail, args
}

func repairString(rs []shipment.Repair) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, "; ")
}
