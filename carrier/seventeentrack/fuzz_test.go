package seventeentrack

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bodies to the parser: it must never panic, and
// a body it accepts must give results that each carry a number or an error.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"event":"TRACKING_UPDATED","data":{"number":"1","track_info":{}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rs, err := Parse(body)
		if err != nil && rs != nil {
			t.Fatalf("results with an error: %v", err)
		}
		for _, r := range rs {
			if r.Err != nil && len(r.Events) > 0 {
				t.Fatal("partial events with an error")
			}
		}
	})
}
