package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store/internal/sqlcore"
)

const (
	insertCols = `parcel_id, occurred_at, local_time, zone, utc_offset, offset_source, loc_text, city,
	state, postal_code, country, code, text, language, status, substatus, hash, ingested_at`
	nInsertCols = 18
	// chunkRows keeps a statement well under SQLite's 32766 bound variables
	// while amortising each statement's execution over many rows.
	chunkRows = 200
)

// chunkSizes are the statement sizes used, largest first: a batch is cut
// greedily into them, so only these few statements are ever prepared.
var chunkSizes = []int{chunkRows, 40, 8, 1}

// InsertEvents stores events with multi-row INSERTs; ON CONFLICT DO NOTHING
// skips events already stored and RETURNING names the ones inserted.
func (engine) InsertEvents(ctx context.Context, q sqlcore.Querier, events []shipment.Event, ingestedAt time.Time) ([]sqlcore.Key, error) {
	keys := make([]sqlcore.Key, 0, len(events))
	args := make([]any, 0, chunkRows*nInsertCols)
	at := ingestedAt.UnixMicro()
	for len(events) > 0 {
		n := 1
		for _, c := range chunkSizes {
			if len(events) >= c {
				n = c
				break
			}
		}
		chunk := events[:n]
		events = events[n:]
		args = args[:0]
		for i := range chunk {
			e := &chunk[i]
			args = append(args, e.ParcelID, e.Time.UnixMicro(), e.LocalTime, e.Zone, e.UTCOffset, string(e.OffsetSource),
				e.Location.Text, e.Location.City, e.Location.State, e.Location.PostalCode, e.Location.Country,
				e.Code, e.Text, e.Language, string(e.Status), string(e.Substatus), e.Hash, at)
		}
		rows, err := q.Query(ctx, insertSQL(n), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k sqlcore.Key
			if err := rows.Scan(&k.ParcelID, &k.Hash); err != nil {
				rows.Close()
				return nil, err
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// insertSQL returns the INSERT for n rows with "?" placeholders.
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
	b.Grow(n*len(row) + 200)
	b.WriteString("INSERT INTO events (" + insertCols + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(" ON CONFLICT (parcel_id, hash) DO NOTHING RETURNING parcel_id, hash")
	return b.String()
}
