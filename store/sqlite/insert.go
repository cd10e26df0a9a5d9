package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store/internal/sqlcore"
)

const (
	insertCols = `parcel_id, occurred_at, local_time, zone, utc_offset, offset_source, loc_text, city,
	state, postal_code, country, code, text, language, status, substatus, hash, ingested_at`
	nInsertCols = 18
)

// chunkSizes are the statement sizes used, largest first: a batch is cut
// greedily into them, so only these few statements are ever prepared. The
// largest binds 256*18 = 4,608 parameters, far below SQLite's 32,766.
// (Numbered parameters such as ?1 would save binding ingested_at on every
// row, but the driver looks each one's name up in a list, which is
// quadratic in the statement's parameters.)
var chunkSizes = []int{256, 64, 16, 4, 1}

// InsertEvents stores the events not stored yet and returns their keys.
//
// SQLite has one writer and this runs inside its write transaction, so
// the events already stored can be found first and only the new ones
// inserted: one query for existing keys in each parcel's hash range, then
// multi-row INSERTs. This measured far cheaper than INSERT … ON CONFLICT
// DO NOTHING RETURNING for the whole batch (RETURNING alone cost a third
// of the time). The INSERT keeps ON CONFLICT DO NOTHING, and the count of
// rows it stored is checked against the count expected.
func (engine) InsertEvents(ctx context.Context, q sqlcore.Querier, events []shipment.Event, ingestedAt time.Time) ([]sqlcore.Key, error) {
	existing, err := storedKeys(ctx, q, events)
	if err != nil {
		return nil, fmt.Errorf("find stored events: %w", err)
	}
	keys := make([]sqlcore.Key, 0, len(events))
	for i := range events {
		k := sqlcore.Key{ParcelID: events[i].ParcelID, Hash: events[i].Hash}
		if _, ok := existing[k]; !ok {
			keys = append(keys, k)
		}
	}
	n, err := insertRows(ctx, q, events, existing, len(keys), ingestedAt.UnixMicro())
	if err != nil {
		return nil, err
	}
	if n != len(keys) {
		return nil, fmt.Errorf("%d of %d new events stored", n, len(keys))
	}
	return keys, nil
}

// storedKeys returns the keys of events already stored among events. It
// asks, per parcel, for the stored hashes between the batch's lowest and
// highest; hashes start with the event's second, so the range covers the
// batch's time span and the (parcel_id, hash) index answers it directly.
func storedKeys(ctx context.Context, q sqlcore.Querier, events []shipment.Event) (map[sqlcore.Key]struct{}, error) {
	type span struct{ lo, hi string }
	spans := make(map[int64]*span, 16)
	order := make([]int64, 0, 16)
	for i := range events {
		e := &events[i]
		sp := spans[e.ParcelID]
		if sp == nil {
			spans[e.ParcelID] = &span{e.Hash, e.Hash}
			order = append(order, e.ParcelID)
			continue
		}
		sp.lo, sp.hi = min(sp.lo, e.Hash), max(sp.hi, e.Hash)
	}
	// [[parcel, "lo", "hi"], …]; hashes are hex digits, nothing to escape.
	b := make([]byte, 0, len(order)*(2*42+30))
	b = append(b, '[')
	for i, id := range order {
		if i > 0 {
			b = append(b, ',')
		}
		sp := spans[id]
		b = append(b, '[')
		b = strconv.AppendInt(b, id, 10)
		b = append(b, `,"`...)
		b = append(b, sp.lo...)
		b = append(b, `","`...)
		b = append(b, sp.hi...)
		b = append(b, `"]`...)
	}
	b = append(b, ']')
	// CROSS JOIN keeps the ranges as the outer loop.
	rows, err := q.Query(ctx, `SELECT e.parcel_id, e.hash FROM json_each($1) AS r CROSS JOIN events AS e
		ON e.parcel_id = r.value ->> 0 AND e.hash BETWEEN r.value ->> 1 AND r.value ->> 2`, string(b))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out map[sqlcore.Key]struct{}
	for rows.Next() {
		var k sqlcore.Key
		if err := rows.Scan(&k.ParcelID, &k.Hash); err != nil {
			return nil, err
		}
		if out == nil {
			out = make(map[sqlcore.Key]struct{}, 64)
		}
		out[k] = struct{}{}
	}
	return out, rows.Err()
}

// insertRows inserts the left events whose keys are not in skip with
// multi-row INSERTs and returns the number of rows stored. (skip may hold
// keys of stored events that are not in events.)
func insertRows(ctx context.Context, q sqlcore.Querier, events []shipment.Event, skip map[sqlcore.Key]struct{}, left int, at int64) (int, error) {
	total, i := 0, 0
	args := make([]any, 0, chunkSizes[0]*nInsertCols)
	for left > 0 {
		n := 1
		for _, c := range chunkSizes {
			if left >= c {
				n = c
				break
			}
		}
		args = args[:0]
		for rows := 0; rows < n; i++ {
			e := &events[i]
			if len(skip) > 0 {
				if _, ok := skip[sqlcore.Key{ParcelID: e.ParcelID, Hash: e.Hash}]; ok {
					continue
				}
			}
			args = append(args, e.ParcelID, e.Time.UnixMicro(), e.LocalTime, e.Zone, int64(e.UTCOffset), string(e.OffsetSource),
				e.Location.Text, e.Location.City, e.Location.State, e.Location.PostalCode, e.Location.Country,
				e.Code, e.Text, e.Language, string(e.Status), string(e.Substatus), e.Hash, at)
			rows++
		}
		c, err := q.Exec(ctx, insertSQL(n), args...)
		if err != nil {
			return total, err
		}
		total += int(c)
		left -= n
	}
	return total, nil
}

// insertSQL returns the INSERT for n rows.
func insertSQL(n int) string {
	for i, c := range chunkSizes {
		if c == n {
			return insertSQLs[i]
		}
	}
	return buildInsertSQL(n)
}

var insertSQLs = func() []string {
	out := make([]string, len(chunkSizes))
	for i, n := range chunkSizes {
		out[i] = buildInsertSQL(n)
	}
	return out
}()

func buildInsertSQL(n int) string {
	row := "(" + strings.Repeat("?, ", nInsertCols-1) + "?)"
	var b strings.Builder
	b.Grow(n*(len(row)+2) + 300)
	b.WriteString("INSERT INTO events (" + insertCols + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(" ON CONFLICT (parcel_id, hash) DO NOTHING")
	return b.String()
}

// progressChunks are the statement sizes WriteProgress cuts rows into.
var progressChunks = []int{64, 16, 4, 1}

// WriteProgress implements sqlcore.ProgressWriter with multi-row
// UPDATE … FROM (VALUES …): one statement instead of one per row. Rows
// whose status is unchanged (most of them: a status lasts many events)
// are written without the status columns, which spares SQLite updating
// the indexes that contain the status.
func (engine) WriteProgress(ctx context.Context, q sqlcore.Querier, table string, rows []sqlcore.ProgressRow, updatedAt time.Time) error {
	var moved, same []sqlcore.ProgressRow
	for _, r := range rows {
		if r.Progress.Status != r.Prev.Status || r.Progress.Substatus != r.Prev.Substatus {
			moved = append(moved, r)
		} else {
			same = append(same, r)
		}
	}
	if err := writeProgress(ctx, q, table, moved, true, updatedAt.UnixMicro()); err != nil {
		return err
	}
	return writeProgress(ctx, q, table, same, false, updatedAt.UnixMicro())
}

func writeProgress(ctx context.Context, q sqlcore.Querier, table string, rows []sqlcore.ProgressRow, withStatus bool, at int64) error {
	if table != "parcels" && table != "shipments" {
		return fmt.Errorf("sqlite: no progress in table %q", table)
	}
	args := make([]any, 0, progressChunks[0]*nProgressValues)
	for len(rows) > 0 {
		n := 1
		for _, c := range progressChunks {
			if len(rows) >= c {
				n = c
				break
			}
		}
		chunk := rows[:n]
		rows = rows[n:]
		args = args[:0]
		for _, r := range chunk {
			p, m := &r.Progress, &r.Progress.Milestones
			args = append(args, r.ID)
			if withStatus {
				args = append(args, string(p.Status), string(p.Substatus))
			}
			args = append(args, micros(p.StatusAt), micros(p.LastEventAt),
				micros(m.InfoReceived), micros(m.PickedUp), micros(m.DepartedOrigin), micros(m.ArrivedDestination),
				micros(m.CustomsIn), micros(m.CustomsOut), micros(m.OutForDelivery), micros(m.Delivered), micros(m.Returned),
				at)
		}
		if _, err := q.Exec(ctx, progressSQL(table, withStatus, n), args...); err != nil {
			return err
		}
	}
	return nil
}

// micros encodes a time column: Unix microseconds, NULL for the zero time.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// nProgressValues is the most values per row WriteProgress binds: the
// ID, the progress columns and updated_at.
const nProgressValues = 15

// progressTimeCols are the progress columns after status and substatus.
var progressTimeCols = func() string {
	cols := strings.Split(sqlcore.ProgressColumns, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	if cols[0] != "status" || cols[1] != "substatus" {
		panic("sqlite: progress columns do not start with status, substatus")
	}
	return strings.Join(cols[2:], ", ")
}()

// progressSQLs holds the statements of progressSQL by table, then with
// and without status, then chunk size.
var progressSQLs = func() map[string][2][]string {
	m := map[string][2][]string{}
	for _, table := range []string{"parcels", "shipments"} {
		var v [2][]string
		for k, with := range []bool{false, true} {
			for _, n := range progressChunks {
				v[k] = append(v[k], buildProgressSQL(table, with, n))
			}
		}
		m[table] = v
	}
	return m
}()

func progressSQL(table string, withStatus bool, n int) string {
	k := 0
	if withStatus {
		k = 1
	}
	for i, c := range progressChunks {
		if c == n {
			return progressSQLs[table][k][i]
		}
	}
	return buildProgressSQL(table, withStatus, n)
}

// buildProgressSQL writes UPDATE table SET (…, updated_at) = (…) FROM
// (VALUES …) for n rows; VALUES names its columns column1, column2, ….
func buildProgressSQL(table string, withStatus bool, n int) string {
	cols, values := progressTimeCols, nProgressValues-2
	if withStatus {
		cols, values = "status, substatus, "+cols, nProgressValues
	}
	var b strings.Builder
	b.WriteString("UPDATE " + table + " SET (" + cols + ", updated_at) = (")
	for i := 2; i <= values; i++ {
		if i > 2 {
			b.WriteString(", ")
		}
		b.WriteString("v.column" + strconv.Itoa(i))
	}
	b.WriteString(") FROM (VALUES ")
	row := "(" + strings.Repeat("?, ", values-1) + "?)"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(") AS v WHERE " + table + ".id = v.column1")
	return b.String()
}
