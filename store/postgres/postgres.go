// Package postgres is the scale-out storage engine: PostgreSQL through
// pgx v5 and pgxpool. Any number of Waypost processes can share one
// database; the due-parcel claim uses FOR UPDATE SKIP LOCKED so they split
// the polling work, and ingest locks the shipments it touches so concurrent
// batches for one shipment apply one after the other.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/internal/sqlcore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configure Open.
type Options struct {
	// Logger receives validation reports; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SkipMigrate leaves the schema as it is (for `waypost migrate`, which
	// reports each step itself). By default Open applies pending migrations.
	SkipMigrate bool
	// MaxConns bounds the pool; 0 keeps pgxpool's default.
	MaxConns int32
}

// Store is the PostgreSQL implementation of store.Store and store.Migrator.
type Store struct {
	*sqlcore.Store
	sqlcore.Migrations
	pool   *pgxpool.Pool
	insert insertFunc
}

var (
	_ store.Store    = (*Store)(nil)
	_ store.Migrator = (*Store)(nil)
)

// Open connects to the database at url (a postgres:// URL or key=value
// string; a search_path parameter selects the schema) and, unless
// opts.SkipMigrate, brings its schema up to date. Migrations hold a
// session advisory lock, so several nodes may start at once.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse database URL: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	// One migration lock per schema: nodes sharing a schema take turns,
	// databases with several schemas (tests) do not wait on each other.
	h := fnv.New64a()
	h.Write([]byte("waypost-migrate:" + schema))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 600))
	if err != nil {
		pool.Close()
		return nil, err
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		pool.Close()
		return nil, err
	}
	s := &Store{pool: pool, insert: insertUnnest}
	s.Store = sqlcore.New(engine{s}, opts.Logger, opts.Now)
	s.Migrations = sqlcore.Migrations{
		DB: stdlib.OpenDBFromPool(pool), Dialect: goose.DialectPostgres, FS: sub,
		Options: []goose.ProviderOption{goose.WithSessionLocker(locker)},
	}
	if !opts.SkipMigrate {
		if err := s.Migrate(ctx, nil); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() error {
	err := s.Migrations.DB.Close()
	s.pool.Close()
	return err
}

// Pool returns the underlying pool, for tools and benchmarks that need
// PostgreSQL directly.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// querier adapts a pool or a transaction to sqlcore.Querier.
type querier struct {
	x interface {
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	}
	tx pgx.Tx // set inside a transaction, for COPY
}

func (q querier) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := q.x.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

func (q querier) Query(ctx context.Context, sql string, args ...any) (sqlcore.Rows, error) {
	r, err := q.x.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (q querier) ExecBatch(ctx context.Context, sql string, args [][]any) error {
	if len(args) == 0 {
		return nil
	}
	var b pgx.Batch
	for _, a := range args {
		b.Queue(sql, a...)
	}
	var br pgx.BatchResults
	if q.tx != nil {
		br = q.tx.SendBatch(ctx, &b)
	} else {
		return errors.New("postgres: batch outside a transaction")
	}
	for range args {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return err
		}
	}
	return br.Close()
}

// engine supplies PostgreSQL's side of sqlcore.Engine.
type engine struct{ s *Store }

func (e engine) Reader() sqlcore.Querier { return querier{x: e.s.pool} }

func (e engine) Tx(ctx context.Context, fn func(sqlcore.Querier) error) error {
	return pgx.BeginFunc(ctx, e.s.pool, func(tx pgx.Tx) error { return fn(querier{x: tx, tx: tx}) })
}

func (engine) Time(t time.Time) any { return t }
func (engine) JSON(b []byte) any    { return b }
func (engine) ForUpdate() string    { return " FOR UPDATE" }
func (engine) SkipLocked() string   { return " FOR UPDATE SKIP LOCKED" }
func (engine) TimeType() string     { return "timestamptz" }
func (engine) Close() error         { return nil }

func (engine) UniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
