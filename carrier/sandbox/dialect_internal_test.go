package sandbox

import "testing"

// TestAggregatorSlugs keeps Journey.LegOf's list of aggregators in step
// with the dialects that answer for every leg.
func TestAggregatorSlugs(t *testing.T) {
	n := 0
	for _, d := range allDialects() {
		if d.aggregator != aggregatorSlugs[d.slug] {
			t.Errorf("dialect %s: aggregator %v, but LegOf treats it as %v", d.slug, d.aggregator, aggregatorSlugs[d.slug])
		}
		if d.aggregator {
			n++
		}
	}
	if n != len(aggregatorSlugs) {
		t.Errorf("%d aggregator dialects, %d aggregator slugs", n, len(aggregatorSlugs))
	}
}
