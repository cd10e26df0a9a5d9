// Package sqlite is the embedded storage engine: a single SQLite file
// through modernc.org/sqlite (pure Go, no cgo).
//
// SQLite has one writer at a time, so the store keeps two pools: a
// one-connection write pool whose transactions take the write lock at BEGIN
// (_txlock=immediate, so two writers never deadlock upgrading a read lock),
// and a read pool of several connections, which WAL lets read while the
// writer writes.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/internal/sqlcore"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
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
	// ReadConns is the size of the read pool; 0 means max(16,
	// 4×GOMAXPROCS). A read holds its connection while the server
	// encodes and writes the answer, so busy HTTP servers need several
	// per core; each keeps at most 8 MB of page cache.
	ReadConns int
}

// Store is the SQLite implementation of store.Store and store.Migrator.
type Store struct {
	*sqlcore.Store
	sqlcore.Migrations
	write, read *sql.DB
	// Prepared statements per pool; parsing costs more than running the
	// small statements the store issues.
	writeStmts, readStmts *sqlcore.StmtCache
}

var (
	_ store.Store    = (*Store)(nil)
	_ store.Migrator = (*Store)(nil)
)

// Open opens (creating if needed) the database file at path and, unless
// opts.SkipMigrate, brings its schema up to date.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	base := "file:" + strings.ReplaceAll(url.PathEscape(path), "%2F", "/")
	write, err := sql.Open("sqlite", base+"?"+pragmas(
		"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)",
		"temp_store(MEMORY)", "cache_size(-32000)")+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// Creates the file and switches it to WAL before readers connect.
	if err := write.PingContext(ctx); err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := opts.ReadConns
	if n <= 0 {
		n = max(16, 4*runtime.GOMAXPROCS(0))
	}
	read, err := sql.Open("sqlite", base+"?"+pragmas("busy_timeout(10000)", "foreign_keys(1)", "query_only(1)", "cache_size(-8000)"))
	if err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)

	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	s := &Store{write: write, read: read, writeStmts: sqlcore.NewStmtCache(256), readStmts: sqlcore.NewStmtCache(256)}
	s.Store = sqlcore.New(engine{s}, opts.Logger, opts.Now)
	s.Migrations = sqlcore.Migrations{DB: write, Dialect: goose.DialectSQLite3, FS: sub}
	if !opts.SkipMigrate {
		if err := s.Migrate(ctx, nil); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

func pragmas(ps ...string) string {
	q := make([]string, len(ps))
	for i, p := range ps {
		q[i] = "_pragma=" + url.QueryEscape(p)
	}
	return strings.Join(q, "&")
}

// Close closes both pools.
func (s *Store) Close() error {
	s.readStmts.Close()
	s.writeStmts.Close()
	return errors.Join(s.read.Close(), s.write.Close())
}

// engine supplies SQLite's side of sqlcore.Engine.
type engine struct{ s *Store }

func (e engine) Reader() sqlcore.Querier {
	return sqlcore.DB{Pool: e.s.read, Cache: e.s.readStmts}
}

func (e engine) Tx(ctx context.Context, fn func(sqlcore.Querier) error) error {
	return sqlcore.SQLTx(ctx, e.s.write, e.s.writeStmts, fn)
}

func (engine) Time(t time.Time) any { return t.UnixMicro() }
func (engine) JSON(b []byte) any    { return string(b) }
func (engine) ForUpdate() string    { return "" }
func (engine) SkipLocked() string   { return "" }
func (engine) TimeType() string     { return "INTEGER" }
func (engine) Close() error         { return nil }

func (engine) UniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
