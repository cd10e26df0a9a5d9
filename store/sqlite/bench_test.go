package sqlite

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waypost/waypost/store/storetest"
)

func benchStore(b *testing.B) *Store {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"),
		Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkIngest: IngestEvents, batches of 1,000 with dedupe, validation
// and status derivation, into a SQLite file.
func BenchmarkIngest(b *testing.B) { storetest.BenchmarkIngest(b, benchStore(b)) }

// rawChunk is the rows per statement of the baseline.
const rawChunk = 200

// BenchmarkRawInsert is the baseline: the same rows (hashes precomputed),
// plain multi-row INSERTs in one transaction per batch, nothing else.
func BenchmarkRawInsert(b *testing.B) {
	s := benchStore(b)
	d := storetest.NewBenchData(b, s, 50)
	ctx := context.Background()
	const size = 1000
	row := "(" + strings.Repeat("?, ", nInsertCols-1) + "?)"
	stmt := "INSERT INTO events (" + insertCols + ") VALUES " + strings.Repeat(row+", ", rawChunk-1) + row
	prep, err := s.write.PrepareContext(ctx, stmt)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		batch := d.Batch(i, size, 0, true)
		b.StartTimer()
		tx, err := s.write.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		args := make([]any, 0, rawChunk*nInsertCols)
		for c := 0; c < size; c += rawChunk {
			args = args[:0]
			for _, e := range batch[c : c+rawChunk] {
				args = append(args, e.ParcelID, e.Time.UnixMicro(), e.LocalTime, e.Zone, e.UTCOffset, string(e.OffsetSource),
					e.Location.Text, e.Location.City, e.Location.State, e.Location.PostalCode, e.Location.Country,
					e.Code, e.Text, e.Language, string(e.Status), string(e.Substatus), e.Hash, int64(0))
			}
			if _, err := tx.StmtContext(ctx, prep).ExecContext(ctx, args...); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkIngestParallel4: four concurrent ingesters on separate parcels
// (SQLite serialises their transactions on its one writer).
func BenchmarkIngestParallel4(b *testing.B) {
	storetest.BenchmarkIngestParallel(b, benchStore(b), 4)
}
