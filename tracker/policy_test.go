package tracker

import (
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/status"
)

func TestPolicyNext(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	h := time.Hour
	day := 24 * h
	p := DefaultPolicy()
	seen := func(sub status.Substatus, statusAgo, lastAgo time.Duration) State {
		return State{Now: now, CreatedAt: now.Add(-10 * day), Substatus: sub, Found: true,
			StatusAt: now.Add(-statusAgo), LastEventAt: now.Add(-lastAgo)}
	}
	tests := []struct {
		name   string
		st     State
		want   time.Duration // from now; -1: stop
		reason string        // substring of the reason
	}{
		{"new, not found", State{Now: now, CreatedAt: now.Add(-5 * time.Minute)}, 15 * time.Minute, ReasonNew},
		{"not found after 3h", State{Now: now, CreatedAt: now.Add(-3 * h)}, h, ReasonNotFound},
		{"not found after a day", State{Now: now, CreatedAt: now.Add(-day)}, 3 * h, ReasonNotFound},
		{"not found after a week", State{Now: now, CreatedAt: now.Add(-7 * day)}, 8 * h, ReasonNotFound},
		{"never found for 30 days expires", State{Now: now, CreatedAt: now.Add(-30 * day)}, -1, ReasonExpired},
		{"label only", seen(status.InfoReceivedInfoReceived, h, h), 6 * h, "label"},
		{"out for delivery", seen(status.OutForDeliveryOutForDelivery, h, h), 45 * time.Minute, "out for delivery"},
		{"customs processing", seen(status.InTransitCustomsProcessing, h, h), 2 * h, "customs"},
		{"customs held", seen(status.ExceptionCustomsHeld, h, h), 6 * h, "customs"},
		{"duties due", seen(status.ExceptionDutiesDue, h, h), 6 * h, "duties"},
		{"customs cleared", seen(status.InTransitCustomsCleared, h, h), 3 * h, "cleared"},
		{"on a ship or plane", seen(status.InTransitDepartedOriginCountry, h, h), 18 * h, "days away"},
		{"facility scan", seen(status.InTransitArrivedFacility, h, h), 6 * h, "in transit"},
		{"sitting still for 20h: half of it", seen(status.InTransitArrivedFacility, 20*h, 20*h), 10 * h, "in transit"},
		{"out for delivery for 6h: no stretch", seen(status.OutForDeliveryOutForDelivery, 6*h, 6*h), 45 * time.Minute, "out for delivery"},
		{"attempt failed", seen(status.AttemptFailRecipientUnavailable, h, h), 4 * h, "attempt failed"},
		{"waiting for pickup", seen(status.AvailableForPickupAvailableForPickup, h, h), 8 * h, "pickup"},
		{"silent for 10 days", seen(status.InTransitDepartedOriginCountry, 10*day, 10*day), 24 * h, ReasonQuiet},
		{"silent for 4 days: clamped to the maximum", seen(status.InTransitArrivedFacility, 4*day, 4*day), 24 * h, ReasonQuiet},
		{"silent for 30 days expires", seen(status.InTransitDepartedOriginCountry, 30*day, 30*day), -1, ReasonExpired},
		{"delivered: one late check", seen(status.DeliveredSigned, h, h), 24 * h, ReasonTerminal},
		{"delivered long ago is not expired", seen(status.DeliveredDelivered, 40*day, 40*day), 24 * h, ReasonTerminal},
		{"returned: one late check", seen(status.ExceptionReturned, h, h), 24 * h, ReasonTerminal},
		{"after the late check: stop", func() State { s := seen(status.DeliveredDelivered, 25*h, 25*h); s.LateChecked = true; return s }(), -1, ReasonDone},
		{"returning is not final", seen(status.ExceptionReturning, h, h), 12 * h, "returning"},
		{"first error", func() State {
			s := seen(status.InTransitArrivedFacility, h, h)
			s.Failed, s.ConsecutiveErrors = true, 1
			return s
		}(), 5 * time.Minute, ReasonBackoff},
		{"third error doubles twice", func() State {
			s := seen(status.InTransitArrivedFacility, h, h)
			s.Failed, s.ConsecutiveErrors = true, 3
			return s
		}(), 20 * time.Minute, ReasonBackoff},
		{"many errors cap at 6h", func() State {
			s := seen(status.InTransitArrivedFacility, h, h)
			s.Failed, s.ConsecutiveErrors = true, 40
			return s
		}(), 6 * h, ReasonBackoff},
		{"retry-after longer than backoff", func() State {
			s := seen(status.InTransitArrivedFacility, h, h)
			s.Failed, s.ConsecutiveErrors, s.RetryAfter = true, 1, 2*h
			return s
		}(), 2 * h, ReasonRetryAfter},
		{"quota stretch", func() State { s := seen(status.InTransitArrivedFacility, h, h); s.Stretch = 3; return s }(), 18 * h, "in transit"},
		{"stretch stays under the maximum", func() State { s := seen(status.InTransitDepartedOriginCountry, h, h); s.Stretch = 5; return s }(), 24 * h, "days away"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := p.Next(tc.st)
			if tc.want < 0 {
				if !d.Stop() {
					t.Fatalf("got next check in %s (%s), want stop", d.At.Sub(now), d.Reason)
				}
			} else if got := d.At.Sub(now); got != tc.want {
				t.Fatalf("got next check in %s (%s), want %s", got, d.Reason, tc.want)
			}
			if !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("reason %q does not mention %q", d.Reason, tc.reason)
			}
		})
	}
}

func TestPolicyJitterSpreads(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	p := DefaultPolicy()
	seen := map[time.Time]bool{}
	for id := int64(1); id <= 100; id++ {
		d := p.Next(State{Now: now, CreatedAt: now, Jitter: jitterOf(id)})
		if d.At.Before(now.Add(15*time.Minute)) || d.At.After(now.Add(16*time.Minute+30*time.Second)) {
			t.Fatalf("parcel %d: %s outside [15m, 16m30s]", id, d.At.Sub(now))
		}
		seen[d.At] = true
	}
	if len(seen) < 90 {
		t.Fatalf("only %d distinct due times for 100 parcels", len(seen))
	}
}

func TestPolicyCustomExpiry(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	p := Policy{ExpireAfter: 7 * 24 * time.Hour}
	if d := p.Next(State{Now: now, CreatedAt: now.Add(-8 * 24 * time.Hour)}); !d.Stop() || d.Reason != ReasonExpired {
		t.Fatalf("got %+v, want expiry after 7 days", d)
	}
	if d := p.Next(State{Now: now, CreatedAt: now.Add(-6 * 24 * time.Hour)}); d.Stop() {
		t.Fatalf("expired after 6 days with a 7-day setting")
	}
}
