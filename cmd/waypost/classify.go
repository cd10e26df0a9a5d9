package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/waypost/waypost/status"
)

func init() { register(newClassifyCmd) }

// maxClassifyLine bounds one input line; the rest of a longer line is read
// and dropped so the stream continues with the next line.
const maxClassifyLine = 64 << 10

func newClassifyCmd() *cobra.Command {
	var asJSON bool
	var lang string
	cmd := &cobra.Command{
		Use:   "classify [TEXT...]",
		Short: "Classify carrier event texts into statuses",
		Long: `Classify detects the language of carrier event texts and maps each to a
Waypost status and substatus with a confidence in [0,1].

Texts come from the arguments, or from standard input, one per line, streamed.
A text nothing is recognised in yields status "pending" with confidence 0.
Every input line yields exactly one output line, including empty or invalid ones.`,
		Example: `  waypost classify "Delivered, front door" "已签收"
  printf 'Delivered, front door\n已签收\n' | waypost classify --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			w := bufio.NewWriter(cmd.OutOrStdout())
			out := newClassifyPrinter(w, asJSON)
			classify := func(text string) error {
				r := status.ClassifyLang(text, lang)
				if err := out.print(r); err != nil {
					return fmt.Errorf("classify: write: %w", err)
				}
				return nil
			}
			if len(args) > 0 {
				for _, a := range args {
					if err := classify(a); err != nil {
						return err
					}
				}
				return w.Flush()
			}
			in := bufio.NewReaderSize(cmd.InOrStdin(), 64<<10)
			for {
				line, err := readClassifyLine(in)
				if errors.Is(err, io.EOF) && line == nil {
					break
				}
				if err != nil && !errors.Is(err, io.EOF) {
					_ = w.Flush()
					return fmt.Errorf("classify: read stdin: %w", err)
				}
				if e := classify(string(line)); e != nil {
					return e
				}
				// Flush when no more input is waiting, so an interactive or
				// piped producer sees each result promptly.
				if in.Buffered() == 0 {
					if e := w.Flush(); e != nil {
						return fmt.Errorf("classify: write: %w", e)
					}
				}
				if errors.Is(err, io.EOF) {
					break
				}
				if e := cmd.Context().Err(); e != nil {
					break
				}
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per line")
	cmd.Flags().StringVar(&lang, "lang", "", "language of the texts when known (e.g. de, pt-BR); detected when empty")
	return cmd
}

// readClassifyLine returns the next line without its line ending, cut to
// maxClassifyLine bytes. It returns (nil, io.EOF) at the end of input.
func readClassifyLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line) < maxClassifyLine {
			room := maxClassifyLine - len(line)
			if len(chunk) > room {
				line = append(line, chunk[:room]...)
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && len(line) == 0 {
			return nil, err
		}
		line = classifyTrimEOL(line)
		if line == nil {
			line = []byte{}
		}
		return line, err
	}
}

func classifyTrimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

type classifyPrinter struct {
	w      *bufio.Writer
	json   *json.Encoder
	header bool
}

func newClassifyPrinter(w *bufio.Writer, asJSON bool) *classifyPrinter {
	p := &classifyPrinter{w: w}
	if asJSON {
		p.json = json.NewEncoder(w)
		p.json.SetEscapeHTML(false)
	}
	return p
}

// print writes one result. The table has fixed column widths so it stays
// aligned while streaming; the text comes last and is shown in full.
func (p *classifyPrinter) print(r status.Result) error {
	if p.json != nil {
		return p.json.Encode(r)
	}
	if !p.header {
		p.header = true
		if _, err := fmt.Fprintf(p.w, "%-20s %-42s %-5s %-4s %s\n", "STATUS", "SUBSTATUS", "CONF", "LANG", "TEXT"); err != nil {
			return err
		}
	}
	text := r.Text
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	_, err := fmt.Fprintf(p.w, "%-20s %-42s %-5.2f %-4s %s\n", r.Status, r.Substatus, r.Confidence, r.Language, text)
	return err
}
