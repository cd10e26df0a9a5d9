package carrier

import (
	"context"
	"errors"

	"github.com/sony/gobreaker/v2"
)

// Breaker verdicts passed to gobreaker's done callback.
var (
	errExcluded    = errors.New("carrier: not counted by the breaker")
	errCarrierDown = errors.New("carrier: failed attempt")
)

// newBreaker returns the circuit breaker of one carrier: it opens after
// cfg.BreakerFailures consecutive failed attempts, lets one probe through
// after cfg.BreakerOpenFor, and closes when that probe succeeds.
func newBreaker(cfg ClientConfig) *gobreaker.TwoStepCircuitBreaker[struct{}] {
	cfg.Metrics.breakerState(cfg.Carrier, int(gobreaker.StateClosed))
	return gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        cfg.Carrier,
		MaxRequests: 1,
		Timeout:     cfg.BreakerOpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= cfg.BreakerFailures
		},
		OnStateChange: func(name string, from, to gobreaker.State) {
			cfg.Metrics.breakerState(name, int(to))
			if cfg.Logger != nil {
				cfg.Logger.Info("carrier circuit breaker", "carrier", name, "from", from.String(), "to", to.String())
			}
		},
		IsExcluded: func(err error) bool { return errors.Is(err, errExcluded) },
	})
}

// breakerVerdict decides how an attempt counts: network errors, timeouts
// and 5xx are failures; any other answer shows the carrier is up, except
// 429 and oversized answers, which say nothing about its health; a caller's
// cancellation is not counted either.
func breakerVerdict(resp *HTTPResponse, err error, parent context.Context) error {
	switch {
	case parent.Err() != nil:
		return errExcluded
	case errors.Is(err, ErrResponseTooLarge):
		return errExcluded
	case errors.Is(err, ErrTimeout):
		return errCarrierDown
	case resp == nil && err != nil:
		return errCarrierDown
	case resp != nil && resp.Status >= 500:
		return errCarrierDown
	case resp != nil && resp.Status == 429:
		return errExcluded
	}
	return nil
}
