package seventeentrack

import (
	"fmt"
	"strings"
	"testing"
)

// bigAnswer builds a gettrackinfo answer of n numbers with events each,
// in the documented shape.
func bigAnswer(n, events int) []byte {
	var b strings.Builder
	b.WriteString(`{"code":0,"data":{"accepted":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"number":"RR%09dCN","carrier":3011,"track_info":{"latest_status":{"status":"InTransit","sub_status":"InTransit_Other"},"tracking":{"providers":[{"provider":{"key":3011,"country":"CN"},"events":[`, i)
		for j := range events {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"time_iso":"2024-05-%02dT%02d:10:00+08:00","time_utc":null,"description":"Arrived at sorting center %d","location":"Guangzhou","stage":null,"sub_status":"InTransit_Other","address":{"country":"CN","city":"Guangzhou"}}`, 1+j%28, j%24, j)
		}
		b.WriteString(`]}]}}}`)
	}
	b.WriteString(`],"rejected":[]}}`)
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	body := bigAnswer(40, 20)
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
