package carrier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Every error the HTTP layer or a connector returns for a
// carrier-side failure wraps exactly one of them, so callers branch with
// errors.Is and read the details with errors.As(err, new(*Error)).
var (
	// ErrAuth: the carrier refused the credentials (bad client id/secret,
	// revoked key, token refused after one refresh).
	ErrAuth = errors.New("carrier: authentication failed")
	// ErrRateLimited: the carrier answered 429 (or our own limiter could not
	// grant a slot before the deadline). Error.RetryAfter says when to come
	// back when the carrier said so.
	ErrRateLimited = errors.New("carrier: rate limited")
	// ErrQuotaExhausted: the daily request quota configured for the carrier
	// is used up. Error.ResetAt is the start of the next UTC day.
	ErrQuotaExhausted = errors.New("carrier: daily quota exhausted")
	// ErrCircuitOpen: the circuit breaker of the carrier is open after
	// repeated failures; no request was sent.
	ErrCircuitOpen = errors.New("carrier: circuit open")
	// ErrBadResponse: the carrier answered something we cannot read
	// (malformed or truncated JSON, unexpected shape).
	ErrBadResponse = errors.New("carrier: bad response")
	// ErrResponseTooLarge: the answer exceeded the configured size limit.
	ErrResponseTooLarge = errors.New("carrier: response too large")
	// ErrTimeout: the carrier did not answer in time, after retries.
	ErrTimeout = errors.New("carrier: timeout")
	// ErrUnavailable: the carrier failed with 5xx or a network error, after
	// retries.
	ErrUnavailable = errors.New("carrier: unavailable")
	// ErrRejected: the carrier rejected the request itself (4xx other than
	// 401/429), e.g. an invalid tracking number.
	ErrRejected = errors.New("carrier: request rejected")
	// ErrConfig: the connector is missing configuration or is unknown.
	ErrConfig = errors.New("carrier: configuration")
)

// codes gives each sentinel a stable, machine-readable code for logs,
// metrics, API answers and the parcel's last_error column.
var codes = []struct {
	err  error
	code string
}{
	{ErrAuth, "auth"},
	{ErrRateLimited, "rate_limited"},
	{ErrQuotaExhausted, "quota_exhausted"},
	{ErrCircuitOpen, "circuit_open"},
	{ErrBadResponse, "bad_response"},
	{ErrResponseTooLarge, "response_too_large"},
	{ErrTimeout, "timeout"},
	{ErrUnavailable, "unavailable"},
	{ErrRejected, "rejected"},
	{ErrConfig, "config"},
}

// ErrorCode returns the stable code of err ("auth", "rate_limited", ...),
// "canceled" for a cancelled context, "" for nil and "internal" otherwise.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "internal"
}

// Error is a carrier failure with its context. Kind is one of the sentinel
// errors above; Err is the underlying cause, if any.
type Error struct {
	Kind        error
	Carrier     string        // connector slug, e.g. "ups"
	Op          string        // "token", "track", ...
	HTTPStatus  int           // 0 when no HTTP answer was received
	CarrierCode string        // the carrier's own error code, e.g. "TV1002"
	Message     string        // the carrier's own error message
	RetryAfter  time.Duration // carrier-requested wait (429/503), 0 if none
	ResetAt     time.Time     // for ErrQuotaExhausted: when the quota resets
	Err         error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Carrier)
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Kind.Error(), "carrier: "))
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.CarrierCode != "" || e.Message != "" {
		b.WriteString(": ")
		if e.CarrierCode != "" {
			b.WriteString(e.CarrierCode)
			if e.Message != "" {
				b.WriteString(" ")
			}
		}
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	if !e.ResetAt.IsZero() {
		fmt.Fprintf(&b, "; resets at %s", e.ResetAt.UTC().Format(time.RFC3339))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes both the kind and the cause to errors.Is / errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}
