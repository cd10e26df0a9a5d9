package ups

import "testing"

// BenchmarkParse measures parse throughput on an 8-activity answer;
// events/s is the figure to compare across connectors.
func BenchmarkParse(b *testing.B) {
	body := testdata(b, "track-international-gmt.json")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		rs, err := Parse(body)
		if err != nil {
			b.Fatal(err)
		}
		events += len(rs[0].Events)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
