package tracker

import (
	"fmt"
	"time"

	"github.com/waypost/waypost/status"
)

// Policy chooses when a parcel is checked next. It is a pure function of
// its settings and a State, so the whole schedule is one table of cases
// (policy_test.go) and the same on every node.
//
// Durations are in the tracker's clock: real time in production, simulated
// time in the demo and the sandbox runs.
type Policy struct {
	// ExpireAfter stops tracking a parcel that has shown no new event (or
	// none at all) for this long. Default 30 days.
	ExpireAfter time.Duration
	// LateCheck is the one extra check after a terminal status, for late
	// scans (a delivery photo, a corrected time). Default 24h.
	LateCheck time.Duration
	// MinInterval and MaxInterval bound every interval except backoff caps.
	// Defaults 10 minutes and 24 hours.
	MinInterval, MaxInterval time.Duration
	// MaxBackoff caps the wait after repeated errors. Default 6h.
	MaxBackoff time.Duration
}

// DefaultPolicy returns the policy with its documented defaults.
func DefaultPolicy() Policy {
	return Policy{}.withDefaults()
}

func (p Policy) withDefaults() Policy {
	if p.ExpireAfter <= 0 {
		p.ExpireAfter = 30 * 24 * time.Hour
	}
	if p.LateCheck <= 0 {
		p.LateCheck = 24 * time.Hour
	}
	if p.MinInterval <= 0 {
		p.MinInterval = 10 * time.Minute
	}
	if p.MaxInterval <= 0 {
		p.MaxInterval = 24 * time.Hour
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 6 * time.Hour
	}
	return p
}

// State is what the policy knows about a parcel right after a check (or a
// push).
type State struct {
	Now       time.Time
	CreatedAt time.Time
	// Substatus is the parcel's status after the check; the status is
	// derived from it.
	Substatus status.Substatus
	// StatusAt is when the current status was reached; LastEventAt the
	// latest status-bearing event; both zero without events.
	StatusAt, LastEventAt time.Time
	// Found is false while the carrier does not know the number.
	Found bool
	// Failed is true when the check itself failed; ConsecutiveErrors then
	// counts this failure too.
	Failed            bool
	ConsecutiveErrors int
	// RetryAfter is a wait the carrier asked for (429/503), zero if none.
	RetryAfter time.Duration
	// LateChecked is true when the late check after a terminal status has
	// been made (the previous check already saw the terminal status).
	LateChecked bool
	// Stretch multiplies the status-based interval to spread a carrier's
	// daily quota (1 or less: no stretch).
	Stretch float64
	// Jitter in [0, 1) spreads parcels that would all fall due at the same
	// instant; derive it from the parcel ID so the result stays pure.
	Jitter float64
}

// Decision is when to check next and why. A zero At means never again.
type Decision struct {
	At     time.Time
	Reason string
}

// Stop reports whether the parcel is no longer scheduled.
func (d Decision) Stop() bool { return d.At.IsZero() }

// Reasons given in decisions. Stored with the parcel so users can see why
// it is due when it is.
const (
	ReasonNew        = "new parcel: checking soon after creation"
	ReasonNotFound   = "not found yet"
	ReasonBackoff    = "backoff after errors"
	ReasonRetryAfter = "carrier asked to retry later"
	ReasonTerminal   = "final status: one late check for late scans"
	ReasonDone       = "final status: tracking complete"
	ReasonExpired    = "no new data: expired"
	ReasonQuiet      = "no news for days: checking rarely"
)

// terminal reports whether the substatus ends a journey: nothing more is
// expected but late scans.
func terminal(s status.Substatus) bool {
	switch s {
	case status.ExceptionReturned, status.ExceptionCancelled, status.ExceptionDisposed:
		return true
	}
	return s.Status() == status.Delivered || s.Status() == status.Expired
}

// Terminal reports whether a parcel in this substatus is done.
func Terminal(s status.Substatus) bool { return terminal(s) }

// statusInterval is the base interval for a substatus and why: short
// around milestones where the next scan is close, long where the next
// scan is days away.
func statusInterval(s status.Substatus) (time.Duration, string) {
	switch s {
	case status.OutForDeliveryOutForDelivery, status.OutForDeliveryCustomerContacted,
		status.OutForDeliveryAppointmentScheduled:
		return 45 * time.Minute, "out for delivery: delivery expected within hours"
	case status.InTransitArrivedDestinationCountry, status.InTransitCustomsProcessing:
		return 2 * time.Hour, "customs milestone: release or hold expected soon"
	case status.ExceptionCustomsHeld, status.ExceptionDutiesDue, status.ExceptionDocumentsRequired:
		return 6 * time.Hour, "held in customs: waiting for duties or documents"
	case status.InTransitCustomsCleared, status.InTransitHandedOver:
		return 3 * time.Hour, "cleared or handed over: last-mile scans expected soon"
	case status.InTransitDepartedOriginCountry:
		return 18 * time.Hour, "left the origin country: next arrival is days away"
	case status.InfoReceivedInfoReceived:
		return 6 * time.Hour, "label created: waiting for pickup"
	case status.AttemptFailRecipientUnavailable, status.AttemptFailBusinessClosed,
		status.AttemptFailAddressIssue, status.AttemptFailOther:
		return 4 * time.Hour, "delivery attempt failed: next attempt or pickup notice expected"
	case status.AvailableForPickupAvailableForPickup:
		return 8 * time.Hour, "waiting for pickup"
	case status.InTransitDelayed, status.ExceptionDelayed:
		return 8 * time.Hour, "delayed"
	case status.ExceptionReturning:
		return 12 * time.Hour, "returning to sender"
	}
	switch s.Status() {
	case status.InTransit:
		return 6 * time.Hour, "in transit"
	case status.Exception:
		return 4 * time.Hour, "exception: watching for resolution"
	}
	return 6 * time.Hour, "in transit"
}

// Next decides the next check.
func (p Policy) Next(st State) Decision {
	p = p.withDefaults()
	now := st.Now
	jitter := func(d time.Duration) time.Duration {
		// Up to +10%, so parcels created together drift apart.
		return d + time.Duration(float64(d)*0.1*st.Jitter)
	}
	// Expiry: nothing new for ExpireAfter (since creation when there was
	// never any event). Applies before errors so a dead number stops.
	lastNews := st.LastEventAt
	if lastNews.IsZero() {
		lastNews = st.CreatedAt
	}
	if !terminal(st.Substatus) && !lastNews.IsZero() && now.Sub(lastNews) >= p.ExpireAfter {
		return Decision{Reason: ReasonExpired}
	}
	if st.Failed {
		n := max(st.ConsecutiveErrors, 1)
		d := p.MinInterval / 2
		for i := 1; i < n && d < p.MaxBackoff; i++ {
			d *= 2
		}
		d = min(d, p.MaxBackoff)
		reason := fmt.Sprintf("%s (%d in a row)", ReasonBackoff, n)
		if st.RetryAfter > d {
			d, reason = st.RetryAfter, ReasonRetryAfter
		}
		return Decision{At: now.Add(jitter(d)), Reason: reason}
	}
	if st.RetryAfter > 0 {
		return Decision{At: now.Add(jitter(st.RetryAfter)), Reason: ReasonRetryAfter}
	}
	if terminal(st.Substatus) {
		if st.LateChecked {
			return Decision{Reason: ReasonDone}
		}
		return Decision{At: now.Add(jitter(p.LateCheck)), Reason: ReasonTerminal}
	}
	if !st.Found || st.LastEventAt.IsZero() {
		// Labels are often printed before the carrier has data: look again
		// quickly at first, then less and less often.
		age := now.Sub(st.CreatedAt)
		var d time.Duration
		switch {
		case age < time.Hour:
			d = 15 * time.Minute
		case age < 6*time.Hour:
			d = time.Hour
		case age < 48*time.Hour:
			d = 3 * time.Hour
		default:
			d = 8 * time.Hour
		}
		reason := ReasonNotFound
		if age < time.Hour {
			reason = ReasonNew
		}
		return Decision{At: now.Add(p.clamp(jitter(stretch(d, st.Stretch)))), Reason: reason}
	}
	d, reason := statusInterval(st.Substatus)
	// The longer a parcel sits in one state, the less likely the next scan
	// is imminent: wait half the time it has been sitting, when longer.
	if still := now.Sub(st.StatusAt); still/2 > d && st.Substatus.Status() != status.OutForDelivery {
		d = still / 2
	}
	// A parcel silent for days is probably stuck (on a ship, in a customs
	// queue): check it rarely.
	if quiet := now.Sub(st.LastEventAt); quiet > 3*24*time.Hour {
		d, reason = max(d, p.MaxInterval), ReasonQuiet
	}
	return Decision{At: now.Add(p.clamp(jitter(stretch(d, st.Stretch)))), Reason: reason}
}

func (p Policy) clamp(d time.Duration) time.Duration {
	return min(max(d, p.MinInterval), p.MaxInterval)
}

func stretch(d time.Duration, f float64) time.Duration {
	if f <= 1 {
		return d
	}
	return time.Duration(float64(d) * f)
}

// jitterOf maps a parcel ID to [0, 1) deterministically.
func jitterOf(id int64) float64 {
	x := uint64(id) * 0x9E3779B97F4A7C15
	return float64(x>>11) / float64(1<<53)
}
