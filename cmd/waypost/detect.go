package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/spf13/cobra"

	"github.com/waypost/waypost/trackno"
)

func init() { register(newDetectCmd) }

// detectOptions are the flags of `waypost detect`.
type detectOptions struct {
	json, text bool
	hints      trackno.Hints
}

// detectStats counts what a run saw, for the exit status.
type detectStats struct{ inputs, valid int }

func newDetectCmd() *cobra.Command {
	var o detectOptions
	cmd := &cobra.Command{
		Use:   "detect [NUMBER...]",
		Short: "Recognise tracking numbers: carriers, check digits, tracking links",
		Long: `Recognise tracking numbers and list every carrier each may belong to, best first,
with its score, check-digit result, decoded fields and public tracking link.

With no arguments, detect reads standard input, one number per line, and
streams one result per line: a million numbers go through one process. Bad
lines (empty, too long, binary) get a result with "valid":false and an
"error" saying why; they never stop the stream.

--text treats each line (or argument) as free text, such as a shipping
e-mail, and prints one result per tracking number found in it.

Exit status: 0 when at least one valid number was found, 1 when none was,
2 when input could not be read or output not written.`,
		Example: `  waypost detect 1Z5R89390357567127 RR123456785CN
  waypost detect --json < numbers.txt > results.jsonl
  waypost detect --text --json < confirmation-email.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			var (
				st  detectStats
				err error
			)
			if len(args) > 0 {
				st, err = detectStream(strings.NewReader(strings.Join(args, "\n")+"\n"), out, o)
			} else {
				st, err = detectStream(cmd.InOrStdin(), out, o)
			}
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "waypost detect:", err)
				return exitError{2}
			}
			if st.valid == 0 {
				return exitError{1}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print one JSON object per line")
	f.BoolVar(&o.text, "text", false, "find every tracking number in free text")
	f.StringVar(&o.hints.Origin, "origin", "", "origin country (ISO 3166-1 alpha-2), to rank candidates")
	f.StringVar(&o.hints.Destination, "destination", "", "destination country (ISO 3166-1 alpha-2), to rank candidates")
	f.StringSliceVar(&o.hints.Preferred, "prefer", nil, "carrier slugs to rank first")
	f.StringSliceVar(&o.hints.Enabled, "enabled", nil, "carrier slugs in use; others rank lower")
	return cmd
}

const (
	detectReadBuffer  = 1 << 20 // longest line read whole
	detectWriteBuffer = 256 << 10
	detectEchoMax     = 256 // bytes of an over-long line echoed back
)

// detectStream reads lines from r and writes one result per line (or per
// number found, with --text) to w. Output is flushed whenever the input has
// nothing more buffered, so a pipe sees results as lines arrive.
func detectStream(r io.Reader, w io.Writer, o detectOptions) (detectStats, error) {
	var st detectStats
	br := bufio.NewReaderSize(r, detectReadBuffer)
	bw := bufio.NewWriterSize(w, detectWriteBuffer)
	d := trackno.NewDetector(o.hints)
	var out []byte
	var fields []trackno.Field
	if !o.json {
		out = dtTableHeader(out, o.text)
	}
	for lineNo := 1; ; lineNo++ {
		if br.Buffered() == 0 {
			if _, err := bw.Write(out); err != nil {
				return st, fmt.Errorf("write: %w", err)
			}
			out = out[:0]
			if err := bw.Flush(); err != nil {
				return st, fmt.Errorf("write: %w", err)
			}
		}
		line, err := br.ReadSlice('\n')
		tooLong := false
		if errors.Is(err, bufio.ErrBufferFull) {
			// Keep the start to echo; skip the rest of the line.
			line = append([]byte(nil), line[:detectEchoMax]...)
			tooLong = true
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
		}
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				break
			}
			return st, fmt.Errorf("read: %w", err)
		}
		line = detectTrimEOL(line)
		// The input string aliases the read buffer; the result is written
		// out before the next read reuses it.
		input := unsafe.String(unsafe.SliceData(line), len(line))
		if o.text {
			for _, res := range trackno.SearchHints(input, o.hints) {
				st.inputs++
				st.valid++
				out, fields = dtAppendResult(out, &res, o, lineNo, fields, false)
			}
		} else {
			st.inputs++
			var res *trackno.Result
			if tooLong || len(line) > trackno.MaxInput {
				res = &trackno.Result{Input: input, Error: trackno.ErrTooLong}
			} else {
				res = d.Detect(input)
			}
			if res.Valid {
				st.valid++
			}
			out, fields = dtAppendResult(out, res, o, lineNo, fields, tooLong || len(line) > detectEchoMax)
		}
		if len(out) >= detectWriteBuffer/2 {
			if _, err := bw.Write(out); err != nil {
				return st, fmt.Errorf("write: %w", err)
			}
			out = out[:0]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return st, fmt.Errorf("read: %w", err)
		}
	}
	if _, err := bw.Write(out); err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	return st, nil
}

func detectTrimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

func dtAppendResult(out []byte, r *trackno.Result, o detectOptions, line int, fields []trackno.Field, truncate bool) ([]byte, []trackno.Field) {
	input := r.Input
	if truncate && len(input) > detectEchoMax {
		input = input[:detectEchoMax]
	}
	if o.json {
		return dtAppendJSON(out, r, input, truncate, o.text, line, fields)
	}
	return dtAppendTable(out, r, input, o.text, line), fields
}

// dtAppendJSON writes one result as a JSON object and a newline. The
// encoding is written by hand: this is the bulk path.
func dtAppendJSON(b []byte, r *trackno.Result, input string, truncated, text bool, line int, fields []trackno.Field) ([]byte, []trackno.Field) {
	b = append(b, `{"input":`...)
	b = dtJSONString(b, input)
	if truncated {
		b = append(b, `,"input_truncated":true`...)
	}
	if text {
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(line), 10)
	}
	b = append(b, `,"number":`...)
	b = dtJSONString(b, r.Number)
	b = append(b, `,"valid":`...)
	b = strconv.AppendBool(b, r.Valid)
	b = append(b, `,"country":`...)
	b = dtJSONString(b, r.Country)
	if r.Error != "" {
		b = append(b, `,"error":`...)
		b = dtJSONString(b, r.Error)
	}
	b = append(b, `,"candidates":[`...)
	for i := range r.Candidates {
		c := &r.Candidates[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"carrier":`...)
		b = dtJSONString(b, c.Carrier)
		b = append(b, `,"name":`...)
		b = dtJSONString(b, c.Name)
		b = append(b, `,"format":`...)
		b = dtJSONString(b, c.Format)
		b = append(b, `,"score":`...)
		b = strconv.AppendFloat(b, c.Score, 'f', -1, 64)
		b = append(b, `,"checksum":"`...)
		b = append(b, c.Checksum.String()...)
		b = append(b, `","country":`...)
		b = dtJSONString(b, c.Country)
		b = append(b, `,"url":"`...)
		b = dtAppendURL(b, c)
		b = append(b, `","reasons":`...)
		b = c.Reasons.AppendJSON(b)
		b = append(b, `,"fields":[`...)
		fields = c.AppendFields(fields[:0])
		for k, f := range fields {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = dtJSONString(b, f.Name)
			b = append(b, `,"value":`...)
			b = dtJSONString(b, f.Value)
			if f.Meaning != "" {
				b = append(b, `,"meaning":`...)
				b = dtJSONString(b, f.Meaning)
			}
			b = append(b, '}')
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}\n"...), fields
}

// dtAppendURL writes the tracking URL; URLs are ASCII without quotes or
// backslashes once the number is escaped, so they need no JSON escaping.
func dtAppendURL(b []byte, c *trackno.Candidate) []byte {
	start := len(b)
	b = c.AppendURL(b)
	for _, ch := range b[start:] {
		if ch < 0x20 || ch == '"' || ch == '\\' || ch >= 0x80 {
			u := string(b[start:])
			return dtJSONStringBody(b[:start], u)
		}
	}
	return b
}

// dtJSONString writes s as a JSON string. Control characters are
// escaped, invalid UTF-8 becomes U+FFFD, and U+2028/U+2029 are escaped, so
// the output is always valid UTF-8 JSON whatever the input bytes.
func dtJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = dtJSONStringBody(b, s)
	return append(b, '"')
}

// dtPlain marks the ASCII bytes a JSON string carries as they are.
var dtPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func dtJSONStringBody(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if dtPlain[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&15])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// Terminal table --------------------------------------------------------

func dtTableHeader(b []byte, text bool) []byte {
	if text {
		b = dtCell(b, "LINE", 6)
	}
	b = dtCell(b, "NUMBER", 26)
	b = dtCell(b, "VALID", 7)
	b = dtCell(b, "COUNTRY", 8)
	b = dtCell(b, "CARRIER", 24)
	b = dtCell(b, "SCORE", 7)
	b = dtCell(b, "CHECK", 9)
	b = append(b, "OTHER CANDIDATES\n"...)
	return b
}

func dtAppendTable(b []byte, r *trackno.Result, input string, text bool, line int) []byte {
	if text {
		b = dtCell(b, strconv.Itoa(line), 6)
	}
	shown := r.Number
	if shown == "" {
		shown = dtPrintable(input)
	}
	b = dtCell(b, shown, 26)
	if r.Valid {
		b = dtCell(b, "yes", 7)
	} else {
		b = dtCell(b, "no", 7)
	}
	country := r.Country
	if country == "" {
		country = "-"
	}
	b = dtCell(b, country, 8)
	best, ok := r.Best()
	if !ok {
		b = dtCell(b, "-", 24)
		b = dtCell(b, "-", 7)
		b = dtCell(b, "-", 9)
		b = append(b, r.Error...)
		return append(b, '\n')
	}
	b = dtCell(b, best.Name, 24)
	b = dtCell(b, strconv.FormatFloat(best.Score, 'f', 2, 64), 7)
	b = dtCell(b, best.Checksum.String(), 9)
	if len(r.Candidates) == 1 {
		b = append(b, '-')
	}
	for i, c := range r.Candidates[1:] {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, c.Carrier...)
		b = append(b, ' ')
		b = strconv.AppendFloat(b, c.Score, 'f', 2, 64)
	}
	if r.Error != "" {
		b = append(b, " ("...)
		b = append(b, r.Error...)
		b = append(b, ')')
	}
	b = append(b, '\n')
	if url := best.URL(); url != "" && r.Valid {
		b = append(b, "  "...)
		b = append(b, url...)
		b = append(b, '\n')
	}
	return b
}

// dtCell pads s to width runes, truncating with an ellipsis.
func dtCell(b []byte, s string, width int) []byte {
	n := utf8.RuneCountInString(s)
	if n >= width {
		k := 0
		for i := range s {
			if k == width-2 {
				b = append(b, s[:i]...)
				break
			}
			k++
		}
		return append(b, "… "...)
	}
	b = append(b, s...)
	for ; n < width; n++ {
		b = append(b, ' ')
	}
	return b
}

// dtPrintable replaces control and invalid bytes for the terminal.
func dtPrintable(s string) string {
	if s == "" {
		return "(empty)"
	}
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
