package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/storetest"
)

func benchStore(b *testing.B) *postgres.Store {
	return openURL(b, freshSchema(b), postgres.Options{})
}

// BenchmarkIngest: IngestEvents, batches of 1,000 with dedupe, validation
// and status derivation (INSERT … SELECT FROM unnest, the default).
func BenchmarkIngest(b *testing.B) { storetest.BenchmarkIngest(b, benchStore(b)) }

// BenchmarkIngestCopy: the same through COPY into a temporary table, then
// INSERT … SELECT … ON CONFLICT DO NOTHING.
func BenchmarkIngestCopy(b *testing.B) {
	s := benchStore(b)
	postgres.UseCopyInsert(s)
	storetest.BenchmarkIngest(b, s)
}

// BenchmarkRawCopy is the baseline: the same rows (hashes precomputed)
// COPYed straight into the events table, one transaction per batch.
func BenchmarkRawCopy(b *testing.B) {
	s := benchStore(b)
	d := storetest.NewBenchData(b, s, 50)
	ctx := context.Background()
	const size = 1000
	cols := []string{"parcel_id", "occurred_at", "utc_offset", "local_time", "zone", "offset_source", "loc_text",
		"city", "state", "postal_code", "country", "code", "text", "language", "status", "substatus", "hash", "ingested_at"}
	now := time.Now()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		batch := d.Batch(i, size, 0, true)
		rows := make([][]any, len(batch))
		for j, e := range batch {
			rows[j] = []any{e.ParcelID, e.Time, int32(e.UTCOffset), e.LocalTime, e.Zone, string(e.OffsetSource),
				e.Location.Text, e.Location.City, e.Location.State, e.Location.PostalCode, e.Location.Country,
				e.Code, e.Text, e.Language, string(e.Status), string(e.Substatus), e.Hash, now}
		}
		b.StartTimer()
		err := pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"events"}, cols, pgx.CopyFromRows(rows))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkIngestParallel4: four concurrent ingesters on separate parcels.
func BenchmarkIngestParallel4(b *testing.B) {
	storetest.BenchmarkIngestParallel(b, benchStore(b), 4)
}
