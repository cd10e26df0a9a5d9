package csvimport

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// MaxRows bounds one import; larger files are split by the seller.
const MaxRows = 200_000

// Options tune Import.
type Options struct {
	// Progress, when set, is called after each row with the rows done and
	// the bytes read so far.
	Progress func(rows int, bytesRead int64)
	// DryRun checks every row without storing anything.
	DryRun bool
}

// Result is what an import did.
type Result struct {
	Rows      int // data rows read (the header not counted)
	Created   int // new shipments
	Added     int // parcels added to shipments already stored
	Unchanged int // rows already stored (same reference and number)
	Errors    []RowError
}

// Imported is the number of rows stored now or before.
func (r Result) Imported() int { return r.Created + r.Added + r.Unchanged }

// RowError is one rejected row: its line in the file (the header is line
// 1), a stable code and a sentence for people.
type RowError struct {
	Line   int    `json:"line"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// FileError rejects a whole file, with a stable code.
type FileError struct {
	Code, Reason string
}

func (e *FileError) Error() string { return "csv import: " + e.Reason }

// The codes of a FileError.
const (
	CodeEmpty         = "empty_file"
	CodeNotCSV        = "not_csv"
	CodeMissingColumn = "missing_column"
	CodeTooManyRows   = "too_many_rows"
)

// Import reads CSV from r and stores its rows as the tenant's shipments.
// The first line is the header; columns are matched by name (see
// aliases), in any order, and unknown columns are ignored. A bad row is
// reported and skipped; a broken file or a failing database stops the
// import with an error (rows before it stay stored, and importing the file
// again completes it).
func Import(ctx context.Context, st store.Store, tenantID int64, r io.Reader, o Options) (Result, error) {
	cr := &countingReader{r: r}
	rd := csv.NewReader(cr)
	rd.FieldsPerRecord = -1
	rd.ReuseRecord = true
	rd.LazyQuotes = true
	header, err := rd.Read()
	if errors.Is(err, io.EOF) {
		return Result{}, &FileError{CodeEmpty, "the file is empty"}
	}
	if err != nil {
		return Result{}, &FileError{CodeNotCSV, "the file is not CSV: " + err.Error()}
	}
	cols := map[string]int{}
	for i, h := range header {
		if c := canonical(h); c != "" {
			if _, dup := cols[c]; !dup {
				cols[c] = i
			}
		}
	}
	if _, ok := cols[ColTracking]; !ok {
		return Result{}, &FileError{CodeMissingColumn, "no tracking number column (tracking_number, tracking or number)"}
	}
	var res Result
	im := importer{st: st, tenant: tenantID, dry: o.DryRun}
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := rd.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return res, fmt.Errorf("csv import: read: %w", err)
			}
			res.Rows++
			res.Errors = append(res.Errors, RowError{Line: pe.StartLine, Code: "malformed_row", Reason: pe.Err.Error()})
			continue
		}
		if blank(rec) {
			continue
		}
		res.Rows++
		if res.Rows > MaxRows {
			return res, &FileError{CodeTooManyRows, fmt.Sprintf("more than %d rows; split the file", MaxRows)}
		}
		row := readRow(rec, cols)
		row.line = line
		outcome, rerr := im.row(ctx, row)
		if rerr != nil {
			var re *RowError
			if !errors.As(rerr, &re) {
				return res, fmt.Errorf("csv import: line %d: %w", line, rerr)
			}
			res.Errors = append(res.Errors, *re)
		}
		switch outcome {
		case created:
			res.Created++
		case added:
			res.Added++
		case unchanged:
			res.Unchanged++
		}
		if o.Progress != nil {
			o.Progress(res.Rows, cr.n)
		}
	}
	return res, nil
}

// row is one data row by canonical column.
type row struct {
	line int
	v    map[string]string
}

func (r row) get(c string) string { return r.v[c] }

func readRow(rec []string, cols map[string]int) row {
	r := row{v: make(map[string]string, len(cols))}
	for c, i := range cols {
		if i < len(rec) {
			r.v[c] = strings.TrimSpace(Unescape(strings.TrimSpace(rec[i])))
		}
	}
	return r
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// invalidRow turns a store validation error into a row error with the
// field's code.
func invalidRow(line int, err error) *RowError {
	var ie *shipment.InvalidError
	if errors.As(err, &ie) {
		code := "invalid_" + strings.ReplaceAll(strings.TrimPrefix(ie.Field, "customer."), ".", "_")
		return &RowError{Line: line, Code: code, Reason: ie.Field + ": " + ie.Reason}
	}
	return &RowError{Line: line, Code: "invalid", Reason: err.Error()}
}
