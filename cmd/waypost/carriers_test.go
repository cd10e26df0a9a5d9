package main

import (
	"bytes"
	"encoding/json"
	"os"
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

func TestCarriersShowConnectorAuthAndLimits(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/carriers.json"
	conf := `{"carriers": {
		"ups": {"client_id": "id", "client_secret": "s3cret"},
		"china-post": {"connector": "17track"},
		"17track": {"api_key": "k3y"},
		"yanwen": {"connector": "nosuch"}
	}}`
	if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("WAYPOST_FEDEX_REQUESTS_PER_DAY", "500")
	out := runCarriersCmd(t, "--json", "--carriers", file)
	rows := map[string]map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var c map[string]string
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("not JSON: %v: %s", err, l)
		}
		rows[c["slug"]] = c
	}
	want := map[string][3]string{ // connector, auth, limits
		"ups":        {"ups", "ready", "1/call 5/s"},
		"fedex":      {"fedex", "no credentials", "30/call 2/s 500/day"},
		"china-post": {"17track", "ready", "40/call 3/s"},
		"yanwen":     {"nosuch (unknown)", "-", ""},
		"cainiao":    {"", "-", ""},
		"usps":       {"usps", "no credentials", "1/call 1/min"},
	}
	for slug, w := range want {
		r, ok := rows[slug]
		if !ok {
			t.Fatalf("no row for %s", slug)
		}
		if got := [3]string{r["connector"], r["auth"], r["limits"]}; got != w {
			t.Errorf("%s: connector/auth/limits = %q, want %q", slug, got, w)
		}
	}
	if strings.Contains(out, "s3cret") || strings.Contains(out, "k3y") {
		t.Errorf("carriers printed a secret:\n%s", out)
	}
}
