package shop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// RetryableError is a failure worth retrying: a 429 or 5xx answer, a
// timeout, a connection that failed. After is the shop's Retry-After, if
// it sent one.
type RetryableError struct {
	Err   error
	After time.Duration
}

func (e *RetryableError) Error() string { return e.Err.Error() }
func (e *RetryableError) Unwrap() error { return e.Err }

// StatusError is a non-2xx answer from a shop's API.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string // the start of the answer, for the log
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Body)
}

// IsRetryable reports whether err is worth retrying and after how long
// the shop asked to wait (0: it did not say).
func IsRetryable(err error) (time.Duration, bool) {
	var r *RetryableError
	if errors.As(err, &r) {
		return r.After, true
	}
	return 0, false
}

// Do sends req and returns the body of a 2xx answer (at most 8 MiB). 429,
// 408 and 5xx answers and transport failures are RetryableError; other
// answers are StatusError. Neither message contains the request's
// credentials: only the method and the path are named.
func Do(client *http.Client, req *http.Request) ([]byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may carry nothing secret, but keep messages short
		}
		return nil, &RetryableError{Err: fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, &RetryableError{Err: fmt.Errorf("%s %s: read answer: %w", req.Method, req.URL.Path, err)}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return body, nil
	}
	snippet := string(body)
	if len(snippet) > 200 {
		snippet = snippet[:200]
	}
	se := &StatusError{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, Body: snippet}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500 {
		return nil, &RetryableError{Err: se, After: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	return nil, se
}

// retryAfter reads a Retry-After header: seconds (Shopify sends "2.0") or
// an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 {
		return time.Duration(f * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// SafeTransport reports whether credentials may be sent to u: over HTTPS,
// or in clear only to a loopback address (a shop on the same machine, a
// test). Basic auth and tokens must not cross a network in clear.
func SafeTransport(u *url.URL) bool {
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return u.Scheme == "http" && ip != nil && ip.IsLoopback()
}
