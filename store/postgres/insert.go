package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store/internal/sqlcore"
)

// insertFunc is one bulk-insert strategy. Both skip events already stored
// and return the keys of the rows inserted.
type insertFunc func(ctx context.Context, q querier, events []shipment.Event, ingestedAt time.Time) ([]sqlcore.Key, error)

// InsertEvents implements sqlcore.Engine with the configured strategy.
func (e engine) InsertEvents(ctx context.Context, q sqlcore.Querier, events []shipment.Event, at time.Time) ([]sqlcore.Key, error) {
	return e.s.insert(ctx, q.(querier), events, at)
}

// eventCols are the columns both strategies fill, in order: parcel_id,
// occurred_at, utc_offset, then the text columns of textCols.
const eventCols = `parcel_id, occurred_at, utc_offset, local_time, zone, offset_source, loc_text, city,
	state, postal_code, country, code, text, language, status, substatus, hash`

const nText = 14

func textCols(e *shipment.Event) [nText]string {
	return [nText]string{e.LocalTime, e.Zone, string(e.OffsetSource), e.Location.Text, e.Location.City,
		e.Location.State, e.Location.PostalCode, e.Location.Country, e.Code, e.Text, e.Language,
		string(e.Status), string(e.Substatus), e.Hash}
}

// insertUnnest sends the batch as one array per column and inserts it with
// a single INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING: one
// statement, one round trip, binary-encoded arrays.
func insertUnnest(ctx context.Context, q querier, events []shipment.Event, at time.Time) ([]sqlcore.Key, error) {
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
	args := []any{at, parcel, occurred, offset}
	for i := range text {
		args = append(args, text[i])
	}
	rows, err := q.x.Query(ctx, `INSERT INTO events (`+eventCols+`, ingested_at)
		SELECT u.*, $1::timestamptz FROM unnest($2::bigint[], $3::timestamptz[], $4::integer[],
			$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
			$12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[]) AS u
		ON CONFLICT (parcel_id, hash) DO NOTHING
		RETURNING parcel_id, hash`, args...)
	if err != nil {
		return nil, err
	}
	return scanKeys(rows, n)
}

// insertCopy streams the batch with COPY into a temporary table and moves
// it with INSERT … SELECT … ON CONFLICT DO NOTHING.
func insertCopy(ctx context.Context, q querier, events []shipment.Event, at time.Time) ([]sqlcore.Key, error) {
	if _, err := q.tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS events_in (
			parcel_id bigint, occurred_at timestamptz, utc_offset integer, local_time text, zone text,
			offset_source text, loc_text text, city text, state text, postal_code text, country text,
			code text, text text, language text, status text, substatus text, hash text
		) ON COMMIT DELETE ROWS`); err != nil {
		return nil, err
	}
	cols := []string{"parcel_id", "occurred_at", "utc_offset", "local_time", "zone", "offset_source", "loc_text",
		"city", "state", "postal_code", "country", "code", "text", "language", "status", "substatus", "hash"}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(events) {
			return nil, nil
		}
		e := &events[i]
		i++
		row := make([]any, 0, len(cols))
		row = append(row, e.ParcelID, e.Time, int32(e.UTCOffset))
		for _, v := range textCols(e) {
			row = append(row, v)
		}
		return row, nil
	})
	if _, err := q.tx.CopyFrom(ctx, pgx.Identifier{"events_in"}, cols, src); err != nil {
		return nil, err
	}
	rows, err := q.tx.Query(ctx, `INSERT INTO events (`+eventCols+`, ingested_at)
		SELECT `+eventCols+`, $1 FROM events_in
		ON CONFLICT (parcel_id, hash) DO NOTHING
		RETURNING parcel_id, hash`, at)
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
