package ups

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bodies to the parser: it must never panic, and
// whatever it returns must be consistent (no events on a failed result).
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"trackResponse":{"shipment":[{"package":[{"activity":[{"date":"20240101","time":"1","gmtOffset":"+99:99"}]}]}]}}`))
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
			}
		}
	})
}
