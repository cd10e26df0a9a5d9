package sqlcore

import (
	"context"
	"database/sql"
	"sync"
)

// DB adapts a *sql.DB, or a *sql.Tx begun on it, to Querier. With a
// Cache, statements are prepared once per connection and reused: parsing
// dominates the cost of small statements on SQLite.
type DB struct {
	Pool  *sql.DB
	Tx    *sql.Tx // nil outside a transaction
	Cache *StmtCache
	// missed collects, inside a transaction, queries not yet prepared:
	// preparing on the pool would wait for the connection the transaction
	// holds, so they are prepared after it ends.
	missed *[]string
}

func (d DB) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if d.Cache == nil {
		return nil, nil
	}
	if d.Tx == nil {
		return d.Cache.get(ctx, d.Pool, q)
	}
	st := d.Cache.lookup(q)
	if st == nil {
		*d.missed = append(*d.missed, q)
		return nil, nil
	}
	return d.Tx.StmtContext(ctx, st), nil
}

// Exec implements Querier.
func (d DB) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	var (
		r   sql.Result
		err error
	)
	st, err := d.stmt(ctx, q)
	switch {
	case err != nil:
		return 0, err
	case st != nil:
		r, err = st.ExecContext(ctx, args...)
	case d.Tx != nil:
		r, err = d.Tx.ExecContext(ctx, q, args...)
	default:
		r, err = d.Pool.ExecContext(ctx, q, args...)
	}
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// Query implements Querier.
func (d DB) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	var (
		r   *sql.Rows
		err error
	)
	st, err := d.stmt(ctx, q)
	switch {
	case err != nil:
		return nil, err
	case st != nil:
		r, err = st.QueryContext(ctx, args...)
	case d.Tx != nil:
		r, err = d.Tx.QueryContext(ctx, q, args...)
	default:
		r, err = d.Pool.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return nil, err
	}
	return sqlRows{r}, nil
}

// ExecBatch implements Querier.
func (d DB) ExecBatch(ctx context.Context, q string, args [][]any) error {
	for _, a := range args {
		if _, err := d.Exec(ctx, q, a...); err != nil {
			return err
		}
	}
	return nil
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

// SQLTx runs fn in a transaction on db, preparing statements through cache.
func SQLTx(ctx context.Context, db *sql.DB, cache *StmtCache, fn func(q Querier) error) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var missed []string
	if err = fn(DB{Pool: db, Tx: tx, Cache: cache, missed: &missed}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return err
	}
	for _, q := range missed {
		// A statement that fails to prepare is simply run unprepared.
		_, _ = cache.get(ctx, db, q)
	}
	return nil
}

// StmtCache holds prepared statements of one pool by query text. It stops
// adding once full, so queries built with variable-length IN lists cannot
// grow it without bound.
type StmtCache struct {
	max int
	mu  sync.Mutex
	m   map[string]*sql.Stmt
}

// NewStmtCache returns a cache of at most max statements.
func NewStmtCache(max int) *StmtCache { return &StmtCache{max: max, m: map[string]*sql.Stmt{}} }

// lookup returns the statement prepared for q, or nil.
func (c *StmtCache) lookup(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[q]
}

// get returns the prepared statement for q, preparing it on db if needed;
// nil when the cache is full.
func (c *StmtCache) get(ctx context.Context, db *sql.DB, q string) (*sql.Stmt, error) {
	c.mu.Lock()
	st, ok := c.m[q]
	full := len(c.m) >= c.max
	c.mu.Unlock()
	if ok || full {
		return st, nil
	}
	// Prepare without holding the lock: it may wait for a connection, and
	// the transaction holding that connection may need the cache.
	st, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[q]; ok {
		_ = st.Close()
		return prev, nil
	}
	c.m[q] = st
	return st, nil
}

// Close closes every cached statement.
func (c *StmtCache) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		_ = st.Close()
		delete(c.m, q)
	}
}
