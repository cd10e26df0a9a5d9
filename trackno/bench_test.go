package trackno_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/waypost/waypost/trackno"
	"github.com/waypost/waypost/trackno/corpus"
)

var (
	corpusOnce sync.Once
	benchInput []string
)

func benchCorpus() []string {
	corpusOnce.Do(func() { benchInput = corpus.Generate(20000, 42) })
	return benchInput
}

// BenchmarkDetect measures Detect over a mixed corpus (see internal/corpus):
// one op is one number.
func BenchmarkDetect(b *testing.B) {
	in := benchCorpus()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := corpus.CPUTime()
	for i := 0; i < b.N; i++ {
		trackno.Detect(in[i%len(in)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
	b.ReportMetric(corpus.PerCPUSecond(b.N, cpu), "numbers/cpu-s")
}

// BenchmarkDetector measures the reusable Detector used by bulk callers.
func BenchmarkDetector(b *testing.B) {
	in := benchCorpus()
	d := trackno.NewDetector(trackno.Hints{})
	b.ReportAllocs()
	b.ResetTimer()
	cpu := corpus.CPUTime()
	for i := 0; i < b.N; i++ {
		d.Detect(in[i%len(in)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
	b.ReportMetric(corpus.PerCPUSecond(b.N, cpu), "numbers/cpu-s")
}

// BenchmarkSearch measures Search over a shipping-confirmation e-mail.
func BenchmarkSearch(b *testing.B) {
	in := benchCorpus()
	var sb strings.Builder
	sb.WriteString("Hello Jane,\nThank you for your order #100234 placed on 2024-05-06.\n")
	for i := 0; i < 5; i++ {
		sb.WriteString("Your parcel is on its way with tracking number ")
		sb.WriteString(in[i*7])
		sb.WriteString(". Questions? Call +1 (555) 123-4567.\n")
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		trackno.Search(text)
	}
}
