package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/waypost/waypost/store"
)

// ErrPaused is returned by a Sender whose destination is paused: the
// dispatcher parks the message (state paused) until it is resumed.
var ErrPaused = errors.New("notify: destination paused")

// Receipt describes one attempt for the delivery log.
type Receipt struct {
	StatusCode int
	Response   string        // the start of the answer
	RetryAfter time.Duration // the receiver's Retry-After, if any
}

// Deliverer is a Sender that also describes each attempt; the dispatcher
// uses Deliver instead of Send when a Sender implements it.
type Deliverer interface {
	Deliver(ctx context.Context, m Message) (Receipt, error)
}

// OutcomeObserver is told the final outcome of each attempt after it is
// recorded (the webhook sender keeps endpoints' failure streaks with it).
type OutcomeObserver interface {
	Observe(ctx context.Context, m Message, ok, gaveUp bool)
}

// WebhookOptions configure a WebhookSender.
type WebhookOptions struct {
	Guard   *Guard
	Timeout time.Duration // per attempt; 0 means 10 s
	// MaxConnsPerHost bounds connections to one receiver; 0 means 64.
	MaxConnsPerHost int
	// PauseAfter pauses an endpoint whose every attempt failed for this
	// long; 0 means 24 h.
	PauseAfter time.Duration
	// PauseGaveUp pauses an endpoint after this many messages in a row
	// were given up; 0 means 5.
	PauseGaveUp int
	// Notice, when set, is called once when an endpoint is paused, e.g.
	// to enqueue an email to the tenant's admin.
	Notice func(ctx context.Context, e store.WebhookEndpoint)
	Log    *slog.Logger
	Now    func() time.Time
}

// WebhookSender delivers webhook messages: POST of the stored body to the
// endpoint named by the message's Target, signed with its secret.
type WebhookSender struct {
	st     store.Webhooks
	client *http.Client
	opts   WebhookOptions

	mu    sync.Mutex
	cache map[endpointKey]cachedEndpoint
}

type endpointKey struct{ tenant, id int64 }

type cachedEndpoint struct {
	e    store.WebhookEndpoint
	err  error
	read time.Time
}

// endpointTTL bounds how stale a cached endpoint (URL, secret, state) may
// be; reading it for every message would cost a query per delivery.
const endpointTTL = 2 * time.Second

// NewWebhookSender returns the webhook channel's Sender over st (which
// must implement store.Webhooks).
func NewWebhookSender(st store.Store, opts WebhookOptions) (*WebhookSender, error) {
	wh, ok := st.(store.Webhooks)
	if !ok {
		return nil, fmt.Errorf("notify: store %T has no webhook endpoints", st)
	}
	if opts.Guard == nil {
		g, _ := NewGuard(nil)
		opts.Guard = g
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxConnsPerHost <= 0 {
		opts.MaxConnsPerHost = 64
	}
	if opts.PauseAfter <= 0 {
		opts.PauseAfter = 24 * time.Hour
	}
	if opts.PauseGaveUp <= 0 {
		opts.PauseGaveUp = 5
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &WebhookSender{st: wh, client: opts.Guard.Client(opts.Timeout, opts.MaxConnsPerHost), opts: opts,
		cache: map[endpointKey]cachedEndpoint{}}, nil
}

// Channel implements Sender.
func (w *WebhookSender) Channel() Channel { return Webhook }

// Send implements Sender.
func (w *WebhookSender) Send(ctx context.Context, m Message) error {
	_, err := w.Deliver(ctx, m)
	return err
}

func (w *WebhookSender) endpoint(ctx context.Context, tenantID, id int64) (store.WebhookEndpoint, error) {
	k := endpointKey{tenantID, id}
	now := time.Now()
	w.mu.Lock()
	c, ok := w.cache[k]
	w.mu.Unlock()
	if ok && now.Sub(c.read) < endpointTTL {
		return c.e, c.err
	}
	e, err := w.st.GetWebhookEndpoint(ctx, tenantID, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return e, err // a database hiccup is not cached
	}
	w.mu.Lock()
	w.cache[k] = cachedEndpoint{e: e, err: err, read: now}
	w.mu.Unlock()
	return e, err
}

func (w *WebhookSender) forget(tenantID, id int64) {
	w.mu.Lock()
	delete(w.cache, endpointKey{tenantID, id})
	w.mu.Unlock()
}

// responseSnippet bounds what the delivery log keeps of an answer.
const responseSnippet = 512

// Deliver implements Deliverer.
func (w *WebhookSender) Deliver(ctx context.Context, m Message) (Receipt, error) {
	id, err := strconv.ParseInt(m.Target, 10, 64)
	if err != nil {
		return Receipt{}, Permanent(fmt.Errorf("webhook target %q is not an endpoint id", m.Target))
	}
	e, err := w.endpoint(ctx, m.TenantID, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Receipt{}, Permanent(fmt.Errorf("webhook endpoint %d was deleted", id))
	case err != nil:
		return Receipt{}, err
	case e.State != store.EndpointEnabled:
		return Receipt{}, ErrPaused
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(m.Body))
	if err != nil {
		return Receipt{}, Permanent(&URLError{Code: "webhook_url_invalid", Msg: err.Error()})
	}
	// GetBody lets redirects (307/308) resend the body.
	body := m.Body
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Waypost-Webhooks/1")
	req.Header.Set(EventIDHeader, eventIDOf(m.Body))
	req.Header.Set(SignatureHeader, Sign(e.Secret, w.opts.Now(), m.Body))
	if e.Format == "aftership" {
		req.Header.Set(AfterShipSignatureHeader, SignAfterShip(e.Secret, m.Body))
	}
	resp, err := w.client.Do(req)
	if err != nil {
		if ue, ok := urlErrorOf(err); ok && ue.Code != "webhook_address_blocked" {
			// Redirect loops and bad redirect targets will not mend by
			// themselves; a blocked address may (DNS changes), so it is
			// retried like any connection failure.
			return Receipt{}, Permanent(ue)
		}
		return Receipt{}, err
	}
	defer resp.Body.Close()
	snip, _ := io.ReadAll(io.LimitReader(resp.Body, responseSnippet))
	// Drain a little more so the connection can be reused.
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	r := Receipt{StatusCode: resp.StatusCode, Response: validUTF8(snip)}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if secs, err := strconv.Atoi(s); err == nil && secs > 0 {
			r.RetryAfter = time.Duration(secs) * time.Second
		}
	}
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return r, nil
	case c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c == http.StatusConflict || c >= 500:
		return r, fmt.Errorf("webhook endpoint answered %d", c)
	case c >= 300 && c < 400:
		return r, Permanent(fmt.Errorf("webhook endpoint answered %d without a usable redirect", c))
	default:
		return r, Permanent(fmt.Errorf("webhook endpoint answered %d", c))
	}
}

func validUTF8(b []byte) string {
	for len(b) > 0 && !utf8.Valid(b) {
		b = b[:len(b)-1] // a cut in the middle of a character
	}
	return string(b)
}

// Observe implements OutcomeObserver: it keeps the endpoint's failure
// streak and pauses it when the streak is too long.
func (w *WebhookSender) Observe(ctx context.Context, m Message, ok, gaveUp bool) {
	id, err := strconv.ParseInt(m.Target, 10, 64)
	if err != nil {
		return
	}
	e, err := w.endpoint(ctx, m.TenantID, id)
	if err != nil {
		return
	}
	if ok && e.FailingSince.IsZero() && e.GaveUpInARow == 0 {
		return // nothing to clear: successes cost no write
	}
	paused, err := w.st.RecordEndpointResult(ctx, m.TenantID, id, store.EndpointResult{
		At: w.opts.Now(), OK: ok, GaveUp: gaveUp, PauseAfter: w.opts.PauseAfter, PauseGaveUp: w.opts.PauseGaveUp,
	})
	if err != nil {
		w.opts.Log.Warn("webhook endpoint streak not recorded", "tenant", m.TenantID, "endpoint", id, "err", err)
		return
	}
	w.forget(m.TenantID, id)
	if !paused {
		return
	}
	e, err = w.st.GetWebhookEndpoint(ctx, m.TenantID, id)
	if err != nil {
		return
	}
	w.opts.Log.Warn("webhook endpoint paused", "tenant", m.TenantID, "endpoint", id, "reason", e.PausedReason)
	if w.opts.Notice != nil {
		w.opts.Notice(ctx, e)
	}
}
