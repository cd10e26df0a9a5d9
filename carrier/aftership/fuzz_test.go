package aftership

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: no input panics; an error never comes with results, and a
// failed tracking never carries partial events.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rs, err := Parse(body)
		if err != nil && rs != nil {
			t.Fatal("results with an error")
		}
		for _, r := range rs {
			if r.Err != nil && len(r.Events) > 0 {
				t.Fatal("partial events with an error")
			}
		}
	})
}
