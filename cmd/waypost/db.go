package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/spf13/pflag"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/sqlite"
)

// dbFlags select the storage engine: a SQLite file by default, PostgreSQL
// when a database URL is given (flag or WAYPOST_DATABASE_URL).
type dbFlags struct {
	path      string
	url       string
	readConns int
}

// addDBFlags registers --db and --database-url on fs.
func addDBFlags(fs *pflag.FlagSet, f *dbFlags) {
	fs.StringVar(&f.path, "db", "waypost.db", "SQLite database file (used unless --database-url is set)")
	fs.StringVar(&f.url, "database-url", "", "PostgreSQL URL, postgres://user@host/db (overrides --db)")
	fs.IntVar(&f.readConns, "sqlite-read-conns", 0, "SQLite read connections (default max(16, 4 per core)); PostgreSQL sizes its pool with pool_max_conns in the URL")
}

// database is a store that can also report and apply its migrations.
type database interface {
	store.Store
	store.Migrator
}

// open opens the selected store. With migrate false the schema is left as
// it is, for commands that report migrations themselves.
func (f *dbFlags) open(ctx context.Context, migrate bool) (database, error) {
	if f.url != "" {
		s, err := postgres.Open(ctx, f.url, postgres.Options{SkipMigrate: !migrate})
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", f.describe(), err)
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, f.path, sqlite.Options{SkipMigrate: !migrate, ReadConns: f.readConns})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", f.describe(), err)
	}
	return s, nil
}

// describe names the database for messages, without any password.
func (f *dbFlags) describe() string {
	if f.url == "" {
		return "SQLite database " + f.path
	}
	u, err := url.Parse(f.url)
	if err != nil || u.Host == "" {
		return "PostgreSQL database"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	u.RawQuery = ""
	return "PostgreSQL database " + u.Redacted()
}
