package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/waypost/waypost/trackno/corpus"
)

// runDetectCmd runs `waypost detect` in process and returns its output and
// exit status.
func runDetectCmd(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(append([]string{"detect"}, args...))
	err := root.Execute()
	code := 0
	var ee exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case err != nil:
		t.Fatalf("detect %v: %v\n%s", args, err, errOut.String())
	}
	return out.String(), code
}

type detectJSONLine struct {
	Input      *string `json:"input"`
	Number     *string `json:"number"`
	Valid      *bool   `json:"valid"`
	Country    *string `json:"country"`
	Error      string  `json:"error"`
	Line       int     `json:"line"`
	Candidates *[]struct {
		Carrier  string   `json:"carrier"`
		Name     string   `json:"name"`
		Format   string   `json:"format"`
		Score    float64  `json:"score"`
		Checksum string   `json:"checksum"`
		URL      string   `json:"url"`
		Reasons  []string `json:"reasons"`
		Fields   []struct {
			Name, Value, Meaning string
		} `json:"fields"`
	} `json:"candidates"`
}

func parseDetectLines(t *testing.T, out string) []detectJSONLine {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output is not valid UTF-8: %q", out)
	}
	var res []detectJSONLine
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var r detectJSONLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line is not JSON: %v\n%q", err, l)
		}
		if r.Input == nil || r.Number == nil || r.Valid == nil || r.Candidates == nil || r.Country == nil {
			t.Fatalf("line lacks a contract key (input, number, valid, candidates, country): %s", l)
		}
		res = append(res, r)
	}
	return res
}

func TestDetectJSONContract(t *testing.T) {
	out, code := runDetectCmd(t, "1Z5R89390357567127\n\nnot a number\n", "--json")
	lines := parseDetectLines(t, out)
	if len(lines) != 3 {
		t.Fatalf("%d lines for 3 inputs:\n%s", len(lines), out)
	}
	if code != 0 {
		t.Errorf("exit status %d, want 0 (one number was valid)", code)
	}
	ups := lines[0]
	if !*ups.Valid || *ups.Number != "1Z5R89390357567127" || len(*ups.Candidates) == 0 {
		t.Fatalf("UPS line: %+v", ups)
	}
	c := (*ups.Candidates)[0]
	if c.Carrier != "ups" || c.Checksum != "valid" || !strings.Contains(c.URL, "1Z5R89390357567127") || c.Score <= 0.5 || len(c.Reasons) == 0 || len(c.Fields) == 0 {
		t.Errorf("UPS candidate: %+v", c)
	}
	if *lines[1].Valid || lines[1].Error != "empty" || *lines[1].Input != "" {
		t.Errorf("empty line: %+v", lines[1])
	}
	if *lines[2].Valid || lines[2].Error == "" || len(*lines[2].Candidates) != 0 {
		t.Errorf("word line: %+v", lines[2])
	}
}

func TestDetectBadLinesKeepStreaming(t *testing.T) {
	long := strings.Repeat("9", 10<<10)
	huge := strings.Repeat("A", 2<<20) // longer than the read buffer
	binary := "\x00\x01\x02RR123\xff\xfe\"\\\u2028"
	input := strings.Join([]string{"RR123456785CN", "", long, binary, "\xc3\x28invalid utf8", huge, "\tEA123456785CN\r", "1Z5R89390357567128"}, "\n") + "\n"
	out, code := runDetectCmd(t, input, "--json")
	lines := parseDetectLines(t, out)
	if len(lines) != 8 {
		t.Fatalf("%d result lines for 8 inputs", len(lines))
	}
	if code != 0 {
		t.Errorf("exit status %d", code)
	}
	wantValid := []bool{true, false, false, false, false, false, true, false}
	for i, l := range lines {
		if *l.Valid != wantValid[i] {
			t.Errorf("line %d: valid %v, want %v (%+v)", i+1, *l.Valid, wantValid[i], l)
		}
		if !*l.Valid && l.Error == "" {
			t.Errorf("line %d: invalid without an error", i+1)
		}
	}
	if lines[2].Error != "too long" || lines[5].Error != "too long" {
		t.Errorf("long lines: %q, %q", lines[2].Error, lines[5].Error)
	}
	if len(*lines[5].Input) > 1024 {
		t.Errorf("a 2 MiB line was echoed in full (%d bytes)", len(*lines[5].Input))
	}
	if *lines[6].Number != "EA123456785CN" {
		t.Errorf("CRLF/tab line: %+v", lines[6])
	}
	if lines[7].Error != "check digit does not hold" {
		t.Errorf("bad check digit: %q", lines[7].Error)
	}
}

func TestDetectArgumentsAndExitStatus(t *testing.T) {
	out, code := runDetectCmd(t, "", "--json", "RR123456785CN", "9400 1112 0108 0805 4830 16")
	lines := parseDetectLines(t, out)
	if len(lines) != 2 || code != 0 || *lines[1].Number != "9400111201080805483016" {
		t.Fatalf("args: code %d\n%s", code, out)
	}
	if _, code := runDetectCmd(t, "", "hello", "world"); code != 1 {
		t.Errorf("no valid number: exit status %d, want 1", code)
	}
	// The table names the best carrier and the other candidates.
	out, code = runDetectCmd(t, "", "9400111206206406260787")
	if code != 0 || !strings.Contains(out, "USPS") || !strings.Contains(out, "fedex") || !strings.Contains(out, "tools.usps.com") {
		t.Errorf("table output:\n%s", out)
	}
}

func TestDetectHintsFlags(t *testing.T) {
	out, _ := runDetectCmd(t, "", "--json", "--prefer", "gls", "201298452277")
	lines := parseDetectLines(t, out)
	if (*lines[0].Candidates)[0].Carrier != "gls" {
		t.Errorf("--prefer gls: %s", out)
	}
}

func TestDetectText(t *testing.T) {
	text := "Your parcel 1Z 5R8 939 0357 567 127 shipped; call 555-123-4567.\nsecond line: RR123456785CN and order #100234\n\nnothing here\n"
	out, code := runDetectCmd(t, text, "--text", "--json")
	lines := parseDetectLines(t, out)
	if len(lines) != 2 || code != 0 {
		t.Fatalf("found %d numbers (exit %d):\n%s", len(lines), code, out)
	}
	if *lines[0].Number != "1Z5R89390357567127" || lines[0].Line != 1 || *lines[0].Input != "1Z 5R8 939 0357 567 127" {
		t.Errorf("first: %+v", lines[0])
	}
	if *lines[1].Number != "RR123456785CN" || lines[1].Line != 2 {
		t.Errorf("second: %+v", lines[1])
	}
	if _, code := runDetectCmd(t, "no numbers at all\n", "--text", "--json"); code != 1 {
		t.Errorf("text without numbers: exit %d, want 1", code)
	}
}

func TestJSONStringEscaping(t *testing.T) {
	for _, s := range []string{"plain", "quote\" back\\slash", "ctl\x00\x1f\t\n\r", "bad\xff\xfeutf8", "ok é 中", "sep\u2028\u2029"} {
		b := dtJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil || !utf8.Valid(b) {
			t.Errorf("%q encodes to invalid JSON %q: %v", s, b, err)
			continue
		}
		if utf8.ValidString(s) && got != s {
			t.Errorf("%q round-trips to %q", s, got)
		}
	}
}

func TestJSONPlainPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abcXYZ019 -/:{}~\x7f\"\\\x00\x1f\x20\x80\xc3\xa9\xff"
	for i := 0; i < 50000; i++ {
		b := make([]byte, r.IntN(40))
		for k := range b {
			if r.IntN(6) == 0 {
				b[k] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[k] = byte('A' + r.IntN(26))
			}
		}
		want := 0
		for want < len(b) && dtPlain[b[want]] {
			want++
		}
		if got := dtPlainPrefix(string(b)); got != want {
			t.Fatalf("dtPlainPrefix(%q) = %d, want %d", b, got, want)
		}
	}
}

func TestAppendScoreMatchesStrconv(t *testing.T) {
	for k := 0; k <= 1000; k++ {
		s := float64(k) / 1000
		if got, want := string(dtAppendScore(nil, s)), strconv.FormatFloat(s, 'f', -1, 64); got != want {
			t.Fatalf("score %v: %s, want %s", s, got, want)
		}
	}
	for _, s := range []float64{0.0005, 0.12345, -0.5, 1.5, 0.1 + 0.2} {
		if got, want := string(dtAppendScore(nil, s)), strconv.FormatFloat(s, 'f', -1, 64); got != want {
			t.Fatalf("score %v: %s, want %s", s, got, want)
		}
	}
}

// BenchmarkDetectStreamJSON measures `waypost detect --json` on stdin
// without the process: one op is one input line.
func BenchmarkDetectStreamJSON(b *testing.B) {
	lines := corpus.Generate(50000, 7)
	input := []byte(strings.Join(lines, "\n") + "\n")
	b.ReportAllocs()
	b.ResetTimer()
	cpu := corpus.CPUTime()
	done := 0
	for done < b.N {
		st, err := detectStream(bytes.NewReader(input), io.Discard, detectOptions{json: true})
		if err != nil {
			b.Fatal(err)
		}
		done += st.inputs
	}
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "numbers/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(done), "ns/number")
	b.ReportMetric(corpus.PerCPUSecond(done, cpu), "numbers/cpu-s")
}
