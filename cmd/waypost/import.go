package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/app/csvimport"
)

func init() { register(newImportCmd) }

func newImportCmd() *cobra.Command {
	var (
		db             dbFlags
		tenant         string
		asJSON, dryRun bool
	)
	cmd := &cobra.Command{
		Use:   "import --tenant SLUG FILE.csv",
		Short: "Import shipments from a CSV file",
		Long: `Import shipments from a CSV file into one shop (tenant), checking each row.

The first line names the columns, in any order: reference (or order),
tracking_number (or tracking, number), carrier, customer_name, email, phone,
language, destination_country, postal_code. Only the tracking number is
required; without a carrier the carrier is recognised from the number.

Good rows are stored, bad rows are listed with their line number and a
reason code (missing_tracking_number, invalid_tracking_number,
carrier_not_detected, unknown_carrier, invalid_email, invalid_destination_country,
tracking_number_taken, malformed_row, ...). Importing the same file again
stores nothing twice: a row whose reference and tracking number are stored
already is counted as unchanged. FILE "-" reads standard input.

A progress bar is drawn on a terminal. --json prints one object per
rejected row and a final summary object.

Exit status: 0 when every row was imported, 1 when some rows were rejected
or the file could not be read.`,
		Example: `  waypost import --tenant my-shop orders.csv
  waypost import --tenant my-shop --dry-run --json orders.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if tenant == "" {
				return errors.New("import: --tenant is required")
			}
			in, size, err := openImport(cmd, args[0])
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			defer in.Close()
			ctx := cmd.Context()
			st, err := db.open(ctx, true)
			if err != nil {
				return err
			}
			defer st.Close()
			users, ok := st.(store.Users)
			if !ok {
				return errors.New("import: this database cannot look up shops by slug")
			}
			tid, err := users.TenantIDBySlug(ctx, tenant)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("import: no shop with the slug %q", tenant)
			}
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			bar := newImportBar(cmd.ErrOrStderr(), size)
			res, err := csvimport.Import(ctx, st, tid, in, csvimport.Options{DryRun: dryRun,
				Progress: func(_ int, n int64) { _ = bar.Set64(n) }})
			_ = bar.Finish()
			var fe *csvimport.FileError
			if errors.As(err, &fe) {
				return fmt.Errorf("import: %s (%s)", fe.Reason, fe.Code)
			}
			if werr := writeImportResult(cmd.OutOrStdout(), res, asJSON, dryRun); werr != nil && err == nil {
				err = werr
			}
			if err != nil {
				return fmt.Errorf("import: %w (rows before it are stored; import the file again to finish)", err)
			}
			if len(res.Errors) > 0 {
				return exitError{1}
			}
			return nil
		},
	}
	f := cmd.Flags()
	addDBFlags(f, &db)
	f.StringVar(&tenant, "tenant", "", "slug of the shop to import into")
	f.BoolVar(&asJSON, "json", false, "print JSON lines: one per rejected row, then a summary")
	f.BoolVar(&dryRun, "dry-run", false, "check every row but store nothing")
	return cmd
}

// openImport opens the file (or standard input for "-") and returns its
// size for the progress bar, -1 when unknown.
func openImport(cmd *cobra.Command, name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(cmd.InOrStdin()), -1, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func newImportBar(w io.Writer, size int64) *progressbar.ProgressBar {
	visible := false
	if f, ok := w.(*os.File); ok {
		visible = term.IsTerminal(int(f.Fd()))
	}
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription("importing"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionClearOnFinish())
}

func writeImportResult(w io.Writer, res csvimport.Result, asJSON, dryRun bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		for _, e := range res.Errors {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return enc.Encode(map[string]any{"summary": true, "dry_run": dryRun, "rows": res.Rows, "created": res.Created,
			"added": res.Added, "unchanged": res.Unchanged, "rejected": len(res.Errors)})
	}
	for _, e := range res.Errors {
		if _, err := fmt.Fprintf(w, "line %d: %s: %s\n", e.Line, e.Code, e.Reason); err != nil {
			return err
		}
	}
	verb := "imported"
	if dryRun {
		verb = "checked (dry run, nothing stored)"
	}
	_, err := fmt.Fprintf(w, "%d rows %s: %d new shipments, %d parcels added, %d already stored, %d rejected\n",
		res.Rows, verb, res.Created, res.Added, res.Unchanged, len(res.Errors))
	return err
}
