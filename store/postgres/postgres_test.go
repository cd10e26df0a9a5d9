package postgres_test

import (
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// freshSchema returns the URL of an empty schema, dropped when the test
// ends.
func freshSchema(t testing.TB) string {
	t.Helper()
	return testdb.FreshSchema(t, "waypost_test")
}

// openURL opens a store at u, closed when the test ends; the validation
// reports the suite provokes on purpose are discarded unless opts has a
// logger.
func openURL(t testing.TB, u string, opts postgres.Options) *postgres.Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	return testdb.OpenPostgres(t, u, opts)
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
