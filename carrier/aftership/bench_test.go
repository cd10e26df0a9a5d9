package aftership

import (
	"fmt"
	"strings"
	"testing"
)

func bigList(n, checkpoints int) []byte {
	var b strings.Builder
	b.WriteString(`{"meta":{"code":200,"message":"OK"},"data":{"trackings":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"id%d","tracking_number":"RR%09dCN","slug":"china-post","tag":"InTransit","subtag":"InTransit_001","checkpoints":[`, i, i)
		for j := range checkpoints {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"checkpoint_time":"2024-05-%02dT%02d:10:00","message":"Arrived at sorting center %d","city":"Guangzhou","country_region":"CHN","tag":"InTransit","subtag":"InTransit_003","raw_tag":"A%d"}`, 1+j%28, j%24, j, j)
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	body := bigList(50, 20)
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
