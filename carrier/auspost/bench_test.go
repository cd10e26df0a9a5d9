package auspost

import "testing"

// BenchmarkParse measures parse throughput on a four-id answer (11 events,
// one consignment); events/s is the figure to compare across connectors.
func BenchmarkParse(b *testing.B) {
	body := testdata(b, "track-batch.json")
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
