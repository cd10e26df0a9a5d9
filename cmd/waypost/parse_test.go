package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runParse runs `waypost parse` with args and stdin, returning stdout,
// stderr and the error.
func runParse(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	root := newRoot()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(append([]string{"parse"}, args...))
	err := root.ExecuteContext(t.Context())
	return out.String(), errb.String(), err
}

func parseLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", l, err)
		}
		for _, k := range []string{"status", "substatus", "time", "local_time", "offset_source", "location", "country", "code", "text", "tracking_number"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("line %q lacks %q", l, k)
			}
		}
		if _, err := time.Parse(time.RFC3339, m["time"].(string)); err != nil || !strings.HasSuffix(m["time"].(string), "Z") {
			t.Fatalf("time %v is not RFC 3339 UTC", m["time"])
		}
		lines = append(lines, m)
	}
	return lines
}

func TestParseSharedUPSSample(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "fixtures", "carriers", "ups", "track-delivered.json")
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared fixture missing under CI=true: %v", err)
		}
		t.Skipf("shared fixture %s not found; skipping", path)
	}
	out, _, err := runParse(t, "", "--carrier", "ups", path)
	if err != nil {
		t.Fatal(err)
	}
	lines := parseLines(t, out)
	if len(lines) != 2 || lines[1]["status"] != "delivered" || lines[1]["time"] != "2022-01-26T21:30:00Z" || lines[1]["local_time"] != "2022-01-26T16:30:00" ||
		lines[1]["offset_source"] != "assumed" || lines[1]["country"] != "US" || lines[1]["tracking_number"] != "1Z1442YY7229014688" {
		t.Fatalf("lines %v", lines)
	}
	if lines[0]["status"] != "info_received" || lines[0]["code"] != "M/MP/003" {
		t.Fatalf("first line %v", lines[0])
	}
}

func TestParseFedExFromStdin(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "..", "carrier", "fedex", "testdata", "track-batch.json"))
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runParse(t, string(body), "--carrier", "fedex", "-")
	if err != nil {
		t.Fatal(err)
	}
	lines := parseLines(t, out)
	if len(lines) != 6 || lines[5]["substatus"] != "available_for_pickup.available_for_pickup" || lines[5]["unique_id"] != "2460426000~770000000022~FX" {
		t.Fatalf("lines %v", lines)
	}
	if !strings.Contains(stderr, "770000000011: not found") {
		t.Fatalf("stderr %q lacks the not-found notice", stderr)
	}
}

func TestParseNoStatusEventKeepsStatusKey(t *testing.T) {
	out, _, err := runParse(t, "", "--carrier", "ups", filepath.Join("..", "..", "carrier", "ups", "testdata", "track-exceptions.json"))
	if err != nil {
		t.Fatal(err)
	}
	lines := parseLines(t, out)
	if len(lines) != 6 || lines[2]["status"] != "" || lines[2]["code"] != "U/UP/154" {
		t.Fatalf("lines %v", lines)
	}
}

func TestParseErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"trackResponse":`), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"unknown carrier": {[]string{"--carrier", "no-such", bad}, `no parser for carrier "no-such"`},
		"unparsable":      {[]string{"--carrier", "ups", bad}, "bad response"},
		"missing file":    {[]string{"--carrier", "ups", filepath.Join(dir, "absent.json")}, "no such file"},
		"no carrier":      {[]string{bad}, `"carrier" not set`},
		"carrier error":   {[]string{"--carrier", "ups", filepath.Join("..", "..", "carrier", "ups", "testdata", "error-invalid-number.json")}, "TV1002"},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := runParse(t, "", tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || out != "" {
				t.Fatalf("err %v (out %q), want an error mentioning %q", err, out, tc.want)
			}
		})
	}
	// A package whose activity cannot be read: the command fails with status 1.
	_, stderr, err := runParse(t, "", "--carrier", "ups", filepath.Join("..", "..", "carrier", "ups", "testdata", "malformed-bad-date.json"))
	if ee, ok := err.(exitError); !ok || ee.code != 1 || !strings.Contains(stderr, "bad response") {
		t.Fatalf("err %v stderr %q", err, stderr)
	}
}
