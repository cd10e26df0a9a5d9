package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
)

var tagWebhooks = []string{"Webhooks"}

// WebhookEndpoint is a URL that receives signed shipment events.
type WebhookEndpoint struct {
	ID           int64      `json:"id"`
	URL          string     `json:"url"`
	Description  string     `json:"description,omitempty"`
	Events       []string   `json:"events" doc:"Moments sent, e.g. delivered; empty: all"`
	Format       string     `json:"format" enum:"waypost,aftership"`
	State        string     `json:"state" enum:"enabled,paused,disabled" doc:"paused: stopped after failing, or by hand; resume to send the waiting events in order"`
	PausedReason string     `json:"paused_reason,omitempty"`
	FailingSince *time.Time `json:"failing_since,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Secret       string     `json:"secret,omitempty" doc:"Signing secret: only in the answers that create or rotate it"`
}

// WebhookInput sets an endpoint.
type WebhookInput struct {
	URL         string   `json:"url" minLength:"1" maxLength:"2048" doc:"https:// (or http://) URL on a public address"`
	Description string   `json:"description,omitempty" maxLength:"500"`
	Events      []string `json:"events,omitempty" maxItems:"50" doc:"Moments to send; empty: all"`
	Format      string   `json:"format,omitempty" enum:"waypost,aftership" doc:"Default waypost"`
}

// Delivery is one message to an endpoint and its attempts.
type Delivery struct {
	ID            int64             `json:"id" doc:"Delivery id, for replay"`
	MessageID     string            `json:"message_id" doc:"The event id the receiver sees (a replay keeps it)"`
	ShipmentID    int64             `json:"shipment_id,omitempty"`
	Moment        string            `json:"moment"`
	State         string            `json:"state" enum:"pending,sent,failed,paused"`
	Attempts      int               `json:"attempts"`
	NextAttemptAt *time.Time        `json:"next_attempt_at,omitempty"`
	LastError     string            `json:"last_error,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	SentAt        *time.Time        `json:"sent_at,omitempty"`
	Log           []DeliveryAttempt `json:"log" doc:"Attempts, oldest first"`
}

// DeliveryAttempt is one try of a delivery.
type DeliveryAttempt struct {
	At         time.Time `json:"at"`
	DurationMS int64     `json:"duration_ms"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	Response   string    `json:"response,omitempty" doc:"The start of the receiver's answer"`
}

func toEndpoint(e store.WebhookEndpoint) WebhookEndpoint {
	ev := e.Events
	if ev == nil {
		ev = []string{}
	}
	return WebhookEndpoint{ID: e.ID, URL: e.URL, Description: e.Description, Events: ev, Format: e.Format,
		State: string(e.State), PausedReason: e.PausedReason, FailingSince: tp(e.FailingSince),
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

// webhooks returns the endpoint manager with the configured guard.
func (a *API) webhooks() (*notify.Webhooks, error) {
	guard, _, _, ob := a.ext().get()
	var err error
	if guard == nil {
		if guard, err = notify.NewGuard(nil); err != nil {
			return nil, err
		}
	}
	if ob == nil {
		if ob, err = notify.NewOutbox(a.st, a.now); err != nil {
			return nil, err
		}
	}
	return notify.NewWebhooks(a.st, ob, guard, a.now)
}

func toInput(b WebhookInput) notify.EndpointInput {
	in := notify.EndpointInput{URL: b.URL, Description: b.Description, Format: b.Format}
	for _, m := range b.Events {
		in.Events = append(in.Events, notify.Moment(m))
	}
	return in
}

func (a *API) registerWebhooks() {
	_, ok := a.st.(store.Webhooks)
	box, ok2 := a.st.(store.Outbox)
	if !ok || !ok2 {
		return
	}
	var auth Auth
	op := func(id, method, path, summary, scope string, errs ...int) huma.Operation {
		o := huma.Operation{OperationID: id, Method: method, Path: Base + path, Summary: summary, Tags: tagWebhooks,
			Errors: errs, MaxBodyBytes: MaxBody}
		auth.Require(&o, scope)
		return o
	}
	type hookEndpointOutput struct{ Body WebhookEndpoint }
	with := func(ctx context.Context, fn func(w *notify.Webhooks) (*hookEndpointOutput, error)) (*hookEndpointOutput, error) {
		w, err := a.webhooks()
		if err != nil {
			return nil, a.internal(ctx, "preparing webhooks", err)
		}
		return fn(w)
	}

	type hookListOutput struct {
		Body struct {
			Webhooks []WebhookEndpoint `json:"webhooks"`
		}
	}
	huma.Register(a.huma, op("list-webhooks", http.MethodGet, "/webhooks", "List webhook endpoints", store.ScopeRead),
		func(ctx context.Context, _ *struct{}) (*hookListOutput, error) {
			es, err := a.st.(store.Webhooks).ListWebhookEndpoints(ctx, TenantID(ctx))
			if err != nil {
				return nil, a.internal(ctx, "listing webhooks", err)
			}
			out := &hookListOutput{}
			out.Body.Webhooks = make([]WebhookEndpoint, 0, len(es))
			for _, e := range es {
				out.Body.Webhooks = append(out.Body.Webhooks, toEndpoint(e))
			}
			return out, nil
		})

	create := op("create-webhook", http.MethodPost, "/webhooks", "Create a webhook endpoint", store.ScopeAdmin, 422)
	create.DefaultStatus = http.StatusCreated
	create.Description = "The answer carries the signing secret, shown only here and on rotation. A URL that is not " +
		"http(s) is 422 webhook_url_scheme, one on a loopback or private address 422 webhook_address_blocked, an " +
		"unknown event 422 webhook_events. Needs scope admin."
	type hookCreateInput struct{ Body WebhookInput }
	huma.Register(a.huma, create, func(ctx context.Context, in *hookCreateInput) (*hookEndpointOutput, error) {
		return with(ctx, func(w *notify.Webhooks) (*hookEndpointOutput, error) {
			e, err := w.Create(ctx, TenantID(ctx), toInput(in.Body))
			if err != nil {
				return nil, a.domainErr(ctx, err, "webhook")
			}
			out := &hookEndpointOutput{Body: toEndpoint(e)}
			out.Body.Secret = e.Secret
			return out, nil
		})
	})

	huma.Register(a.huma, op("get-webhook", http.MethodGet, "/webhooks/{id}", "Get a webhook endpoint", store.ScopeRead, 404),
		func(ctx context.Context, in *idInput) (*hookEndpointOutput, error) {
			e, err := a.st.(store.Webhooks).GetWebhookEndpoint(ctx, TenantID(ctx), in.ID)
			if err != nil {
				return nil, a.storeErr(ctx, err, "webhook")
			}
			return &hookEndpointOutput{Body: toEndpoint(e)}, nil
		})

	type hookUpdateInput struct {
		ID   int64 `path:"id" minimum:"1"`
		Body WebhookInput
	}
	huma.Register(a.huma, op("update-webhook", http.MethodPut, "/webhooks/{id}", "Replace a webhook endpoint's URL, events and format", store.ScopeAdmin, 404, 422),
		func(ctx context.Context, in *hookUpdateInput) (*hookEndpointOutput, error) {
			return with(ctx, func(w *notify.Webhooks) (*hookEndpointOutput, error) {
				e, err := w.Update(ctx, TenantID(ctx), in.ID, toInput(in.Body))
				if err != nil {
					return nil, a.domainErr(ctx, err, "webhook")
				}
				return &hookEndpointOutput{Body: toEndpoint(e)}, nil
			})
		})

	del := op("delete-webhook", http.MethodDelete, "/webhooks/{id}", "Delete a webhook endpoint", store.ScopeAdmin, 404)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(a.huma, del, func(ctx context.Context, in *idInput) (*struct{}, error) {
		if err := a.st.(store.Webhooks).DeleteWebhookEndpoint(ctx, TenantID(ctx), in.ID); err != nil {
			return nil, a.storeErr(ctx, err, "webhook")
		}
		return nil, nil
	})

	huma.Register(a.huma, op("rotate-webhook-secret", http.MethodPost, "/webhooks/{id}/rotate-secret", "Give an endpoint a new signing secret", store.ScopeAdmin, 404),
		func(ctx context.Context, in *idInput) (*hookEndpointOutput, error) {
			return with(ctx, func(w *notify.Webhooks) (*hookEndpointOutput, error) {
				secret, err := w.RotateSecret(ctx, TenantID(ctx), in.ID)
				if err != nil {
					return nil, a.domainErr(ctx, err, "webhook")
				}
				e, err := w.Get(ctx, TenantID(ctx), in.ID)
				if err != nil {
					return nil, a.domainErr(ctx, err, "webhook")
				}
				out := &hookEndpointOutput{Body: toEndpoint(e)}
				out.Body.Secret = secret
				return out, nil
			})
		})

	for _, s := range []struct {
		id, path, summary string
		state             store.EndpointState
		reason            string
	}{
		{"pause-webhook", "/webhooks/{id}/pause", "Pause an endpoint: events wait until it is resumed", store.EndpointPaused, "paused through the API"},
		{"resume-webhook", "/webhooks/{id}/resume", "Resume an endpoint: waiting events go out in order", store.EndpointEnabled, ""},
	} {
		huma.Register(a.huma, op(s.id, http.MethodPost, s.path, s.summary, store.ScopeAdmin, 404),
			func(ctx context.Context, in *idInput) (*hookEndpointOutput, error) {
				return with(ctx, func(w *notify.Webhooks) (*hookEndpointOutput, error) {
					if err := w.SetState(ctx, TenantID(ctx), in.ID, s.state, s.reason); err != nil {
						return nil, a.domainErr(ctx, err, "webhook")
					}
					e, err := w.Get(ctx, TenantID(ctx), in.ID)
					if err != nil {
						return nil, a.domainErr(ctx, err, "webhook")
					}
					return &hookEndpointOutput{Body: toEndpoint(e)}, nil
				})
			})
	}

	type hookTestOutput struct {
		Body struct {
			MessageID string `json:"message_id" doc:"The test event's id"`
		}
	}
	test := op("test-webhook", http.MethodPost, "/webhooks/{id}/test", "Send a webhook.test event to an endpoint", store.ScopeAdmin, 404)
	test.DefaultStatus = http.StatusAccepted
	huma.Register(a.huma, test, func(ctx context.Context, in *idInput) (*hookTestOutput, error) {
		w, err := a.webhooks()
		if err != nil {
			return nil, a.internal(ctx, "preparing webhooks", err)
		}
		m, err := w.SendTest(ctx, TenantID(ctx), in.ID)
		if err != nil {
			return nil, a.domainErr(ctx, err, "webhook")
		}
		out := &hookTestOutput{}
		out.Body.MessageID = m.ID
		return out, nil
	})

	type hookDeliveriesInput struct {
		ID    int64 `path:"id" minimum:"1"`
		Limit int   `query:"limit" minimum:"1" maximum:"100" default:"20"`
	}
	type hookDeliveriesOutput struct {
		Body struct {
			Deliveries []Delivery `json:"deliveries" doc:"Newest first"`
		}
	}
	huma.Register(a.huma, op("list-webhook-deliveries", http.MethodGet, "/webhooks/{id}/deliveries", "The delivery log of an endpoint", store.ScopeRead, 404, 422),
		func(ctx context.Context, in *hookDeliveriesInput) (*hookDeliveriesOutput, error) {
			w, err := a.webhooks()
			if err != nil {
				return nil, a.internal(ctx, "preparing webhooks", err)
			}
			ms, err := w.Deliveries(ctx, TenantID(ctx), in.ID, in.Limit)
			if err != nil {
				return nil, a.domainErr(ctx, err, "webhook")
			}
			out := &hookDeliveriesOutput{}
			out.Body.Deliveries = make([]Delivery, 0, len(ms))
			for _, m := range ms {
				d, err := a.delivery(ctx, box, m)
				if err != nil {
					return nil, err
				}
				out.Body.Deliveries = append(out.Body.Deliveries, d)
			}
			return out, nil
		})

	type hookReplayInput struct {
		Delivery string `path:"delivery" maxLength:"200" doc:"The delivery's id, or its message_id (event id)"`
	}
	type hookDeliveryOutput struct{ Body Delivery }
	replay := op("replay-webhook-delivery", http.MethodPost, "/webhooks/deliveries/{delivery}/replay",
		"Send a delivery again, with the same event id", store.ScopeAdmin, 404)
	replay.DefaultStatus = http.StatusAccepted
	huma.Register(a.huma, replay, func(ctx context.Context, in *hookReplayInput) (*hookDeliveryOutput, error) {
		tenant := TenantID(ctx)
		var m store.OutboxMessage
		var err error
		if id, perr := strconv.ParseInt(in.Delivery, 10, 64); perr == nil && id > 0 {
			m, err = box.GetMessage(ctx, tenant, id)
		} else {
			m, err = box.FindMessage(ctx, tenant, in.Delivery)
		}
		if err == nil && m.Channel != string(notify.Webhook) {
			err = store.ErrNotFound // other channels' messages are not webhook deliveries
		}
		if err != nil {
			return nil, a.storeErr(ctx, err, "delivery")
		}
		w, err := a.webhooks()
		if err != nil {
			return nil, a.internal(ctx, "preparing webhooks", err)
		}
		r, err := w.Replay(ctx, tenant, m.ID)
		if err != nil {
			return nil, a.domainErr(ctx, err, "delivery")
		}
		d, err := a.delivery(ctx, box, r)
		if err != nil {
			return nil, err
		}
		return &hookDeliveryOutput{Body: d}, nil
	})
}

// delivery describes an outbox message with its attempts.
func (a *API) delivery(ctx context.Context, box store.Outbox, m store.OutboxMessage) (Delivery, error) {
	d := Delivery{ID: m.ID, MessageID: m.MessageID, ShipmentID: m.ShipmentID, Moment: m.Moment, State: string(m.State),
		Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt, SentAt: tp(m.SentAt), Log: []DeliveryAttempt{}}
	if m.State == store.MessagePending {
		d.NextAttemptAt = tp(m.NextAttemptAt)
	}
	atts, err := box.ListDeliveryAttempts(ctx, TenantID(ctx), m.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return d, a.internal(ctx, "reading the delivery log", err)
	}
	for _, x := range atts {
		d.Log = append(d.Log, DeliveryAttempt{At: x.At, DurationMS: x.Duration.Milliseconds(), StatusCode: x.StatusCode,
			Error: x.Error, Response: x.Response})
	}
	return d, nil
}
