package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/storetest"
)

func benchStore(b *testing.B) *postgres.Store {
	return openURL(b, freshSchema(b), postgres.Options{})
}

// BenchmarkIngest: IngestEvents, batches of 1,000 with dedupe, validation
// and status derivation (stored keys looked up, then a plain INSERT …
// SELECT FROM unnest of the new rows: the default).
func BenchmarkIngest(b *testing.B) { storetest.BenchmarkIngest(b, benchStore(b)) }

// BenchmarkIngestCopy: the same with COPY of the new rows straight into
// the events table in place of the INSERT.
func BenchmarkIngestCopy(b *testing.B) {
	s := benchStore(b)
	postgres.UseCopyInsert(s)
	storetest.BenchmarkIngest(b, s)
}

// copyCols are the events columns the raw baseline fills.
var copyCols = []string{"parcel_id", "occurred_at", "utc_offset", "local_time", "zone", "offset_source", "loc_text",
	"city", "state", "postal_code", "country", "code", "text", "language", "status", "substatus", "hash", "ingested_at"}

func copyRow(e shipment.Event, at time.Time) []any {
	return []any{e.ParcelID, e.Time, int32(e.UTCOffset), e.LocalTime, e.Zone, string(e.OffsetSource),
		e.Location.Text, e.Location.City, e.Location.State, e.Location.PostalCode, e.Location.Country,
		e.Code, e.Text, e.Language, string(e.Status), string(e.Substatus), e.Hash, at}
}

// BenchmarkRawCopy is the baseline: the same rows (hashes precomputed)
// COPYed straight into the events table, one transaction per batch.
func BenchmarkRawCopy(b *testing.B) {
	s := benchStore(b)
	d := storetest.NewBenchData(b, s, 50)
	ctx := context.Background()
	const size = 1000
	now := time.Now()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		batch := d.Batch(i, size, 0, true)
		rows := make([][]any, len(batch))
		for j, e := range batch {
			rows[j] = copyRow(e, now)
		}
		b.StartTimer()
		err := pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"events"}, copyCols, pgx.CopyFromRows(rows))
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

// TestIngestUnlockedWriter covers the fallback of the checked inserts.
// They look up stored events under the locks of the batch's shipments and
// parcels; every writer of events is an ingest that takes those locks
// first, so it either committed before (and the lookup sees its rows) or
// waits. A writer without that lock (here, a raw COPY with
// triggers off, as after a restore, committed while the ingest waits on
// it) makes the plain INSERT fail on the unique key; the batch must then
// still be stored whole, that row once.
func TestIngestUnlockedWriter(t *testing.T) {
	for _, strategy := range []string{"unnest", "copy"} {
		t.Run(strategy, func(t *testing.T) {
			s := openURL(t, freshSchema(t), postgres.Options{})
			if strategy == "copy" {
				postgres.UseCopyInsert(s)
			}
			ctx := t.Context()
			d := storetest.NewBenchData(t, s, 2)
			batch := d.Batch(0, 10, 0, true)

			tx, err := s.Pool().Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			var pid int32
			if err := tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
				t.Skipf("cannot turn triggers off to simulate an unlocked writer (needs a superuser): %v", err)
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events"}, copyCols, pgx.CopyFromRows([][]any{copyRow(batch[3], time.Now())})); err != nil {
				t.Fatal(err)
			}

			type outcome struct {
				res store.IngestResult
				err error
			}
			done := make(chan outcome, 1)
			go func() {
				res, err := s.IngestEvents(ctx, d.TenantID, batch)
				done <- outcome{res, err}
			}()
			// Commit once the ingest waits on the raw transaction.
			deadline := time.Now().Add(10 * time.Second)
			for {
				var waiting bool
				err := s.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
					WHERE $1::int = ANY (pg_blocking_pids(pid)))`, pid).Scan(&waiting)
				if err != nil {
					t.Fatal(err)
				}
				if waiting {
					break
				}
				select {
				case o := <-done:
					t.Fatalf("ingest finished without waiting on the raw writer: %+v %v", o.res, o.err)
				default:
				}
				if time.Now().After(deadline) {
					t.Fatal("ingest never waited on the raw writer")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			o := <-done
			if o.err != nil {
				t.Fatal(o.err)
			}
			if o.res.Inserted != 9 || o.res.Duplicates != 1 {
				t.Errorf("result %+v, want 9 inserted and 1 duplicate", o.res)
			}
			var n int
			if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 10 {
				t.Errorf("%d events stored, want 10", n)
			}
			// The new events moved each parcel: its status and latest event
			// are those of the whole batch.
			for _, p := range d.Parcels {
				got, err := s.GetParcel(ctx, d.TenantID, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				var mine []shipment.Event
				for _, e := range batch {
					if e.ParcelID == p.ID {
						mine = append(mine, e)
					}
				}
				want := shipment.Derive(mine)
				if got.Substatus != want.Substatus || !got.LastEventAt.Equal(want.LastEventAt.Truncate(time.Microsecond)) {
					t.Errorf("parcel %d: %s at %v, want %s at %v", p.ID, got.Substatus, got.LastEventAt, want.Substatus, want.LastEventAt)
				}
			}
		})
	}
}
