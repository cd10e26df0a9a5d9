package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store/internal/sqlcore"
)

// insertFunc is one bulk-insert strategy. Each skips events already stored
// and returns the keys of the rows inserted.
type insertFunc func(ctx context.Context, q querier, events []shipment.Event, ingestedAt time.Time) ([]sqlcore.Key, error)

// InsertEvents implements sqlcore.Engine with the configured strategy.
func (e engine) InsertEvents(ctx context.Context, q sqlcore.Querier, events []shipment.Event, at time.Time) ([]sqlcore.Key, error) {
	return e.s.insert(ctx, q.(querier), events, at)
}

// eventCols are the columns the strategies fill, in order: parcel_id,
// occurred_at, utc_offset, then the text columns of textCols.
const eventCols = `parcel_id, occurred_at, utc_offset, local_time, zone, offset_source, loc_text, city,
	state, postal_code, country, code, text, language, status, substatus, hash`

// copyCols are eventCols and ingested_at, for COPY.
var copyCols = []string{"parcel_id", "occurred_at", "utc_offset", "local_time", "zone", "offset_source", "loc_text",
	"city", "state", "postal_code", "country", "code", "text", "language", "status", "substatus", "hash", "ingested_at"}

const nText = 14

func textCols(e *shipment.Event) [nText]string {
	return [nText]string{e.LocalTime, e.Zone, string(e.OffsetSource), e.Location.Text, e.Location.City,
		e.Location.State, e.Location.PostalCode, e.Location.Country, e.Code, e.Text, e.Language,
		string(e.Status), string(e.Substatus), e.Hash}
}

// insertUnnest is the default strategy. Ingest holds the locks of the
// batch's shipments and parcels (FOR UPDATE), and every writer of events
// is an ingest, so no other writer can add events for these parcels until
// commit: the events already stored can be looked up first. That is one query for
// the stored keys in each parcel's hash range, then one plain INSERT …
// SELECT FROM unnest($1::bigint[], …) of only the new rows, the batch sent
// as one binary-encoded array per column. A plain INSERT avoids the
// per-row cost of ON CONFLICT (a speculative insertion: an extra index
// probe and WAL record per row) and of RETURNING.
//
// Should a writer without that lock (triggers off, as in a restore) slip
// a row in between, the INSERT fails on the unique key and the new rows
// are inserted again, from a savepoint, with ON CONFLICT DO NOTHING
// RETURNING.
func insertUnnest(ctx context.Context, q querier, events []shipment.Event, at time.Time) ([]sqlcore.Key, error) {
	return insertChecked(ctx, q, events, at, func(fresh []shipment.Event) (int64, error) {
		var b pgx.Batch
		b.Queue(`SAVEPOINT waypost_insert`)
		b.Queue(`INSERT INTO events (`+eventCols+`, ingested_at)
			SELECT u.*, $1::timestamptz FROM `+unnestEvents+` AS u`, unnestArgs(fresh, at)...)
		br := q.tx.SendBatch(ctx, &b)
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return 0, err
		}
		tag, err := br.Exec()
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return tag.RowsAffected(), err
	})
}

// insertCopy is insertUnnest with COPY … FROM STDIN (binary) in place of
// the INSERT, for comparison.
func insertCopy(ctx context.Context, q querier, events []shipment.Event, at time.Time) ([]sqlcore.Key, error) {
	return insertChecked(ctx, q, events, at, func(fresh []shipment.Event) (int64, error) {
		if _, err := q.tx.Exec(ctx, `SAVEPOINT waypost_insert`); err != nil {
			return 0, err
		}
		return q.tx.CopyFrom(ctx, pgx.Identifier{"events"}, copyCols, &eventRows{events: fresh, at: at})
	})
}

// insertChecked finds the events already stored, has write store the
// others after a savepoint, and returns their keys. When write fails on
// the unique key, it rolls back to the savepoint and inserts with
// insertOnConflict.
func insertChecked(ctx context.Context, q querier, events []shipment.Event, at time.Time, write func([]shipment.Event) (int64, error)) ([]sqlcore.Key, error) {
	existing, err := storedKeys(ctx, q, events)
	if err != nil {
		return nil, fmt.Errorf("find stored events: %w", err)
	}
	fresh := events
	if len(existing) > 0 {
		fresh = make([]shipment.Event, 0, len(events))
		for i := range events {
			if _, ok := existing[sqlcore.Key{ParcelID: events[i].ParcelID, Hash: events[i].Hash}]; !ok {
				fresh = append(fresh, events[i])
			}
		}
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	n, err := write(fresh)
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" {
		if _, err := q.tx.Exec(ctx, `ROLLBACK TO SAVEPOINT waypost_insert`); err != nil {
			return nil, err
		}
		return insertOnConflict(ctx, q, fresh, at)
	}
	if err != nil {
		return nil, err
	}
	if int(n) != len(fresh) {
		return nil, fmt.Errorf("%d of %d new events stored", n, len(fresh))
	}
	keys := make([]sqlcore.Key, len(fresh))
	for i := range fresh {
		keys[i] = sqlcore.Key{ParcelID: fresh[i].ParcelID, Hash: fresh[i].Hash}
	}
	return keys, nil
}

// storedKeys returns the keys of events already stored among events: per
// parcel, the stored hashes between the batch's lowest and highest. Hashes
// start with the event's second, so the range is the batch's time span and
// the primary key answers it directly.
func storedKeys(ctx context.Context, q querier, events []shipment.Event) (map[sqlcore.Key]struct{}, error) {
	idx := make(map[int64]int, 16)
	var (
		ids    []int64
		lo, hi []string
	)
	for i := range events {
		e := &events[i]
		j, ok := idx[e.ParcelID]
		if !ok {
			idx[e.ParcelID] = len(ids)
			ids, lo, hi = append(ids, e.ParcelID), append(lo, e.Hash), append(hi, e.Hash)
			continue
		}
		lo[j], hi[j] = min(lo[j], e.Hash), max(hi[j], e.Hash)
	}
	rows, err := q.x.Query(ctx, `SELECT e.parcel_id, e.hash
		FROM unnest($1::bigint[], $2::text[], $3::text[]) AS r (parcel_id, lo, hi)
		JOIN events e ON e.parcel_id = r.parcel_id AND e.hash BETWEEN r.lo AND r.hi`, ids, lo, hi)
	if err != nil {
		return nil, err
	}
	var out map[sqlcore.Key]struct{}
	var k sqlcore.Key
	_, err = pgx.ForEachRow(rows, []any{&k.ParcelID, &k.Hash}, func() error {
		if out == nil {
			out = make(map[sqlcore.Key]struct{}, 64)
		}
		out[k] = struct{}{}
		return nil
	})
	return out, err
}

// eventRows feeds COPY without building a [][]any of the whole batch.
type eventRows struct {
	events []shipment.Event
	at     time.Time
	i      int
	row    [18]any
}

func (r *eventRows) Next() bool {
	r.i++
	return r.i <= len(r.events)
}

func (r *eventRows) Values() ([]any, error) {
	e := &r.events[r.i-1]
	r.row = [18]any{e.ParcelID, e.Time, int32(e.UTCOffset), e.LocalTime, e.Zone, string(e.OffsetSource),
		e.Location.Text, e.Location.City, e.Location.State, e.Location.PostalCode, e.Location.Country,
		e.Code, e.Text, e.Language, string(e.Status), string(e.Substatus), e.Hash, r.at}
	return r.row[:], nil
}

func (r *eventRows) Err() error { return nil }

// unnestEvents turns the arrays of unnestArgs ($2…$18) into rows of
// eventCols.
const unnestEvents = `unnest($2::bigint[], $3::timestamptz[], $4::integer[],
	$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
	$12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])`

// unnestArgs returns at and one array per column of eventCols.
func unnestArgs(events []shipment.Event, at time.Time) []any {
	n := len(events)
	parcel := make([]int64, n)
	occurred := make([]time.Time, n)
	offset := make([]int32, n)
	var text [nText][]string
	for i := range text {
		text[i] = make([]string, n)
	}
	for i := range events {
		e := &events[i]
		parcel[i], occurred[i], offset[i] = e.ParcelID, e.Time, int32(e.UTCOffset)
		for j, v := range textCols(e) {
			text[j][i] = v
		}
	}
	args := make([]any, 0, 4+nText)
	args = append(args, at, parcel, occurred, offset)
	for i := range text {
		args = append(args, text[i])
	}
	return args
}

// insertOnConflict inserts with INSERT … SELECT FROM unnest(…) ON CONFLICT
// DO NOTHING RETURNING: correct without any lock, and the fallback of the
// checked strategies.
func insertOnConflict(ctx context.Context, q querier, events []shipment.Event, at time.Time) ([]sqlcore.Key, error) {
	rows, err := q.x.Query(ctx, `INSERT INTO events (`+eventCols+`, ingested_at)
		SELECT u.*, $1::timestamptz FROM `+unnestEvents+` AS u
		ON CONFLICT (parcel_id, hash) DO NOTHING
		RETURNING parcel_id, hash`, unnestArgs(events, at)...)
	if err != nil {
		return nil, err
	}
	return scanKeys(rows, len(events))
}

func scanKeys(rows pgx.Rows, n int) ([]sqlcore.Key, error) {
	keys := make([]sqlcore.Key, 0, n)
	var k sqlcore.Key
	_, err := pgx.ForEachRow(rows, []any{&k.ParcelID, &k.Hash}, func() error {
		keys = append(keys, k)
		return nil
	})
	return keys, err
}

// WriteProgress implements sqlcore.ProgressWriter: one UPDATE … FROM
// unnest(…) for all rows instead of one UPDATE each.
func (engine) WriteProgress(ctx context.Context, q sqlcore.Querier, table string, rows []sqlcore.ProgressRow, updatedAt time.Time) error {
	var sql string
	switch table {
	case "parcels":
		sql = progressSQL("parcels")
	case "shipments":
		sql = progressSQL("shipments")
	default:
		return fmt.Errorf("postgres: no progress in table %q", table)
	}
	n := len(rows)
	ids := make([]int64, n)
	st, sub := make([]string, n), make([]string, n)
	var times [11][]pgtype.Timestamptz
	for i := range times {
		times[i] = make([]pgtype.Timestamptz, n)
	}
	for i, r := range rows {
		p, m := &r.Progress, &r.Progress.Milestones
		ids[i], st[i], sub[i] = r.ID, string(p.Status), string(p.Substatus)
		for j, t := range [11]time.Time{p.StatusAt, p.LastEventAt, m.InfoReceived, m.PickedUp, m.DepartedOrigin,
			m.ArrivedDestination, m.CustomsIn, m.CustomsOut, m.OutForDelivery, m.Delivered, m.Returned} {
			times[j][i] = pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
		}
	}
	args := []any{updatedAt, ids, st, sub}
	for i := range times {
		args = append(args, times[i])
	}
	_, err := q.Exec(ctx, sql, args...)
	return err
}

func progressSQL(table string) string {
	return `UPDATE ` + table + ` AS t SET (` + sqlcore.ProgressColumns + `, updated_at) =
		(v.status, v.substatus, v.status_at, v.last_event_at, v.m1, v.m2, v.m3, v.m4, v.m5, v.m6, v.m7, v.m8, v.m9, $1::timestamptz)
		FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
			$8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[],
			$13::timestamptz[], $14::timestamptz[], $15::timestamptz[])
			AS v (id, status, substatus, status_at, last_event_at, m1, m2, m3, m4, m5, m6, m7, m8, m9)
		WHERE t.id = v.id`
}
