package carrier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/sony/gobreaker/v2"
	"golang.org/x/time/rate"
)

// ClientConfig configures the HTTP layer of one connector. Zero fields take
// the defaults noted.
type ClientConfig struct {
	// Carrier labels logs, metrics and errors (the connector's slug).
	Carrier string
	// Auth puts credentials on each request; nil sends none.
	Auth Auth
	// Limits paces requests (RequestsPerSecond, Burst) and counts the daily
	// quota (RequestsPerDay). BatchSize is not used here.
	Limits Limits
	// Timeout bounds one attempt, answer body included (default 20s).
	Timeout time.Duration
	// MaxAttempts bounds the tries of one request (default 4); MaxElapsed
	// bounds the time spent on it, waits included (default 60s).
	MaxAttempts int
	MaxElapsed  time.Duration
	// BaseDelay and MaxDelay shape the exponential backoff with full jitter
	// (defaults 250ms and 8s). A carrier's Retry-After overrides it upwards.
	BaseDelay, MaxDelay time.Duration
	// MaxBodyBytes limits the answer size (default 8 MiB).
	MaxBodyBytes int64
	// BreakerFailures consecutive failed attempts (network errors,
	// timeouts, 5xx) open the circuit (default 5); it half-opens after
	// BreakerOpenFor (default 30s) and closes after one good answer.
	BreakerFailures uint32
	BreakerOpenFor  time.Duration
	// DecodeError extracts the carrier's error code and message from an
	// error body; nil leaves them empty.
	DecodeError func(body []byte) (code, message string)
	// UserAgent is sent on every request (default "waypost").
	UserAgent string

	Transport http.RoundTripper // default: a clone of http.DefaultTransport
	Logger    *slog.Logger      // default: discard
	Metrics   *Metrics          // default: none
	// Now is the clock of the quota and token expiry (default time.Now).
	Now func() time.Time
}

// ClientConfigFrom fills the common fields of a ClientConfig from a
// connector's Config and default limits.
func ClientConfigFrom(cfg Config, def Limits) ClientConfig {
	return ClientConfig{
		Carrier:   cfg.Slug,
		Limits:    cfg.Limits(def),
		Timeout:   time.Duration(cfg.Timeout),
		Transport: cfg.Transport,
		Logger:    cfg.Logger,
		Metrics:   cfg.Metrics,
	}
}

// DefaultMaxBodyBytes is the default answer size limit.
const DefaultMaxBodyBytes = 8 << 20

// Client is the one HTTP layer every connector uses: authentication (API
// key, basic, OAuth2 client credentials with a shared token cache), rate
// limit, daily quota, retries with backoff honouring Retry-After, a circuit
// breaker, timeouts, an answer size limit, metrics and logs without secrets.
type Client struct {
	cfg     ClientConfig
	hc      *http.Client
	log     *slog.Logger
	limiter *rate.Limiter
	quota   *quota
	breaker *gobreaker.TwoStepCircuitBreaker[struct{}]
}

// NewClient returns a client for one carrier.
func NewClient(cfg ClientConfig) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 4
	}
	if cfg.MaxElapsed <= 0 {
		cfg.MaxElapsed = time.Minute
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 250 * time.Millisecond
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 8 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.BreakerFailures == 0 {
		cfg.BreakerFailures = 5
	}
	if cfg.BreakerOpenFor <= 0 {
		cfg.BreakerOpenFor = 30 * time.Second
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "waypost"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Auth == nil {
		cfg.Auth = NoAuth{}
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	c := &Client{
		cfg: cfg,
		// Redirects are not followed: carrier APIs do not redirect, and a
		// redirect must not carry credentials to another host.
		hc: &http.Client{Transport: cfg.Transport, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		log: cfg.Logger,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if l := cfg.Limits; l.RequestsPerSecond > 0 {
		burst := l.Burst
		if burst <= 0 {
			burst = max(1, int(l.RequestsPerSecond))
		}
		c.limiter = rate.NewLimiter(rate.Limit(l.RequestsPerSecond), burst)
	}
	if cfg.Limits.RequestsPerDay > 0 {
		c.quota = &quota{limit: cfg.Limits.RequestsPerDay}
		cfg.Metrics.quotaRemaining(cfg.Carrier, cfg.Limits.RequestsPerDay)
	}
	c.breaker = newBreaker(cfg)
	if b, ok := cfg.Auth.(binder); ok {
		b.bind(c)
	}
	return c
}

func (c *Client) now() time.Time { return c.cfg.Now() }

// HTTPRequest is one call to a carrier API. The body is a byte slice so the
// request can be replayed on retry.
type HTTPRequest struct {
	Op     string // short name for logs and metrics, e.g. "track"
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// HTTPResponse is a carrier's answer, read in full (within MaxBodyBytes).
type HTTPResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req with authentication, pacing, quota, retries and the circuit
// breaker. A 2xx answer returns a nil error. Any other final answer returns
// both the response (so a connector can read a per-number error from it)
// and an *Error whose kind follows the status: 401/403 ErrAuth, 429
// ErrRateLimited, 5xx ErrUnavailable, other 4xx ErrRejected.
//
// Timeouts, network errors, 429 and 5xx are retried with exponential backoff
// and full jitter, waiting at least as long as Retry-After says, within
// MaxAttempts and MaxElapsed. A 401 invalidates a cached OAuth token and is
// retried once. Tracking calls are reads, so POSTs are retried as well.
func (c *Client) Do(ctx context.Context, req HTTPRequest) (*HTTPResponse, error) {
	start := c.now()
	refreshed := false
	for attempt := 1; ; attempt++ {
		if err := c.admit(ctx, req.Op); err != nil {
			return nil, err
		}
		resp, used, err := c.attempt(ctx, req)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return resp, fmt.Errorf("carrier %s %s: %w", c.cfg.Carrier, req.Op, ctx.Err())
		}
		if resp != nil && resp.Status == http.StatusUnauthorized && !refreshed {
			if inv, ok := c.cfg.Auth.(invalidator); ok {
				// The token may have been revoked or expired early: fetch a
				// new one and try once more, outside the attempt budget.
				refreshed = true
				inv.invalidate(used)
				c.cfg.Metrics.retry(c.cfg.Carrier, "unauthorized")
				attempt--
				continue
			}
		}
		reason, retryable := retryReason(resp, err)
		if !retryable || attempt >= c.cfg.MaxAttempts {
			return resp, err
		}
		wait := backoff(attempt, c.cfg.BaseDelay, c.cfg.MaxDelay)
		var ce *Error
		if errors.As(err, &ce) && ce.RetryAfter > wait {
			wait = ce.RetryAfter
		}
		if c.now().Add(wait).Sub(start) > c.cfg.MaxElapsed {
			// The caller reschedules with Error.RetryAfter instead.
			return resp, err
		}
		if d, ok := ctx.Deadline(); ok && c.now().Add(wait).After(d) {
			return resp, err
		}
		c.cfg.Metrics.retry(c.cfg.Carrier, reason)
		c.log.DebugContext(ctx, "carrier retry", "carrier", c.cfg.Carrier, "op", req.Op,
			"attempt", attempt, "reason", reason, "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return resp, fmt.Errorf("carrier %s %s: %w", c.cfg.Carrier, req.Op, err)
		}
	}
}

// admit applies the daily quota, the rate limiter and the circuit breaker
// state before an attempt.
func (c *Client) admit(ctx context.Context, op string) error {
	if c.breaker.State() == gobreaker.StateOpen {
		return &Error{Kind: ErrCircuitOpen, Carrier: c.cfg.Carrier, Op: op}
	}
	if c.quota != nil {
		left, resetAt, ok := c.quota.take(c.now())
		c.cfg.Metrics.quotaRemaining(c.cfg.Carrier, left)
		if !ok {
			return &Error{Kind: ErrQuotaExhausted, Carrier: c.cfg.Carrier, Op: op, ResetAt: resetAt,
				RetryAfter: resetAt.Sub(c.now())}
		}
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("carrier %s %s: %w", c.cfg.Carrier, op, ctx.Err())
			}
			return &Error{Kind: ErrRateLimited, Carrier: c.cfg.Carrier, Op: op,
				Message: "local rate limit: no slot before the deadline", Err: err}
		}
	}
	return nil
}

// attempt makes one authorised call through the breaker. It returns the
// Authorization value used, so a 401 can invalidate exactly that token.
func (c *Client) attempt(ctx context.Context, req HTTPRequest) (*HTTPResponse, string, error) {
	done, err := c.breaker.Allow()
	if err != nil {
		return nil, "", &Error{Kind: ErrCircuitOpen, Carrier: c.cfg.Carrier, Op: req.Op, Err: err}
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(actx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		done(errExcluded)
		return nil, "", &Error{Kind: ErrConfig, Carrier: c.cfg.Carrier, Op: req.Op, Err: err}
	}
	for k, v := range req.Header {
		hreq.Header[k] = v
	}
	if err := c.cfg.Auth.Authorize(actx, hreq); err != nil {
		done(errExcluded) // the API itself was not reached
		var ce *Error
		if errors.As(err, &ce) && ce.Carrier == "" {
			ce.Carrier = c.cfg.Carrier
		}
		return nil, "", err
	}
	used := hreq.Header.Get("Authorization")
	resp, err := c.send(actx, ctx, req.Op, hreq)
	done(breakerVerdict(resp, err, ctx))
	return resp, used, err
}

// send performs one HTTP exchange and classifies the outcome. actx bounds
// the attempt; parent is the caller's context, to tell our timeout from the
// caller's cancellation.
func (c *Client) send(actx, parent context.Context, op string, hreq *http.Request) (*HTTPResponse, error) {
	hreq.Header.Set("User-Agent", c.cfg.UserAgent)
	if hreq.Header.Get("Accept") == "" {
		hreq.Header.Set("Accept", "application/json")
	}
	start := time.Now()
	resp, err := c.exchange(hreq)
	status := 0
	if resp != nil {
		status = resp.Status
	}
	if err != nil {
		err = c.classifyTransport(actx, parent, op, status, err)
	} else if status < 200 || status > 299 {
		err = c.statusError(op, resp)
	}
	elapsed := time.Since(start)
	c.cfg.Metrics.request(c.cfg.Carrier, op, outcomeOf(status, err), status, elapsed)
	attrs := []any{"carrier", c.cfg.Carrier, "op", op, "method", hreq.Method,
		"url", redactURL(hreq.URL), "status", status, "duration", elapsed}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	c.log.DebugContext(parent, "carrier request", attrs...)
	return resp, err
}

// exchange sends the request and reads the body within the size limit.
func (c *Client) exchange(hreq *http.Request) (*HTTPResponse, error) {
	hresp, err := c.hc.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer hresp.Body.Close()
	out := &HTTPResponse{Status: hresp.StatusCode, Header: hresp.Header}
	limit := c.cfg.MaxBodyBytes
	if hresp.ContentLength > limit {
		return out, tooLarge(hresp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(hresp.Body, limit+1))
	if err != nil {
		return out, fmt.Errorf("reading answer: %w", err)
	}
	if int64(len(body)) > limit {
		return out, tooLarge(-1, limit)
	}
	out.Body = body
	return out, nil
}

type tooLargeError struct{ size, limit int64 }

func (e tooLargeError) Error() string {
	if e.size < 0 {
		return fmt.Sprintf("answer exceeds the %d-byte limit", e.limit)
	}
	return fmt.Sprintf("answer of %d bytes exceeds the %d-byte limit", e.size, e.limit)
}

func tooLarge(size, limit int64) error { return tooLargeError{size, limit} }

func (c *Client) classifyTransport(actx, parent context.Context, op string, status int, err error) error {
	e := &Error{Carrier: c.cfg.Carrier, Op: op, HTTPStatus: status, Err: err}
	var tl tooLargeError
	var ne net.Error
	switch {
	case errors.As(err, &tl):
		e.Kind = ErrResponseTooLarge
		e.Err = tl
	case parent.Err() != nil:
		return fmt.Errorf("carrier %s %s: %w", c.cfg.Carrier, op, parent.Err())
	case errors.Is(actx.Err(), context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		e.Kind = ErrTimeout
		e.Err = fmt.Errorf("no answer within %s: %w", c.cfg.Timeout, err)
	default:
		e.Kind = ErrUnavailable
	}
	return e
}

// statusError turns a non-2xx answer into an *Error.
func (c *Client) statusError(op string, resp *HTTPResponse) error {
	e := &Error{Carrier: c.cfg.Carrier, Op: op, HTTPStatus: resp.Status}
	switch s := resp.Status; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		e.Kind = ErrAuth
	case s == http.StatusTooManyRequests:
		e.Kind = ErrRateLimited
	case s >= 500:
		e.Kind = ErrUnavailable
	default:
		e.Kind = ErrRejected
	}
	if resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable {
		e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), c.now())
	}
	if c.cfg.DecodeError != nil {
		e.CarrierCode, e.Message = c.cfg.DecodeError(resp.Body)
	}
	return e
}

// redactURL drops the query (some carriers take keys there) and user info.
func redactURL(u *url.URL) string {
	v := *u
	v.User = nil
	v.RawQuery = ""
	v.ForceQuery = false
	return v.String()
}

// QuotaRemaining returns the requests left today and when the quota resets;
// ok is false when no daily quota is configured.
func (c *Client) QuotaRemaining() (left int, resetAt time.Time, ok bool) {
	if c.quota == nil {
		return 0, time.Time{}, false
	}
	left, resetAt = c.quota.remaining(c.now())
	return left, resetAt, true
}

// BreakerOpen reports whether the circuit breaker currently rejects calls.
func (c *Client) BreakerOpen() bool { return c.breaker.State() == gobreaker.StateOpen }
