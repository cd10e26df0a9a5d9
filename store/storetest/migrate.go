package storetest

import (
	"testing"

	"github.com/waypost/waypost/store"
)

func testMigrationsRerun(t *testing.T, f *fixture) {
	m, ok := f.s.(store.Migrator)
	if !ok {
		t.Fatal("store does not implement store.Migrator")
	}
	st, err := m.MigrationStatus(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) == 0 {
		t.Fatal("no migrations known")
	}
	for _, s := range st {
		if !s.Applied || s.AppliedAt.IsZero() {
			t.Errorf("migration %d (%s) not applied after open", s.Version, s.Name)
		}
	}
	steps := 0
	if err := m.Migrate(f.ctx, func(store.Migration) { steps++ }); err != nil {
		t.Fatal(err)
	}
	if steps != 0 {
		t.Errorf("re-running migrations applied %d steps", steps)
	}
}

// MigrateFromEmpty checks a Migrator opened on an empty database without
// migrating: every migration is pending, Migrate applies each once in
// version order, and a second run does nothing.
func MigrateFromEmpty(t *testing.T, m store.Migrator) {
	ctx := t.Context()
	st, err := m.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) == 0 {
		t.Fatal("no migrations known")
	}
	for _, s := range st {
		if s.Applied {
			t.Fatalf("migration %d applied on an empty database", s.Version)
		}
	}
	var applied []int64
	if err := m.Migrate(ctx, func(s store.Migration) { applied = append(applied, s.Version) }); err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(st) {
		t.Fatalf("applied %d migrations, want %d", len(applied), len(st))
	}
	for i, v := range applied {
		if v != st[i].Version {
			t.Errorf("step %d applied version %d, want %d", i, v, st[i].Version)
		}
	}
	again := 0
	if err := m.Migrate(ctx, func(store.Migration) { again++ }); err != nil || again != 0 {
		t.Errorf("second run: %v, %d steps", err, again)
	}
	st, _ = m.MigrationStatus(ctx)
	for _, s := range st {
		if !s.Applied {
			t.Errorf("migration %d still pending", s.Version)
		}
	}
}
