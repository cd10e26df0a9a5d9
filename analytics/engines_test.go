package analytics_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
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
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "a.db"), sqlite.Options{Logger: quiet, Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s, c)
	})
	t.Run("postgres", func(t *testing.T) {
		u := os.Getenv("WAYPOST_TEST_DATABASE_URL")
		if u == "" {
			if os.Getenv("CI") == "true" {
				t.Fatal("WAYPOST_TEST_DATABASE_URL is not set (required when CI=true)")
			}
			t.Skip("WAYPOST_TEST_DATABASE_URL is not set; skipping PostgreSQL tests")
		}
		c := &clock{t: time.Now()}
		s, err := postgres.Open(t.Context(), freshSchema(t, u), postgres.Options{Logger: quiet, Now: c.Now, MaxConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s, c)
	})
}

var schemaSeq atomic.Int64

func freshSchema(t *testing.T, base string) string {
	name := fmt.Sprintf("waypost_analytics_%d_%d", os.Getpid(), schemaSeq.Add(1))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to WAYPOST_TEST_DATABASE_URL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
