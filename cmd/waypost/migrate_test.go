package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waypost/waypost/internal/testdb"
)

func runMigrate(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(append([]string{"migrate"}, args...))
	err := root.ExecuteContext(t.Context())
	return out.String(), err
}

// checkMigrateCycle runs migrate on an empty database, again, and with
// --status, checking what each run reports.
func checkMigrateCycle(t *testing.T, env map[string]string, args ...string) {
	t.Helper()
	out, err := runMigrate(t, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "pending") || !strings.Contains(out, "applied  00001  00001_initial.sql") {
		t.Fatalf("first run output:\n%s", out)
	}
	out, err = runMigrate(t, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "applied  ") || !strings.Contains(out, ", 0 pending") {
		t.Errorf("re-run applied something:\n%s", out)
	}
	out, err = runMigrate(t, env, append(args, "--status", "--json")...)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var m migrationLine
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("--json line %q: %v", l, err)
		}
		if m.State != "applied" || m.Version == 0 || m.AppliedAt == "" {
			t.Errorf("status line %+v", m)
		}
	}
	if len(lines) == 0 || !strings.Contains(lines[0], `"version":1`) {
		t.Errorf("status output:\n%s", out)
	}
}

func TestMigrateSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	checkMigrateCycle(t, nil, "--db", path)
	// The flag's environment twin works too.
	out, err := runMigrate(t, map[string]string{"WAYPOST_DB": path}, "--status")
	if err != nil || !strings.HasPrefix(out, "applied  00001") {
		t.Errorf("WAYPOST_DB: %v\n%s", err, out)
	}
}

func TestMigrateStatusOnEmptyDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	out, err := runMigrate(t, nil, "--db", path, "--status")
	if err != nil || !strings.HasPrefix(out, "pending  00001") {
		t.Fatalf("%v\n%s", err, out)
	}
}

func TestMigratePostgres(t *testing.T) {
	u := testdb.FreshSchema(t, "waypost_cli")
	checkMigrateCycle(t, map[string]string{"WAYPOST_DATABASE_URL": u})
}

func TestDBDescribeHidesPassword(t *testing.T) {
	f := dbFlags{url: "postgres://waypost:s3cret@db.example:5432/waypost?sslmode=disable"}
	if d := f.describe(); strings.Contains(d, "s3cret") || !strings.Contains(d, "db.example") {
		t.Errorf("describe() = %q", d)
	}
}
