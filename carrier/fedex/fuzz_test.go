package fedex

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bodies to the parser: it must never panic, and
// what it returns must be consistent.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"output":{"completeTrackResults":[{"trackResults":[{"estimatedDeliveryTimeWindow":{"window":{"begins":"2024-01-01","ends":"0001-01-01T00:00:00Z"}},"scanEvents":[{"date":"2024-01-01T00:00:00+14:00"}]}]}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rs, err := Parse(body)
		if err != nil && rs != nil {
			t.Fatalf("results returned with error %v", err)
		}
		for _, r := range rs {
			if (r.Err != nil || !r.Found) && len(r.Events) > 0 {
				t.Fatalf("events on a failed or not-found result: %+v", r)
			}
			for _, e := range r.Events {
				if e.Status != e.Substatus.Status() {
					t.Fatalf("status %q and substatus %q disagree", e.Status, e.Substatus)
				}
			}
		}
	})
}
