package postgres_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// baseURL returns WAYPOST_TEST_DATABASE_URL, skipping the test when it is
// unset, except under CI=true where a missing database is a failure.
func baseURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("WAYPOST_TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("WAYPOST_TEST_DATABASE_URL is not set (required when CI=true)")
		}
		t.Skip("WAYPOST_TEST_DATABASE_URL is not set; skipping PostgreSQL tests")
	}
	return u
}

var schemaSeq atomic.Int64

// freshSchema creates an empty schema, drops it when the test ends, and
// returns a URL whose connections use it.
func freshSchema(t testing.TB) string {
	t.Helper()
	base := baseURL(t)
	name := fmt.Sprintf("waypost_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, schemaSeq.Add(1))
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
	return withSearchPath(t, base, name)
}

func withSearchPath(t testing.TB, base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("WAYPOST_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func openURL(t testing.TB, u string, opts postgres.Options) *postgres.Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	s, err := postgres.Open(context.Background(), u, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func open(t *testing.T) store.Store {
	return openURL(t, freshSchema(t), postgres.Options{MaxConns: 8})
}

func TestContract(t *testing.T) { storetest.Run(t, open) }

func TestMigrateFromEmpty(t *testing.T) {
	s := openURL(t, freshSchema(t), postgres.Options{SkipMigrate: true})
	storetest.MigrateFromEmpty(t, s)
}

func TestCrashSafety(t *testing.T) {
	loc := ""
	if os.Getenv("WAYPOST_STORETEST_CRASH_CHILD") != "1" {
		loc = freshSchema(t) // the child gets the parent's schema
	}
	storetest.RunCrash(t, "TestCrashSafety", loc, func(t testing.TB, u string) store.Store {
		return openURL(t, u, postgres.Options{})
	})
}
