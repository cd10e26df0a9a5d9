package status

import (
	"testing"
	"time"
)

// BenchmarkClassify classifies every corpus text in turn and reports texts
// per second (per core: the benchmark runs on one goroutine).
func BenchmarkClassify(b *testing.B) {
	rows := loadCorpus(b)
	texts := make([]string, len(rows))
	for i, r := range rows {
		texts[i] = r.text
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		_ = Classify(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "texts/s")
}
