package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/waypost/waypost/store"
	"golang.org/x/term"
)

func init() { register(newMigrateCmd) }

func newMigrateCmd() *cobra.Command {
	var (
		db       dbFlags
		status   bool
		jsonMode bool
	)
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Bring the database schema up to date, or show its migrations",
		Long: `Apply the schema migrations built into this binary that the database lacks,
in version order, each in its own transaction. Running it again does nothing.
'waypost serve' does the same at start-up; run this to do it ahead of time or
to see where a database stands with --status.

The database is the SQLite file --db (default waypost.db), or the PostgreSQL
database at --database-url (or WAYPOST_DATABASE_URL).`,
		Example: `  waypost migrate
  waypost migrate --db /var/lib/waypost/waypost.db --status
  WAYPOST_DATABASE_URL=postgres://waypost@db/waypost waypost migrate --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := db.open(ctx, false)
			if err != nil {
				return err
			}
			defer s.Close()
			out := cmd.OutOrStdout()
			before, err := s.MigrationStatus(ctx)
			if err != nil {
				return err
			}
			if status {
				return printMigrations(out, before, jsonMode)
			}
			pending := 0
			for _, m := range before {
				if !m.Applied {
					pending++
				}
			}
			if !jsonMode {
				fmt.Fprintf(out, "%s: %d known migration(s), %d pending\n", db.describe(), len(before), pending)
			}
			bar := newMigrateBar(cmd.ErrOrStderr(), pending, jsonMode)
			err = s.Migrate(ctx, func(m store.Migration) {
				_ = bar.Add(1)
				if jsonMode {
					writeMigrationJSON(out, migrationJSON(m, "applied"))
					return
				}
				fmt.Fprintf(out, "applied  %05d  %s  (%s)\n", m.Version, m.Name, m.Duration.Round(time.Millisecond))
			})
			_ = bar.Finish()
			if err != nil {
				return err
			}
			if !jsonMode {
				fmt.Fprintf(out, "schema is at version %d\n", lastMigrationVersion(before))
			}
			return nil
		},
	}
	addDBFlags(cmd.Flags(), &db)
	cmd.Flags().BoolVar(&status, "status", false, "list applied and pending migrations; change nothing")
	cmd.Flags().BoolVar(&jsonMode, "json", false, "one JSON object per line")
	return cmd
}

// newMigrateBar draws a progress bar on w when it is a terminal and there is work.
func newMigrateBar(w io.Writer, n int, quiet bool) *progressbar.ProgressBar {
	visible := !quiet && n > 0
	if f, ok := w.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		visible = false
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription("migrating"),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish())
}

func printMigrations(w io.Writer, ms []store.Migration, jsonMode bool) error {
	for _, m := range ms {
		state := "pending"
		if m.Applied {
			state = "applied"
		}
		if jsonMode {
			writeMigrationJSON(w, migrationJSON(m, state))
			continue
		}
		at := "-"
		if !m.AppliedAt.IsZero() {
			at = m.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%-8s %05d  %-20s  %s\n", state, m.Version, at, m.Name)
	}
	return nil
}

type migrationLine struct {
	Version   int64  `json:"version"`
	Name      string `json:"name"`
	State     string `json:"state"`
	AppliedAt string `json:"applied_at,omitempty"`
	Millis    *int64 `json:"duration_ms,omitempty"`
}

func migrationJSON(m store.Migration, state string) migrationLine {
	l := migrationLine{Version: m.Version, Name: m.Name, State: state}
	if !m.AppliedAt.IsZero() {
		l.AppliedAt = m.AppliedAt.UTC().Format(time.RFC3339)
	}
	if m.Duration > 0 {
		ms := m.Duration.Milliseconds()
		l.Millis = &ms
	}
	return l
}

func writeMigrationJSON(w io.Writer, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(w, "%s\n", b)
}

func lastMigrationVersion(ms []store.Migration) int64 {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}
