package sandbox

import (
	"time"
)

// Faults are the failures a carrier host produces on demand. Shares are in
// [0, 1] and drawn per tracking call from the host's seeded random stream;
// windows are in simulated time. The zero value is a healthy carrier with
// no rate limit.
type Faults struct {
	// RateLimit is the sustained rate of requests per real second the host
	// accepts (0: unlimited), Burst its bucket. Requests beyond it get 429
	// with Retry-After.
	RateLimit float64
	Burst     int
	// RetryAfter is announced with every 429 and 503 (whole seconds, at
	// least 1; default 1s). During a storm it is the storm's remaining
	// length when that is longer.
	RetryAfter time.Duration
	// Storms are windows during which every request gets 429.
	Storms []Window
	// Down are windows during which the carrier answers 503 (or drops the
	// connection when DropConnections is set).
	Down            []Window
	DropConnections bool
	// ServerErrors is the share of tracking calls answered with a 5xx.
	ServerErrors float64
	// Slow is the share of tracking calls delayed by SlowDelay (real time).
	Slow      float64
	SlowDelay time.Duration
	// Truncated is the share of tracking answers cut short; Broken the
	// share replaced by a proxy's HTML error page with status 200.
	Truncated float64
	Broken    float64
	// TokenTTL is how long issued OAuth tokens really last (real time),
	// whatever the token answer announces; 0 means as announced. Shorter
	// than announced makes clients meet expired tokens (401) and refresh.
	TokenTTL time.Duration
}

// Window is a span of simulated time [From, To).
type Window struct{ From, To time.Time }

// Contains reports whether t is inside the window.
func (w Window) Contains(t time.Time) bool { return !t.Before(w.From) && t.Before(w.To) }

// Fault is a one-shot failure queued with Server.Inject.
type Fault int

// One-shot faults, applied to the next tracking calls in order.
const (
	FaultRateLimit    Fault = iota + 1 // 429 with Retry-After
	FaultServerError                   // 500 in the carrier's error shape
	FaultUnavailable                   // 503 with Retry-After
	FaultSlow                          // answer after Faults.SlowDelay (default 2s)
	FaultTruncated                     // the answer cut in the middle
	FaultBroken                        // an HTML error page with status 200
	FaultDrop                          // connection closed without an answer
	FaultUnauthorized                  // 401 as if the token had expired
)

var faultNames = map[Fault]string{
	FaultRateLimit: "rate_limit", FaultServerError: "server_error", FaultUnavailable: "unavailable",
	FaultSlow: "slow", FaultTruncated: "truncated", FaultBroken: "broken", FaultDrop: "drop",
	FaultUnauthorized: "unauthorized",
}

func (f Fault) String() string {
	if n, ok := faultNames[f]; ok {
		return n
	}
	return "unknown"
}

// brokenPage is what a failing proxy in front of a carrier returns.
const brokenPage = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p></body></html>\n"
