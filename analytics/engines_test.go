package analytics_test

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a settable store clock: shipments get the creation time the
// test gives them.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// engines runs fn on a fresh SQLite store and, when
// WAYPOST_TEST_DATABASE_URL is set, a fresh PostgreSQL schema.
func engines(t *testing.T, fn func(t *testing.T, s store.Store, c *clock)) {
	t.Run("sqlite", func(t *testing.T) {
		c := &clock{t: time.Now()}
		fn(t, testdb.OpenSQLite(t, sqlite.Options{Logger: quiet, Now: c.Now}), c)
	})
	t.Run("postgres", func(t *testing.T) {
		u := testdb.FreshSchema(t, "waypost_analytics")
		c := &clock{t: time.Now()}
		fn(t, testdb.OpenPostgres(t, u, postgres.Options{Logger: quiet, Now: c.Now, MaxConns: 4}), c)
	})
}
