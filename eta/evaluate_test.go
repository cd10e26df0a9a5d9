package eta_test

import (
	"testing"

	"github.com/waypost/waypost/eta"
	"github.com/waypost/waypost/eta/etasim"
)

// TestCoverageNearNominal scores estimates on the held-back part of a
// simulated history of 4,000 shipments: the observed share inside each
// nominal range must be near the nominal figure. Day ranges are whole
// days, so coverage may exceed nominal somewhat; it must not fall short
// by more than the sampling error of about 1,300 estimates per stage.
func TestCoverageNearNominal(t *testing.T) {
	for _, seed := range []uint64{11, 12} {
		h := etasim.Generate(etasim.Options{Shipments: 4000, Lanes: 20, Seed: seed})
		r := eta.Evaluate(h.Shipments, eta.EvalOptions{})
		if r.Estimates < 3000 {
			t.Fatalf("seed %d: only %d estimates scored", seed, r.Estimates)
		}
		bounds := map[string][2]float64{"50": {0.45, 0.72}, "80": {0.77, 0.92}, "95": {0.92, 0.99}}
		for k, b := range bounds {
			if c := r.Coverage[k]; c < b[0] || c > b[1] {
				t.Errorf("seed %d: %s%% range holds %.3f of deliveries, want %.2f..%.2f", seed, k, c, b[0], b[1])
			}
		}
		if r.MedianAbsError > 2 {
			t.Errorf("seed %d: median absolute error %.1f days", seed, r.MedianAbsError)
		}
		// Later stages know more: out for delivery beats info received.
		early, late := r.ByStage["info_received"], r.ByStage["out_for_delivery"]
		if late.MeanAbsError >= early.MeanAbsError {
			t.Errorf("seed %d: error at out for delivery %.2f ≥ at info received %.2f", seed, late.MeanAbsError, early.MeanAbsError)
		}
		if d := r.MissPredicted - r.MissObserved; d > 0.05 || d < -0.05 {
			t.Errorf("seed %d: predicted miss rate %.3f, observed %.3f", seed, r.MissPredicted, r.MissObserved)
		}
		t.Logf("seed %d: coverage 50/80/95 = %.3f/%.3f/%.3f, median |error| %.1f d", seed,
			r.Coverage["50"], r.Coverage["80"], r.Coverage["95"], r.MedianAbsError)
	}
}
