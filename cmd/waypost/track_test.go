package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/status"
)

func runTrackCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(append([]string{"track"}, args...))
	err := root.Execute()
	return out.String(), errOut.String(), err
}

// TestTrackSandboxJSON runs the newcomer's command for every carrier the
// sandbox serves: events come back through the real connector, one JSON
// object per line with the parse keys, oldest first.
func TestTrackSandboxJSON(t *testing.T) {
	for _, slug := range sandbox.Dialects() {
		t.Run(slug, func(t *testing.T) {
			out, stderr, err := runTrackCmd(t, "--sandbox", "--carrier", slug, "--json")
			if err != nil {
				t.Fatalf("track --sandbox: %v\n%s", err, stderr)
			}
			if !strings.Contains(stderr, "/"+slug) {
				t.Errorf("no sandbox notice on stderr: %q", stderr)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) < 3 {
				t.Fatalf("%d events:\n%s", len(lines), out)
			}
			var prev time.Time
			for _, l := range lines {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatalf("not JSON: %q", l)
				}
				for _, k := range []string{"status", "substatus", "time", "local_time", "offset_source", "location", "country", "code", "text", "tracking_number"} {
					if _, ok := m[k]; !ok {
						t.Errorf("line lacks %q: %s", k, l)
					}
				}
				ts, err := time.Parse(time.RFC3339, m["time"].(string))
				if err != nil || ts.Location() != time.UTC {
					t.Errorf("time %v is not RFC 3339 UTC", m["time"])
				}
				if ts.Before(prev) {
					t.Errorf("events out of order at %s", l)
				}
				prev = ts
				if sub := status.Substatus(m["substatus"].(string)); sub != "" && !sub.Valid() {
					t.Errorf("invalid substatus %q", sub)
				}
			}
		})
	}
}

// TestTrackConfiguredCarrier goes through the configuration a user sets
// (WAYPOST_UPS_* variables) and carrier detection from the number.
func TestTrackConfiguredCarrier(t *testing.T) {
	js := sandbox.Generate(sandbox.Options{Seed: 5, N: 5, Carriers: []string{"ups"}, Mix: map[sandbox.Scenario]float64{sandbox.ScenarioSigned: 1}})
	srv, err := sandbox.Start(sandbox.ServerOptions{Journeys: js, Carriers: []string{"ups"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := srv.Config("ups")
	t.Setenv("WAYPOST_UPS_BASE_URL", cfg.BaseURL)
	t.Setenv("WAYPOST_UPS_CLIENT_ID", cfg.ClientID)
	t.Setenv("WAYPOST_UPS_CLIENT_SECRET", cfg.ClientSecret.Reveal())
	num := js[0].Legs[0].Number

	out, stderr, err := runTrackCmd(t, num)
	if err != nil {
		t.Fatalf("track %s: %v\n%s", num, err, stderr)
	}
	head := strings.SplitN(out, "\n", 2)[0]
	if !strings.Contains(head, "ups") || !strings.Contains(head, num) || !strings.Contains(head, "delivered.signed") {
		t.Errorf("header %q: want carrier, number and delivered.signed", head)
	}
	// One line per event, plus the header, a blank line and the column titles.
	if got, want := strings.Count(out, "\n"), len(js[0].Steps)+3; got != want {
		t.Errorf("%d lines, want %d:\n%s", got, want, out)
	}
	// Shenzhen, Guangzhou or Shanghai: the first scan is at +08:00.
	if first := strings.Split(out, "\n")[3]; !strings.Contains(first, "+08:00") {
		t.Errorf("first event %q not shown at its local offset", first)
	}
	if st := srv.Stats("ups"); st.Track != 1 {
		t.Errorf("%d tracking calls, want 1", st.Track)
	}

	// Unknown number: not found, exit status 1, reason on stderr.
	unknown := sandbox.Generate(sandbox.Options{Seed: 77, N: 1, Carriers: []string{"ups"}})[0].Legs[0].Number
	_, stderr, err = runTrackCmd(t, "--carrier", "ups", unknown)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("unknown number: err %v, stderr %q", err, stderr)
	}
}

func TestTrackNeedsCarrier(t *testing.T) {
	_, _, err := runTrackCmd(t, "hello")
	if err == nil || !strings.Contains(err.Error(), "--carrier") {
		t.Errorf("unrecognisable number: err %v, want a hint to use --carrier", err)
	}
	_, _, err = runTrackCmd(t, "--carrier", "ups", "1Z5R89390357567127")
	if err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Errorf("unconfigured carrier: err %v", err)
	}
}
