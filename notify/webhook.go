package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/waypost/waypost/store"
)

// EndpointError is a rejected endpoint setting, with a stable code.
type EndpointError struct {
	Code string // webhook_format, webhook_events
	Msg  string
}

func (e *EndpointError) Error() string { return e.Code + ": " + e.Msg }

// ErrorCode returns the stable code.
func (e *EndpointError) ErrorCode() string { return e.Code }

// EndpointInput is what a seller sets on an endpoint.
type EndpointInput struct {
	URL         string
	Description string
	// Events lists the moments to send; empty: all.
	Events []Moment
	// Format is "waypost" (default) or "aftership".
	Format string
}

// Webhooks manages sellers' webhook endpoints: checked URLs, generated
// secrets, pause and resume, test events and replays.
type Webhooks struct {
	st    store.Webhooks
	ob    *Outbox
	box   store.Outbox
	guard *Guard
	now   func() time.Time
}

// NewWebhooks returns the endpoint manager over st, which must implement
// store.Webhooks and store.Outbox.
func NewWebhooks(st store.Store, ob *Outbox, guard *Guard, now func() time.Time) (*Webhooks, error) {
	wh, ok := st.(store.Webhooks)
	box, ok2 := st.(store.Outbox)
	if !ok || !ok2 {
		return nil, fmt.Errorf("notify: store %T has no webhook endpoints", st)
	}
	if now == nil {
		now = time.Now
	}
	return &Webhooks{st: wh, ob: ob, box: box, guard: guard, now: now}, nil
}

func (w *Webhooks) check(in EndpointInput) (store.WebhookEndpoint, error) {
	if err := w.guard.CheckURL(in.URL); err != nil {
		return store.WebhookEndpoint{}, err
	}
	if in.Format == "" {
		in.Format = "waypost"
	}
	if in.Format != "waypost" && in.Format != "aftership" {
		return store.WebhookEndpoint{}, &EndpointError{Code: "webhook_format", Msg: fmt.Sprintf("format %q: use \"waypost\" or \"aftership\"", in.Format)}
	}
	e := store.WebhookEndpoint{URL: in.URL, Description: in.Description, Format: in.Format}
	for _, m := range in.Events {
		if !knownMoments[m] {
			return e, &EndpointError{Code: "webhook_events", Msg: fmt.Sprintf("unknown event %q", m)}
		}
		e.Events = append(e.Events, string(m))
	}
	return e, nil
}

// Create stores a new enabled endpoint with a generated secret; the
// returned endpoint carries the secret (Get returns it again to admins).
func (w *Webhooks) Create(ctx context.Context, tenantID int64, in EndpointInput) (store.WebhookEndpoint, error) {
	e, err := w.check(in)
	if err != nil {
		return e, err
	}
	e.Secret, e.State = NewSecret(), store.EndpointEnabled
	if err := w.st.CreateWebhookEndpoint(ctx, tenantID, &e); err != nil {
		return e, fmt.Errorf("notify: create endpoint: %w", err)
	}
	return e, nil
}

// Get returns one endpoint, with its secret.
func (w *Webhooks) Get(ctx context.Context, tenantID, id int64) (store.WebhookEndpoint, error) {
	return w.st.GetWebhookEndpoint(ctx, tenantID, id)
}

// List returns the tenant's endpoints.
func (w *Webhooks) List(ctx context.Context, tenantID int64) ([]store.WebhookEndpoint, error) {
	return w.st.ListWebhookEndpoints(ctx, tenantID)
}

// Update changes an endpoint's URL, description, events and format.
func (w *Webhooks) Update(ctx context.Context, tenantID, id int64, in EndpointInput) (store.WebhookEndpoint, error) {
	cur, err := w.st.GetWebhookEndpoint(ctx, tenantID, id)
	if err != nil {
		return cur, err
	}
	e, err := w.check(in)
	if err != nil {
		return cur, err
	}
	cur.URL, cur.Description, cur.Events, cur.Format = e.URL, e.Description, e.Events, e.Format
	if err := w.st.UpdateWebhookEndpoint(ctx, tenantID, &cur); err != nil {
		return cur, fmt.Errorf("notify: update endpoint: %w", err)
	}
	return cur, nil
}

// RotateSecret gives an endpoint a new secret and returns it.
func (w *Webhooks) RotateSecret(ctx context.Context, tenantID, id int64) (string, error) {
	cur, err := w.st.GetWebhookEndpoint(ctx, tenantID, id)
	if err != nil {
		return "", err
	}
	cur.Secret = NewSecret()
	if err := w.st.UpdateWebhookEndpoint(ctx, tenantID, &cur); err != nil {
		return "", fmt.Errorf("notify: rotate secret: %w", err)
	}
	return cur.Secret, nil
}

// SetState enables, pauses or disables an endpoint. Enabling clears its
// failure streak and makes its paused messages due again, in order.
func (w *Webhooks) SetState(ctx context.Context, tenantID, id int64, st store.EndpointState, reason string) error {
	cur, err := w.st.GetWebhookEndpoint(ctx, tenantID, id)
	if err != nil {
		return err
	}
	cur.State, cur.PausedReason = st, reason
	if st == store.EndpointEnabled {
		cur.PausedReason = ""
	}
	if err := w.st.UpdateWebhookEndpoint(ctx, tenantID, &cur); err != nil {
		return fmt.Errorf("notify: set endpoint state: %w", err)
	}
	if st == store.EndpointEnabled {
		n, err := w.box.SetTargetState(ctx, tenantID, string(Webhook), strconv.FormatInt(id, 10), store.MessagePaused, store.MessagePending, w.now())
		if err != nil {
			return err
		}
		if n > 0 && w.ob != nil {
			w.ob.Wake()
		}
	}
	return nil
}

// Delete removes an endpoint; its waiting messages fail.
func (w *Webhooks) Delete(ctx context.Context, tenantID, id int64) error {
	return w.st.DeleteWebhookEndpoint(ctx, tenantID, id)
}

// SendTest enqueues a "webhook.test" event to one endpoint and returns
// its message.
func (w *Webhooks) SendTest(ctx context.Context, tenantID, id int64) (Message, error) {
	e, err := w.st.GetWebhookEndpoint(ctx, tenantID, id)
	if err != nil {
		return Message{}, err
	}
	now := w.now()
	ev := Event{ID: newID("evt_test_"), Type: TestEventType, CreatedAt: now.UTC(), Data: EventData{Endpoint: e.ID}}
	body, err := json.Marshal(ev)
	if e.Format == "aftership" {
		body, err = afterShipOf(ev, "", now)
	}
	if err != nil {
		return Message{}, err
	}
	m := Message{ID: ev.ID, TenantID: tenantID, Channel: Webhook, Moment: "test",
		Target: strconv.FormatInt(e.ID, 10), Body: body, CreatedAt: now}
	if _, err := w.ob.Enqueue(ctx, m); err != nil {
		return Message{}, err
	}
	return m, nil
}

// Replay enqueues a message again as a new delivery with the same event
// id and body (see store.Outbox.ReplayMessage).
func (w *Webhooks) Replay(ctx context.Context, tenantID, messageID int64) (store.OutboxMessage, error) {
	m, err := w.box.ReplayMessage(ctx, tenantID, messageID, w.now())
	if err != nil {
		return m, err
	}
	w.ob.Wake()
	return m, nil
}

// Deliveries lists the messages sent (or to be sent) to one endpoint,
// newest first.
func (w *Webhooks) Deliveries(ctx context.Context, tenantID, id int64, limit int) ([]store.OutboxMessage, error) {
	if _, err := w.st.GetWebhookEndpoint(ctx, tenantID, id); err != nil {
		return nil, err
	}
	return w.box.ListMessages(ctx, tenantID, store.MessageQuery{Channel: string(Webhook), Target: strconv.FormatInt(id, 10), Limit: limit})
}

// ErrorCode returns the stable code of a notify or store error: a URL or
// endpoint error's code, else the store's code.
func ErrorCode(err error) string {
	if ue, ok := urlErrorOf(err); ok {
		return ue.Code
	}
	var ee *EndpointError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return store.Code(err)
}
