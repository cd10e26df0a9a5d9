package tracker_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/tracker"
)

// failing is a connector whose every call fails with err; it counts calls.
type failing struct {
	slug  string
	err   error
	calls atomic.Int64
}

func (f *failing) Slug() string           { return f.slug }
func (f *failing) Limits() carrier.Limits { return carrier.Limits{BatchSize: 10} }
func (f *failing) Track(context.Context, []carrier.Request) ([]carrier.Result, error) {
	f.calls.Add(1)
	return nil, f.err
}

// answering finds every number with one fresh event.
type answering struct {
	slug  string
	now   func() time.Time
	calls atomic.Int64
}

func (a *answering) Slug() string           { return a.slug }
func (a *answering) Limits() carrier.Limits { return carrier.Limits{BatchSize: 10} }
func (a *answering) Track(_ context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	a.calls.Add(1)
	out := make([]carrier.Result, len(reqs))
	for i, r := range reqs {
		out[i] = carrier.Result{TrackingNumber: r.TrackingNumber, Found: true, Events: []shipment.Event{{
			Time: a.now().Add(-time.Hour).Truncate(time.Second), OffsetSource: shipment.OffsetNone, Code: "AR",
			Text: "Arrived", Status: "in_transit", Substatus: "in_transit.arrived_facility"}}}
	}
	return out, nil
}

// A carrier whose quota is spent, or whose circuit is open, has its parcels
// pushed past the pause after one round of calls, while another carrier's
// parcels are checked as usual.
func TestTrackerPausesCarrier(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	reset := now.Add(5 * time.Hour)
	cases := []struct {
		name  string
		err   error
		after time.Time // every parcel is next due at or after this
		why   string
	}{
		{"quota", &carrier.Error{Kind: carrier.ErrQuotaExhausted, Carrier: "slow", ResetAt: reset}, reset, "quota_exhausted"},
		{"circuit", &carrier.Error{Kind: carrier.ErrCircuitOpen, Carrier: "slow"}, now.Add(10 * time.Minute), "circuit_open"},
		{"rate limited", &carrier.Error{Kind: carrier.ErrRateLimited, Carrier: "slow", RetryAfter: 2 * time.Hour}, now.Add(2 * time.Hour), "rate_limited"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := openSQLite(t, clock)
			ctx := t.Context()
			tn := shipment.Tenant{Slug: "shop", Name: "Shop"}
			if err := st.CreateTenant(ctx, &tn); err != nil {
				t.Fatal(err)
			}
			var slowIDs, okIDs []int64
			for i := range 60 {
				sh := shipment.Shipment{DestinationCountry: "US"}
				if err := st.CreateShipment(ctx, tn.ID, &sh); err != nil {
					t.Fatal(err)
				}
				slug := "slow"
				if i%2 == 1 {
					slug = "fine"
				}
				p := shipment.Parcel{ShipmentID: sh.ID, Carrier: slug, TrackingNumber: "N" + string(rune('A'+i%26)) + strings.Repeat("7", i/26+1), Leg: 1}
				if err := st.CreateParcel(ctx, tn.ID, &p); err != nil {
					t.Fatal(err)
				}
				if slug == "slow" {
					slowIDs = append(slowIDs, p.ID)
				} else {
					okIDs = append(okIDs, p.ID)
				}
			}
			slow := &failing{slug: "slow", err: tc.err}
			fine := &answering{slug: "fine", now: clock}
			var mu sync.Mutex
			outcomes := map[string]int{}
			tr, err := tracker.New(tracker.Config{Store: st, Now: clock, Node: "n1", Workers: 4,
				Connectors: map[string]carrier.Connector{"slow": slow, "fine": fine}, Idle: 5 * time.Millisecond, Logger: quietLog,
				OnCheck: func(c tracker.Check) { mu.Lock(); outcomes[c.Parcel.Carrier+" "+c.Outcome]++; mu.Unlock() }})
			if err != nil {
				t.Fatal(err)
			}
			runFor(t, tr, func() bool {
				mu.Lock()
				defer mu.Unlock()
				return outcomes["fine ok"] == 30 && outcomes["slow deferred"] == 30
			})
			if c := slow.calls.Load(); c > 4 {
				t.Errorf("failing carrier called %d times, want at most one call per worker", c)
			}
			for _, id := range slowIDs {
				p := parcel(t, st, tn.ID, id)
				if p.NextCheckAt.Before(tc.after) || !strings.Contains(p.NextCheckReason, tc.why) || p.ConsecutiveErrors != 0 {
					t.Fatalf("parcel %d: next %s (%q, %d errors), want at or after %s because of %s, no error counted", id, p.NextCheckAt, p.NextCheckReason, p.ConsecutiveErrors, tc.after, tc.why)
				}
			}
			for _, id := range okIDs {
				if p := parcel(t, st, tn.ID, id); p.Status != "in_transit" || p.LastCheckedAt.IsZero() {
					t.Fatalf("healthy carrier's parcel %d not checked: %+v", id, p)
				}
			}
		})
	}
}

func parcel(t *testing.T, st store.Store, tenantID, id int64) shipment.Parcel {
	t.Helper()
	p, err := st.GetParcel(context.Background(), tenantID, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runFor runs tr until cond holds (or 10 s pass), then stops it gracefully.
func runFor(t *testing.T, tr *tracker.Tracker, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !cond() {
		t.Fatal("condition not reached within 10s")
	}
}

// oldNews answers with one event long past.
type oldNews struct{ at time.Time }

func (o oldNews) Slug() string           { return "old" }
func (o oldNews) Limits() carrier.Limits { return carrier.Limits{BatchSize: 10} }
func (o oldNews) Track(_ context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	out := make([]carrier.Result, len(reqs))
	for i, r := range reqs {
		out[i] = carrier.Result{TrackingNumber: r.TrackingNumber, Found: true, Events: []shipment.Event{{
			Time: o.at, OffsetSource: shipment.OffsetNone, Code: "AR", Text: "Arrived",
			Status: "in_transit", Substatus: "in_transit.arrived_facility"}}}
	}
	return out, nil
}

// A parcel whose first check shows only news older than the expiry period
// expires at once, with its expiry event dated when it expired.
func TestTrackerExpiresOnFirstCheck(t *testing.T) {
	now := time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := openSQLite(t, clock)
	ctx := t.Context()
	tn := shipment.Tenant{Slug: "shop"}
	sh := shipment.Shipment{DestinationCountry: "US"}
	if err := errors.Join(st.CreateTenant(ctx, &tn), st.CreateShipment(ctx, tn.ID, &sh)); err != nil {
		t.Fatal(err)
	}
	p := shipment.Parcel{ShipmentID: sh.ID, Carrier: "old", TrackingNumber: "OLD123", Leg: 2}
	if err := st.CreateParcel(ctx, tn.ID, &p); err != nil {
		t.Fatal(err)
	}
	last := now.Add(-20 * 24 * time.Hour)
	var checks atomic.Int64
	tr, err := tracker.New(tracker.Config{Store: st, Now: clock, Idle: 5 * time.Millisecond, Logger: quietLog,
		Policy:     tracker.Policy{ExpireAfter: 14 * 24 * time.Hour},
		Connectors: map[string]carrier.Connector{"old": oldNews{at: last}},
		OnCheck:    func(tracker.Check) { checks.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	runFor(t, tr, func() bool { return checks.Load() >= 1 })
	got, err := st.GetShipment(ctx, tn.ID, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Substatus != "expired.expired" || !got.StatusAt.Equal(last.Add(14*24*time.Hour)) {
		t.Fatalf("shipment %s at %s, want expired at %s", got.Substatus, got.StatusAt, last.Add(14*24*time.Hour))
	}
	if pp := parcel(t, st, tn.ID, p.ID); !pp.NextCheckAt.IsZero() || pp.NextCheckReason != tracker.ReasonExpired {
		t.Fatalf("parcel still scheduled: %s (%s)", pp.NextCheckAt, pp.NextCheckReason)
	}
}
