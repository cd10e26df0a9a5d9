package sqlite_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
	"github.com/waypost/waypost/store/storetest"
)

// quiet discards the validation reports the suite provokes on purpose.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func open(t *testing.T) store.Store {
	t.Helper()
	return testdb.OpenSQLite(t, sqlite.Options{Logger: quiet})
}

func TestContract(t *testing.T) { storetest.Run(t, open) }

func TestMigrateFromEmpty(t *testing.T) {
	s := testdb.OpenSQLite(t, sqlite.Options{SkipMigrate: true})
	storetest.MigrateFromEmpty(t, s)
}

func TestCrashSafety(t *testing.T) {
	// In the child process the location comes from the parent.
	storetest.RunCrash(t, "TestCrashSafety", filepath.Join(t.TempDir(), "crash.db"), func(t testing.TB, path string) store.Store {
		return testdb.OpenSQLiteAt(t, path, sqlite.Options{Logger: quiet})
	})
}

func TestOpenPathWithSpaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my data", "way post.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(t.Context(), path, sqlite.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not created at the given path: %v", err)
	}
}
