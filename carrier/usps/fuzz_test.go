package usps

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bodies to the parser: it must never panic, and
// whatever it returns must be consistent (no events on a failed or
// not-found result, status and substatus in agreement).
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}

	f.Add([]byte(`{"trackingNumber":"1","trackingEvents":[{"eventTimestamp":"2024-01-01T00:00:00Z","GMTTimestamp":"1900-01-01T00:00:00Z","GMTOffset":"+99"}]}`))
	f.Add([]byte(`{"TrackResults":{"TrackInfo":{"@ID":"1","Error":{"Number":-2147219302,"Description":"x"}}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rs, err := Parse(body)
		if err != nil && rs != nil {
			t.Fatalf("results returned with error %v", err)
		}
		for _, r := range rs {
			if r.Err != nil && len(r.Events) > 0 {
				t.Fatalf("partial events with error %v", r.Err)
			}
			if !r.Found && len(r.Events) > 0 {
				t.Fatal("events on a not-found result")
			}
			for _, e := range r.Events {
				if e.Status != e.Substatus.Status() {
					t.Fatalf("status %q and substatus %q disagree", e.Status, e.Substatus)
				}
				if e.Hash == "" {
					t.Fatal("event without hash")
				}
			}
		}
	})
}
