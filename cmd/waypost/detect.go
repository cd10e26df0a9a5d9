package main

import (
	"bufio"
	"encoding/binary"
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
	var st2 dtState
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
				out = st2.appendResult(out, &res, o, lineNo, false)
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
			out = st2.appendResult(out, res, o, lineNo, tooLong || len(line) > detectEchoMax)
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

// dtState is the JSON writer's scratch space and memory of the strings
// it has already checked.
type dtState struct {
	fields []trackno.Field
	// tables remembers strings that point into trackno's immutable tables
	// (carrier slugs and names, format ids, field names and meanings) and
	// need no escaping, by address and length, so each is checked once.
	tables [1024]dtSeen
	// urls remembers carriers, by their slug, whose URLs need no escaping.
	urls [64]dtSeen
	// heads holds the rendered start of a candidate object, up to its
	// score, by carrier slug, name and format id (table strings too).
	heads [256]struct{ carrier, name, format, json string }
	// reasons holds rendered reason sets.
	reasons [64]struct {
		r    trackno.Reasons
		json string
	}
}

// appendHead writes `{"carrier":…,"name":…,"format":…,"score":`.
func (w *dtState) appendHead(b []byte, c *trackno.Candidate) []byte {
	p := uintptr(unsafe.Pointer(unsafe.StringData(c.Carrier))) ^ uintptr(unsafe.Pointer(unsafe.StringData(c.Format)))
	e := &w.heads[(p>>3^p>>11)&255]
	// Strings compare by address first, so a hit costs little.
	if e.json != "" && e.carrier == c.Carrier && e.name == c.Name && e.format == c.Format {
		return append(b, e.json...)
	}
	start := len(b)
	b = append(b, `{"carrier":`...)
	b = w.appendTableString(b, c.Carrier)
	b = append(b, `,"name":`...)
	b = w.appendTableString(b, c.Name)
	b = append(b, `,"format":`...)
	b = w.appendTableString(b, c.Format)
	b = append(b, `,"score":`...)
	e.carrier, e.name, e.format, e.json = c.Carrier, c.Name, c.Format, string(b[start:])
	return b
}

// appendReasons writes the reason codes as a JSON array.
func (w *dtState) appendReasons(b []byte, r trackno.Reasons) []byte {
	e := &w.reasons[(uint32(r)^uint32(r)>>6^uint32(r)>>12)&63]
	if e.json != "" && e.r == r {
		return append(b, e.json...)
	}
	start := len(b)
	b = r.AppendJSON(b)
	e.r, e.json = r, string(b[start:])
	return b
}

// dtInside reports whether sub lies within s in memory.
func dtInside(sub, s string) bool {
	if len(sub) == 0 || len(s) == 0 {
		return len(sub) == 0
	}
	p, q := uintptr(unsafe.Pointer(unsafe.StringData(sub))), uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return p >= q && p+uintptr(len(sub)) <= q+uintptr(len(s))
}

// dtSeen is a string remembered by address and length.
type dtSeen struct {
	p uintptr
	n int
}

func (w *dtState) appendResult(out []byte, r *trackno.Result, o detectOptions, line int, truncate bool) []byte {
	input := r.Input
	if truncate && len(input) > detectEchoMax {
		input = input[:detectEchoMax]
	}
	if o.json {
		return w.appendJSON(out, r, input, truncate, o.text, line)
	}
	return dtAppendTable(out, r, input, o.text, line)
}

// appendTableString writes s, a string of trackno's immutable tables, as a
// JSON string.
func (w *dtState) appendTableString(b []byte, s string) []byte {
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	e := &w.tables[(p>>3^p>>13^uintptr(len(s)))&1023]
	if e.p == p && e.n == len(s) && p != 0 {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	if dtPlainPrefix(s) == len(s) {
		e.p, e.n = p, len(s)
	}
	return dtJSONString(b, s)
}

// appendJSON writes one result as a JSON object and a newline. The
// encoding is written by hand: this is the bulk path.
func (w *dtState) appendJSON(b []byte, r *trackno.Result, input string, truncated, text bool, line int) []byte {
	b = append(b, `{"input":`...)
	// Most inputs are the number itself: check its bytes once.
	numberPlain := dtPlainPrefix(r.Number) == len(r.Number)
	if numberPlain && input == r.Number {
		b = append(b, '"')
		b = append(b, input...)
		b = append(b, '"')
	} else {
		b = dtJSONString(b, input)
	}
	if truncated {
		b = append(b, `,"input_truncated":true`...)
	}
	if text {
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(line), 10)
	}
	b = append(b, `,"number":`...)
	// A plain number makes its substrings, the decoded field values,
	// plain too.
	if numberPlain {
		b = append(b, '"')
		b = append(b, r.Number...)
		b = append(b, '"')
	} else {
		b = dtJSONString(b, r.Number)
	}
	if r.Valid {
		b = append(b, `,"valid":true,"country":`...)
	} else {
		b = append(b, `,"valid":false,"country":`...)
	}
	b = w.appendTableString(b, r.Country)
	if r.Error != "" {
		b = append(b, `,"error":`...)
		b = w.appendTableString(b, r.Error)
	}
	b = append(b, `,"candidates":[`...)
	// Candidates of one format (a shared barcode, an S10 item and its EMS
	// operator) decode to the same fields: the first rendering is copied.
	fieldsFrom, fieldsTo, fieldsFormat := 0, 0, ""
	for i := range r.Candidates {
		c := &r.Candidates[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = w.appendHead(b, c)
		b = dtAppendScore(b, c.Score)
		b = append(b, dtChecksumCountry[c.Checksum%3]...)
		if len(c.Country) == 2 && dtPlain[c.Country[0]] && dtPlain[c.Country[1]] {
			b = append(b, c.Country...)
		} else {
			b = dtJSONStringBody(b, c.Country)
		}
		b = append(b, `","url":"`...)
		b = w.appendURL(b, c)
		b = append(b, `","reasons":`...)
		b = w.appendReasons(b, c.Reasons)
		b = append(b, `,"fields":[`...)
		if i > 0 && c.Format == fieldsFormat {
			b = append(b, b[fieldsFrom:fieldsTo]...)
		} else {
			fieldsFrom, fieldsFormat = len(b), c.Format
			w.fields = c.AppendFields(w.fields[:0])
			for k := range w.fields {
				f := &w.fields[k]
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"name":`...)
				b = w.appendTableString(b, f.Name)
				b = append(b, `,"value":`...)
				if numberPlain && dtInside(f.Value, r.Number) {
					b = append(b, '"')
					b = append(b, f.Value...)
					b = append(b, '"')
				} else {
					b = dtJSONString(b, f.Value)
				}
				if f.Meaning != "" {
					b = append(b, `,"meaning":`...)
					b = w.appendTableString(b, f.Meaning)
				}
				b = append(b, '}')
			}
			fieldsTo = len(b)
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}\n"...)
}

// dtChecksumCountry joins the checksum value and the start of the country,
// by trackno.Checksum: none, valid, invalid.
var dtChecksumCountry = [3]string{
	`,"checksum":"none","country":"`,
	`,"checksum":"valid","country":"`,
	`,"checksum":"invalid","country":"`,
}

// dtScores holds the shortest decimal form of every score trackno gives
// (thousandths from 0 to 1), as strconv.AppendFloat(b, s, 'f', -1, 64)
// writes it.
var dtScores = func() (t [1001]string) {
	for k := range t {
		t[k] = strconv.FormatFloat(float64(k)/1000, 'f', -1, 64)
	}
	return t
}()

// dtAppendScore writes a score, from the table when it is a whole number
// of thousandths, as trackno rounds them.
func dtAppendScore(b []byte, s float64) []byte {
	if s >= 0 && s <= 1 {
		if k := int(s*1000 + 0.5); float64(k)/1000 == s {
			return append(b, dtScores[k]...)
		}
	}
	return strconv.AppendFloat(b, s, 'f', -1, 64)
}

// appendURL writes the tracking URL. A URL is the carrier's template
// around the query-escaped number, and an escaped number needs no JSON
// escaping, so whether a URL does depends on the carrier alone: once one
// of a carrier's URLs passed, the others are written unchecked.
func (w *dtState) appendURL(b []byte, c *trackno.Candidate) []byte {
	start := len(b)
	b = c.AppendURL(b)
	p := uintptr(unsafe.Pointer(unsafe.StringData(c.Carrier)))
	e := &w.urls[(p>>3^p>>11^uintptr(len(c.Carrier)))&63]
	if e.p == p && e.n == len(c.Carrier) && p != 0 {
		return b
	}
	if u := b[start:]; dtPlainPrefix(unsafe.String(unsafe.SliceData(u), len(u))) < len(u) {
		u := string(b[start:])
		return dtJSONStringBody(b[:start], u)
	}
	e.p, e.n = p, len(c.Carrier)
	return b
}

// dtPlainPrefix returns how many leading bytes of s a JSON string carries
// as they are (see dtPlain), testing eight at a time: a byte needs
// escaping when it is below 0x20, a quote, a backslash or not ASCII.
func dtPlainPrefix(s string) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	p := unsafe.Slice(unsafe.StringData(s), len(s))
	i := 0
	for n := len(p); n >= 8; i += 8 {
		if i > n-8 {
			if i == n {
				return n
			}
			i = n - 8 // the last word overlaps the previous one
		}
		x := binary.LittleEndian.Uint64(p[i:])
		// A lane's high bit is set by (v - c) for v < c (no borrow comes
		// in while every lane is at least 0x20 and ASCII, which the first
		// two terms check), and by zero bytes of v^'"' and v^'\\'.
		q, bs := x^(ones*'"'), x^(ones*'\\')
		bad := x | (x - ones*0x20) | ((q - ones) &^ q) | ((bs - ones) &^ bs)
		if bad&highs != 0 {
			break
		}
		if i == n-8 {
			return n
		}
	}
	for ; i < len(p); i++ {
		if !dtPlain[p[i]] {
			break
		}
	}
	return i
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
	i := dtPlainPrefix(s)
	if i == len(s) {
		return append(b, s...)
	}
	for i < len(s) {
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
