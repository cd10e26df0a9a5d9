package testdb_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// stopped ends a recorder's test the way Fatal and Skip end a real one.
type stopped struct{}

// recorder is a testing.TB whose Fatal and Skip record their message and
// stop, so the skip-or-fail rule can be checked without failing the
// calling test.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Fatal(args ...any)         { r.fatal = fmt.Sprint(args...); panic(stopped{}) }
func (r *recorder) Fatalf(f string, a ...any) { r.fatal = fmt.Sprintf(f, a...); panic(stopped{}) }
func (r *recorder) Skip(args ...any)          { r.skip = fmt.Sprint(args...); panic(stopped{}) }

func (r *recorder) run(fn func()) {
	defer func() {
		if v := recover(); v != nil && v != (stopped{}) {
			panic(v)
		}
	}()
	fn()
}

func TestPostgresURLRule(t *testing.T) {
	for _, c := range []struct {
		url, ci         string
		want, fat, skip string
	}{
		{url: "", ci: "", skip: "WAYPOST_TEST_DATABASE_URL is not set; skipping PostgreSQL tests"},
		{url: "", ci: "false", skip: "WAYPOST_TEST_DATABASE_URL is not set; skipping PostgreSQL tests"},
		{url: "", ci: "true", fat: "WAYPOST_TEST_DATABASE_URL is not set (required when CI=true)"},
		{url: "postgres://db.example/x", ci: "true", want: "postgres://db.example/x"},
		{url: "postgres://db.example/x", ci: "", want: "postgres://db.example/x"},
	} {
		t.Setenv(testdb.EnvURL, c.url)
		t.Setenv("CI", c.ci)
		r := &recorder{TB: t}
		got := ""
		r.run(func() { got = testdb.PostgresURL(r) })
		if got != c.want || r.fatal != c.fat || r.skip != c.skip {
			t.Errorf("url=%q CI=%q: got %q, fatal %q, skip %q; want %q, fatal %q, skip %q",
				c.url, c.ci, got, r.fatal, r.skip, c.want, c.fat, c.skip)
		}
	}
}

func TestFreshSchemaRejectsBadPrefix(t *testing.T) {
	for _, p := range []string{"", "Upper", "semi;colon", "drop table x", "9lives"} {
		r := &recorder{TB: t}
		r.run(func() { testdb.FreshSchema(r, p) })
		if !strings.Contains(r.fatal, "schema prefix") {
			t.Errorf("prefix %q: fatal %q, want a prefix error", p, r.fatal)
		}
	}
}

func TestWithSearchPath(t *testing.T) {
	got := testdb.WithSearchPath(t, "postgres://u@h:5432/d?sslmode=disable", "s_1")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("search_path") != "s_1" || q.Get("sslmode") != "disable" || u.Path != "/d" {
		t.Errorf("WithSearchPath = %q", got)
	}
}

func TestOpenSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kept.db")
	var fresh, kept *sqlite.Store
	t.Run("open", func(t *testing.T) {
		fresh = testdb.OpenSQLite(t, sqlite.Options{Logger: quiet})
		kept = testdb.OpenSQLiteAt(t, path, sqlite.Options{Logger: quiet})
		for _, s := range []*sqlite.Store{fresh, kept} {
			tn := shipment.Tenant{Slug: "shop", Name: "Shop"}
			if err := s.CreateTenant(ctx, &tn); err != nil {
				t.Fatalf("migrated store: %v", err)
			}
		}
		// A test may close the store itself; the cleanup's second Close
		// must not fail it.
		if err := kept.Close(); err != nil {
			t.Fatal(err)
		}
	})
	// Closed at the end of the subtest (database/sql has no sentinel for
	// a closed pool, only this message).
	if _, err := fresh.FindTenantBySlug(ctx, "shop"); err == nil || !strings.Contains(err.Error(), "database is closed") {
		t.Errorf("store after its test ended: %v, want closed", err)
	}
	// The file at the given path outlives the store.
	again := testdb.OpenSQLiteAt(t, path, sqlite.Options{Logger: quiet})
	if _, err := again.FindTenantBySlug(ctx, "shop"); err != nil {
		t.Errorf("reopened file: %v", err)
	}
	// Options reach the store: without migrations there is no table.
	bare := testdb.OpenSQLite(t, sqlite.Options{Logger: quiet, SkipMigrate: true})
	if err := bare.CreateTenant(ctx, &shipment.Tenant{Slug: "x"}); err == nil {
		t.Error("SkipMigrate store accepted a tenant")
	}
}

// TestFreshSchema checks that two schemas are isolated, that stores use
// them through the URL, and that both are dropped and the stores closed
// when the test ends.
func TestFreshSchema(t *testing.T) {
	base := testdb.PostgresURL(t)
	ctx := context.Background()
	var names []string
	var a *postgres.Store
	t.Run("schemas", func(t *testing.T) {
		ua, ub := testdb.FreshSchema(t, "waypost_testdb"), testdb.FreshSchema(t, "waypost_testdb")
		if ua == ub {
			t.Fatalf("two calls gave one schema: %s", ua)
		}
		a = testdb.OpenPostgres(t, ua, postgres.Options{Logger: quiet, MaxConns: 2})
		b := testdb.OpenPostgres(t, ub, postgres.Options{Logger: quiet, MaxConns: 2})
		for _, c := range []struct {
			u string
			s *postgres.Store
		}{{ua, a}, {ub, b}} {
			pu, err := url.Parse(c.u)
			if err != nil {
				t.Fatal(err)
			}
			want := pu.Query().Get("search_path")
			if !strings.HasPrefix(want, "waypost_testdb_") {
				t.Fatalf("schema %q lacks the prefix", want)
			}
			var got string
			if err := c.s.Pool().QueryRow(ctx, "SELECT current_schema()").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("store works in schema %q, want %q", got, want)
			}
			names = append(names, want)
		}
		tn := shipment.Tenant{Slug: "only-in-a", Name: "A"}
		if err := a.CreateTenant(ctx, &tn); err != nil {
			t.Fatal(err)
		}
		if _, err := b.FindTenantBySlug(ctx, "only-in-a"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other schema's tenant: %v, want not found", err)
		}
	})
	if len(names) != 2 {
		t.Fatalf("schemas: %v", names)
	}
	if err := a.Pool().Ping(ctx); err == nil {
		t.Error("store still open after its test ended")
	}
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var left int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ANY($1)", names).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d of the schemas %v left after the test", left, names)
	}
}
