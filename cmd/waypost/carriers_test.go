package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/waypost/waypost/carrier"
)

func runCarriersCmd(t *testing.T, args ...string) string {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"carriers"}, args...))
	if err := root.Execute(); err != nil {
		t.Fatalf("carriers %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

func TestCarriersJSON(t *testing.T) {
	out := runCarriersCmd(t, "--json")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(carrier.All()) {
		t.Fatalf("%d lines, want %d", len(lines), len(carrier.All()))
	}
	prev := ""
	for _, l := range lines {
		var c map[string]string
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("not JSON: %v: %s", err, l)
		}
		for _, k := range []string{"slug", "name", "country", "track_url"} {
			if _, ok := c[k]; !ok {
				t.Fatalf("missing %s: %s", k, l)
			}
		}
		if c["slug"] <= prev {
			t.Errorf("not sorted by slug: %s after %s", c["slug"], prev)
		}
		prev = c["slug"]
	}
}

func TestCarriersTableAndCountryFilter(t *testing.T) {
	out := runCarriersCmd(t, "--country", "cn")
	for _, want := range []string{"SLUG", "china-post", "china-ems", "cainiao", "4px", "yanwen"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "royal-mail") {
		t.Errorf("country filter kept royal-mail")
	}
}
