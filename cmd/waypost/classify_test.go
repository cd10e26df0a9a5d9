package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func runClassify(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(append([]string{"classify"}, args...))
	if err := root.Execute(); err != nil {
		t.Fatalf("classify %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

type classifyJSONResult struct {
	Text       *string  `json:"text"`
	Language   *string  `json:"language"`
	Status     *string  `json:"status"`
	Substatus  *string  `json:"substatus"`
	Confidence *float64 `json:"confidence"`
}

func parseClassifyLines(t *testing.T, out string) []classifyJSONResult {
	t.Helper()
	var res []classifyJSONResult
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var r classifyJSONResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %q is not JSON: %v", l, err)
		}
		if r.Text == nil || r.Language == nil || r.Status == nil || r.Substatus == nil || r.Confidence == nil {
			t.Fatalf("line %q lacks a required key", l)
		}
		res = append(res, r)
	}
	return res
}

// The contract check: printf 'Delivered, front door\n已签收\n' | waypost classify --json
func TestClassifyJSONContract(t *testing.T) {
	res := parseClassifyLines(t, runClassify(t, "Delivered, front door\n已签收\n", "--json"))
	if len(res) != 2 {
		t.Fatalf("%d lines, want 2", len(res))
	}
	for i, want := range []struct{ text, lang, sub string }{
		{"Delivered, front door", "en", "delivered.delivered"},
		{"已签收", "zh", "delivered.delivered"},
	} {
		r := res[i]
		if *r.Text != want.text || *r.Language != want.lang || *r.Substatus != want.sub || *r.Status != "delivered" {
			t.Errorf("line %d = %s %s %s %s", i, *r.Text, *r.Language, *r.Status, *r.Substatus)
		}
		if *r.Confidence <= 0.5 || *r.Confidence > 1 {
			t.Errorf("line %d confidence %v", i, *r.Confidence)
		}
	}
}

func TestClassifyBadInputKeepsStreaming(t *testing.T) {
	long := strings.Repeat("Delivered ", 20000) // 200 KB line
	in := "\n\xff\xfe zzz\n" + long + "\nHeld by customs\r\nlast line without newline"
	res := parseClassifyLines(t, runClassify(t, in, "--json"))
	if len(res) != 5 {
		t.Fatalf("%d result lines, want 5 (one per input line)", len(res))
	}
	if *res[0].Text != "" || *res[0].Status != "pending" || *res[0].Confidence != 0 {
		t.Errorf("empty line: %+v", res[0])
	}
	if *res[1].Status != "pending" {
		t.Errorf("invalid UTF-8 line: status %s", *res[1].Status)
	}
	if *res[2].Status != "delivered" || len(*res[2].Text) > maxClassifyLine {
		t.Errorf("long line: status %s, text %d bytes", *res[2].Status, len(*res[2].Text))
	}
	if *res[3].Substatus != "exception.customs_held" || *res[3].Text != "Held by customs" {
		t.Errorf("CRLF line: %q %s", *res[3].Text, *res[3].Substatus)
	}
	if *res[4].Text != "last line without newline" {
		t.Errorf("last line: %q", *res[4].Text)
	}
}

func TestClassifyArgsTable(t *testing.T) {
	out := runClassify(t, "", "Returned to sender", "Die Sendung wurde zugestellt.")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "STATUS") {
		t.Fatalf("table:\n%s", out)
	}
	if !strings.Contains(lines[1], "exception.returned") || !strings.Contains(lines[2], "delivered.delivered") {
		t.Errorf("table rows:\n%s", out)
	}
	// Columns line up: the text starts at the same offset in every row.
	col := strings.Index(lines[0], "TEXT")
	if !strings.HasPrefix(lines[1][col:], "Returned to sender") || !strings.HasPrefix(lines[2][col:], "Die Sendung") {
		t.Errorf("columns not aligned:\n%s", out)
	}
}

func TestClassifyLangFlag(t *testing.T) {
	res := parseClassifyLines(t, runClassify(t, "", "--json", "--lang", "de", "zugestellt"))
	if *res[0].Language != "de" || *res[0].Status != "delivered" {
		t.Errorf("--lang de: %s %s", *res[0].Language, *res[0].Status)
	}
}

// TestClassifyBinaryPipe runs the real binary in a pipe, as the contract
// check does.
func TestClassifyBinaryPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "waypost")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "classify", "--json")
	cmd.Stdin = strings.NewReader("Delivered, front door\n已签收\n")
	cmd.Env = append(os.Environ(), "WAYPOST_LANG=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if res := parseClassifyLines(t, string(out)); len(res) != 2 || *res[1].Substatus != "delivered.delivered" {
		t.Errorf("output:\n%s", out)
	}
}
