// Package sqlcore is the SQL implementation of store.Store shared by the
// SQLite and PostgreSQL engines. Queries use $n placeholders, which both
// drivers bind; what differs between the engines (connection pools, time
// encoding, row locking, bulk insert) is behind the Engine interface, so
// behaviour cannot drift between them.
package sqlcore

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// Rows is the part of a result set the store uses; *sql.Rows and pgx.Rows
// are adapted to it.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Querier runs statements on a pool or in a transaction.
type Querier interface {
	// Exec runs a statement and returns the number of rows affected.
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	// ExecBatch runs one statement once per argument list; PostgreSQL
	// pipelines them in one round trip.
	ExecBatch(ctx context.Context, sql string, args [][]any) error
}

// Key identifies a stored event: its parcel and hash.
type Key struct {
	ParcelID int64
	Hash     string
}

// Engine is what a database engine supplies to the shared store.
type Engine interface {
	// Reader runs reads outside a transaction.
	Reader() Querier
	// Tx runs fn in a write transaction and commits when fn returns nil.
	Tx(ctx context.Context, fn func(q Querier) error) error
	// Time encodes a non-zero time as a query argument.
	Time(t time.Time) any
	// JSON encodes a JSON document as a query argument.
	JSON(b []byte) any
	// UniqueViolation reports whether err is a unique-constraint violation.
	UniqueViolation(err error) bool
	// ForUpdate is appended to a SELECT that must lock its rows until
	// commit; empty where the write transaction already excludes others.
	ForUpdate() string
	// SkipLocked is appended to the due-parcel scan: locked rows are
	// skipped rather than waited for.
	SkipLocked() string
	// TimeType is the SQL type of time columns, for casts of parameters
	// whose type the statement does not imply ("timestamptz", "INTEGER").
	TimeType() string
	// InsertEvents stores events in bulk, skipping those whose (parcel,
	// hash) already exists, and returns the keys actually inserted.
	InsertEvents(ctx context.Context, q Querier, events []shipment.Event, ingestedAt time.Time) ([]Key, error)
	// Close releases the engine's connections.
	Close() error
}

// Store implements store.Store over an Engine.
type Store struct {
	eng Engine
	log *slog.Logger
	now func() time.Time
	// queues caches the names of the subscribed task queues, read on
	// every ingest that moves a shipment.
	queues queueCache
}

var _ store.Store = (*Store)(nil)

// New returns a store over eng. A nil logger means slog.Default(); a nil
// clock means time.Now.
func New(eng Engine, log *slog.Logger, now func() time.Time) *Store {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	return &Store{eng: eng, log: log, now: now}
}

// Close closes the engine.
func (s *Store) Close() error { return s.eng.Close() }

// clock returns the current time at the precision both engines keep.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// t encodes a time argument; the zero time is NULL.
func (s *Store) t(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.eng.Time(t.UTC().Truncate(time.Microsecond))
}

// timeCol scans a time column written by either engine: NULL is the zero
// time, integers are Unix microseconds (SQLite), times are converted to UTC.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.UnixMicro(v).UTC()
	case time.Time:
		*c.t = v.UTC()
	default:
		return &scanError{src}
	}
	return nil
}

func tc(t *time.Time) timeCol { return timeCol{t} }

type scanError struct{ src any }

func (e *scanError) Error() string { return fmt.Sprintf("sqlcore: cannot scan a time from %T", e.src) }

// collect drains rows through scan, closing them.
func collect[T any](rows Rows, scan func(Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// placeholders returns "$from, $from+1, ..." for n arguments.
func placeholders(from, n int) string {
	b := make([]byte, 0, n*5)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '$')
		b = appendInt(b, from+i)
	}
	return string(b)
}

func appendInt(b []byte, v int) []byte {
	if v >= 10 {
		b = appendInt(b, v/10)
	}
	return append(b, byte('0'+v%10))
}

// pageLimit checks a page size asked of a list method: 0 means 50, and
// more than 1,000 at once is refused.
func pageLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return 50, nil
	case limit < 0 || limit > 1000:
		return 0, store.Invalid(&shipment.InvalidError{Field: "limit", Reason: "must be between 1 and 1000"})
	}
	return limit, nil
}
