package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/pressly/goose/v3"
	"github.com/waypost/waypost/store"
)

// Migrations applies one dialect's embedded goose migrations.
type Migrations struct {
	DB      *sql.DB
	Dialect goose.Dialect
	FS      fs.FS // the directory holding NNNNN_name.sql files
	Options []goose.ProviderOption
}

func (m Migrations) provider() (*goose.Provider, error) {
	// Parts of the schema are versioned independently (alerts, outbox,
	// users...), so a database may meet a lower version after a higher
	// one: it is applied rather than refused.
	opts := append([]goose.ProviderOption{goose.WithAllowOutofOrder(true)}, m.Options...)
	return goose.NewProvider(m.Dialect, m.DB, m.FS, opts...)
}

// MigrationStatus implements store.Migrator.
func (m Migrations) MigrationStatus(ctx context.Context) ([]store.Migration, error) {
	p, err := m.provider()
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	out := make([]store.Migration, len(st))
	for i, s := range st {
		out[i] = store.Migration{
			Version:   s.Source.Version,
			Name:      path.Base(s.Source.Path),
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		}
	}
	return out, nil
}

// Migrate implements store.Migrator: it applies pending migrations one at a
// time so that callers can report each step.
func (m Migrations) Migrate(ctx context.Context, step func(store.Migration)) error {
	p, err := m.provider()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	for {
		r, err := p.UpByOne(ctx)
		if errors.Is(err, goose.ErrNoNextVersion) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if step != nil {
			step(store.Migration{Version: r.Source.Version, Name: path.Base(r.Source.Path), Applied: true, Duration: r.Duration})
		}
	}
}
