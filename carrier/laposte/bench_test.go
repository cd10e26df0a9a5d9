package laposte

import "testing"

// BenchmarkParse measures parse throughput on a five-number multi-status
// answer (10 events); events/s is the figure to compare across connectors.
func BenchmarkParse(b *testing.B) {
	body := testdata(b, "track-multi-207.json")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		rs, err := Parse(body)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rs {
			events += len(r.Events)
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
