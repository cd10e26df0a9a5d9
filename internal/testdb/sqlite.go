package testdb

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/waypost/waypost/store/sqlite"
)

// OpenSQLite opens a store on a new SQLite file in the test's temporary
// directory, with opts as given, and closes it when the test ends.
func OpenSQLite(tb testing.TB, opts sqlite.Options) *sqlite.Store {
	tb.Helper()
	return OpenSQLiteAt(tb, filepath.Join(tb.TempDir(), "waypost.db"), opts)
}

// OpenSQLiteAt opens a store on the SQLite file at path (created if
// missing), for tests that reopen a file or hand it to another process,
// and closes it when the test ends. Closing twice is harmless, so a test
// may also close it itself.
func OpenSQLiteAt(tb testing.TB, path string, opts sqlite.Options) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), path, opts)
	if err != nil {
		tb.Fatalf("testdb: open SQLite store: %v", err)
	}
	closeAtEnd(tb, "SQLite store", s)
	return s
}

// closeAtEnd closes c when the test ends. A failed Close fails the test:
// it can mean a write that never reached the database.
func closeAtEnd(tb testing.TB, what string, c io.Closer) {
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Errorf("testdb: close %s: %v", what, err)
		}
	})
}
