package testdb

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/waypost/waypost/store/postgres"
)

// EnvURL names the variable that points the tests at a PostgreSQL server.
const EnvURL = "WAYPOST_TEST_DATABASE_URL"

// PostgresURL returns WAYPOST_TEST_DATABASE_URL. Without it the test is
// skipped with a notice, except under CI=true, where a missing database
// would silently drop the PostgreSQL half of the suite, so it fails.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal(EnvURL + " is not set (required when CI=true)")
		}
		tb.Skip(EnvURL + " is not set; skipping PostgreSQL tests")
	}
	return u
}

var (
	schemaSeq  atomic.Int64
	identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
)

// FreshSchema creates an empty schema in the database of PostgresURL,
// drops it (with everything in it) when the test ends, and returns a URL
// whose connections use it. The name starts with prefix and carries the
// process id, the time and a counter, so parallel tests, packages and
// child processes never meet.
func FreshSchema(tb testing.TB, prefix string) string {
	tb.Helper()
	if !identifier.MatchString(prefix) {
		tb.Fatalf("testdb: schema prefix %q: want lower-case letters, digits and underscores", prefix)
	}
	base := PostgresURL(tb)
	name := fmt.Sprintf("%s_%d_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
	if err := execOnce(base, "CREATE SCHEMA "+name); err != nil {
		tb.Fatalf("testdb: create schema %s: %v", name, err)
	}
	// Registered before any store on the schema is opened, so it runs after
	// their Close: cleanups run last in, first out.
	tb.Cleanup(func() {
		if err := execOnce(base, "DROP SCHEMA IF EXISTS "+name+" CASCADE"); err != nil {
			tb.Errorf("testdb: drop schema %s: %v", name, err)
		}
	})
	return WithSearchPath(tb, base, name)
}

// WithSearchPath returns base with its search_path set to schema.
func WithSearchPath(tb testing.TB, base, schema string) string {
	tb.Helper()
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("testdb: %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// execOnce runs one statement on a connection of its own: the schema's
// lifetime must not depend on any pool the test opens or closes.
func execOnce(base, sql string) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", EnvURL, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// OpenPostgres opens a store on the database at u (usually a FreshSchema
// URL) with opts as given, migrating it unless opts.SkipMigrate, and closes
// it when the test ends.
func OpenPostgres(tb testing.TB, u string, opts postgres.Options) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), u, opts)
	if err != nil {
		tb.Fatalf("testdb: open PostgreSQL store: %v", err)
	}
	closeAtEnd(tb, "PostgreSQL store", s)
	return s
}
