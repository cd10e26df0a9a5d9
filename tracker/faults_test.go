package tracker_test

import (
	"context"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/tracker"
	"github.com/waypost/waypost/tracker/sim"
)

// Carrier faults delay updates but lose none, and carriers without faults
// are not slowed by the others: real connectors over HTTP to the sandbox,
// UPS answering 10% 5xx and a 429 storm, FedEx answering 10% 5xx and down
// for an hour, USPS and Canada Post healthy.
func TestTrackerSandboxFaults(t *testing.T) {
	start := sandbox.DefaultStart
	day := 24 * time.Hour
	faults := map[string]sandbox.Faults{
		"ups": {ServerErrors: 0.10, RetryAfter: time.Second,
			Storms: []sandbox.Window{{From: start.Add(3 * day), To: start.Add(3*day + 6*time.Hour)}}},
		"fedex": {ServerErrors: 0.10, Down: []sandbox.Window{{From: start.Add(2 * day), To: start.Add(2*day + time.Hour)}}},
	}
	n := 160
	if testing.Short() {
		n = 60
	}
	r := newRun(t, sim.Options{
		Seed: 5, N: n, Spread: 2 * day, Mix: noReturns, Speed: 3 * 86400,
		Carriers:     []string{"ups", "fedex", "usps", "canada-post"},
		HTTPCarriers: []string{"ups", "fedex", "usps", "canada-post"},
		Faults:       faults,
	}, openSQLite)
	cfg := r.config("faults")
	cfg.CallTimeout = 10 * time.Second
	tr, err := tracker.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	mm := r.wait(start.Add(60 * day))
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, m := range mm {
		t.Errorf("%s (shipment %d): %s", m.Journey, m.ShipmentID, m.Problem)
	}
	outcomes := map[string]map[string]int{}
	for _, c := range r.snapshot() {
		if outcomes[c.Parcel.Carrier] == nil {
			outcomes[c.Parcel.Carrier] = map[string]int{}
		}
		outcomes[c.Parcel.Carrier][c.Outcome]++
	}
	t.Logf("outcomes by carrier: %v; stats %+v", outcomes, tr.Stats())
	// The faults happened; retries and rescheduling absorbed them.
	if st := r.sim.Server.Stats("ups"); st.ServerErrors == 0 || st.RateLimited == 0 {
		t.Errorf("ups: faults did not happen: %+v", st)
	}
	if st := r.sim.Server.Stats("fedex"); st.ServerErrors == 0 {
		t.Errorf("fedex: faults did not happen: %+v", st)
	}
	for _, slug := range []string{"usps", "canada-post"} {
		if outcomes[slug]["ok"] == 0 {
			t.Errorf("%s: no successful check", slug)
		}
		if k := outcomes[slug]["error"] + outcomes[slug]["deferred"]; k > 0 {
			t.Errorf("%s: %d failed or deferred checks on a healthy carrier", slug, k)
		}
	}
	for _, slug := range []string{"ups", "fedex", "usps", "canada-post"} {
		st := r.sim.Server.Stats(slug)
		t.Logf("sandbox %s: %+v", slug, st)
	}
}
