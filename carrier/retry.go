package carrier

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryReason says whether a failed attempt is worth retrying, and why.
// Retried: timeouts, network errors, 429 and 5xx answers, and token fetches
// that failed for those reasons.
func retryReason(resp *HTTPResponse, err error) (string, bool) {
	switch {
	case errors.Is(err, ErrTimeout):
		return "timeout", true
	case errors.Is(err, ErrResponseTooLarge), errors.Is(err, ErrCircuitOpen),
		errors.Is(err, ErrQuotaExhausted), errors.Is(err, ErrConfig):
		return "", false
	case errors.Is(err, ErrRateLimited):
		return "rate_limited", true
	case errors.Is(err, ErrUnavailable):
		if resp != nil && resp.Status >= 500 {
			return "server_error", true
		}
		return "network", true
	}
	return "", false
}

// backoff is exponential backoff with full jitter: a uniform wait in
// [0, min(max, base·2^(attempt-1))]. Full jitter spreads the retries of many
// pollers hitting the same failing carrier.
func backoff(attempt int, base, maxDelay time.Duration) time.Duration {
	ceil := base
	for i := 1; i < attempt && ceil < maxDelay; i++ {
		ceil *= 2
	}
	ceil = min(ceil, maxDelay)
	return rand.N(ceil + 1)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ParseRetryAfter reads a Retry-After header (RFC 9110 §10.2.3): a number of
// seconds or an HTTP-date. It returns 0 when the header is absent, invalid
// or in the past.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
