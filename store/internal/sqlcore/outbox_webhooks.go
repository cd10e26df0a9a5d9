package sqlcore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.Webhooks = (*Store)(nil)

const endpointCols = `id, tenant_id, url, description, secret, events, format, state, paused_reason,
	failing_since, gave_up_in_a_row, created_at, updated_at`

func scanEndpoint(r Rows) (store.WebhookEndpoint, error) {
	var e store.WebhookEndpoint
	var events, st string
	err := r.Scan(&e.ID, &e.TenantID, &e.URL, &e.Description, &e.Secret, &events, &e.Format, &st,
		&e.PausedReason, tc(&e.FailingSince), &e.GaveUpInARow, tc(&e.CreatedAt), tc(&e.UpdatedAt))
	if events != "" {
		e.Events = strings.Split(events, ",")
	}
	e.State = store.EndpointState(st)
	return e, err
}

func validEndpoint(e *store.WebhookEndpoint) error {
	bad := func(field, reason string) error {
		return store.Invalid(&shipment.InvalidError{Field: field, Reason: reason})
	}
	if e.Format == "" {
		e.Format = "waypost"
	}
	if e.State == "" {
		e.State = store.EndpointEnabled
	}
	switch {
	case e.URL == "" || len(e.URL) > maxMessageField:
		return bad("url", "required, at most 2048 bytes")
	case e.Secret == "" || len(e.Secret) > 200:
		return bad("secret", "required, at most 200 bytes")
	case len(e.Description) > 500:
		return bad("description", "at most 500 bytes")
	case e.Format != "waypost" && e.Format != "aftership":
		return bad("format", `must be "waypost" or "aftership"`)
	case e.State != store.EndpointEnabled && e.State != store.EndpointPaused && e.State != store.EndpointDisabled:
		return bad("state", "must be enabled, paused or disabled")
	}
	for _, ev := range e.Events {
		if ev == "" || strings.Contains(ev, ",") || len(ev) > 64 {
			return bad("events", fmt.Sprintf("bad event name %q", ev))
		}
	}
	return nil
}

// CreateWebhookEndpoint implements store.Webhooks.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, tenantID int64, e *store.WebhookEndpoint) error {
	if err := validEndpoint(e); err != nil {
		return err
	}
	now := s.clock()
	var id int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		return queryOne(ctx, q, &id, `INSERT INTO webhook_endpoints (tenant_id, url, description, secret, events,
				format, state, paused_reason, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			tenantID, e.URL, e.Description, e.Secret, strings.Join(e.Events, ","), e.Format, string(e.State),
			e.PausedReason, s.t(now))
	})
	if err != nil {
		return fmt.Errorf("store: create webhook endpoint: %w", err)
	}
	e.ID, e.TenantID, e.CreatedAt, e.UpdatedAt = id, tenantID, now, now
	return nil
}

// GetWebhookEndpoint implements store.Webhooks.
func (s *Store) GetWebhookEndpoint(ctx context.Context, tenantID, id int64) (store.WebhookEndpoint, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2`, id, tenantID)
	e, err := one(rows, err, scanEndpoint)
	if err != nil {
		return e, fmt.Errorf("store: webhook endpoint %d: %w", id, err)
	}
	return e, nil
}

// ListWebhookEndpoints implements store.Webhooks.
func (s *Store) ListWebhookEndpoints(ctx context.Context, tenantID int64) ([]store.WebhookEndpoint, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: list webhook endpoints: %w", err)
	}
	list, err := collect(rows, scanEndpoint)
	if err != nil {
		return nil, fmt.Errorf("store: list webhook endpoints: %w", err)
	}
	return list, nil
}

// UpdateWebhookEndpoint implements store.Webhooks. Enabling an endpoint
// clears its failure streak.
func (s *Store) UpdateWebhookEndpoint(ctx context.Context, tenantID int64, e *store.WebhookEndpoint) error {
	if err := validEndpoint(e); err != nil {
		return err
	}
	now := s.clock()
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE webhook_endpoints SET url = $3, description = $4, secret = $5, events = $6,
				format = $7, state = $8, paused_reason = $9, updated_at = $10,
				failing_since = CASE WHEN $8 = 'enabled' THEN NULL ELSE failing_since END,
				gave_up_in_a_row = CASE WHEN $8 = 'enabled' THEN 0 ELSE gave_up_in_a_row END
			WHERE id = $1 AND tenant_id = $2`,
			e.ID, tenantID, e.URL, e.Description, e.Secret, strings.Join(e.Events, ","), e.Format,
			string(e.State), e.PausedReason, s.t(now))
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: update webhook endpoint %d: %w", e.ID, err)
	}
	e.TenantID, e.UpdatedAt = tenantID, now
	if e.State == store.EndpointEnabled {
		e.FailingSince, e.GaveUpInARow = time.Time{}, 0
	}
	return nil
}

// DeleteWebhookEndpoint implements store.Webhooks. Its messages still
// waiting fail for good: there is nowhere to send them.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, tenantID, id int64) error {
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2`, id, tenantID)
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		_, err = q.Exec(ctx, `UPDATE outbox SET state = 'failed', last_error = 'endpoint deleted'
			WHERE tenant_id = $1 AND channel = 'webhook' AND target = $2 AND state IN ('pending', 'paused') AND lease_owner = ''`,
			tenantID, fmt.Sprint(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete webhook endpoint %d: %w", id, err)
	}
	return nil
}

// RecordEndpointResult implements store.Webhooks.
func (s *Store) RecordEndpointResult(ctx context.Context, tenantID, id int64, r store.EndpointResult) (bool, error) {
	at := r.At
	if at.IsZero() {
		at = s.clock()
	}
	paused := false
	err := s.eng.Tx(ctx, func(q Querier) error {
		if r.OK {
			// Only write when there is a streak to clear: successes are
			// the common case and should cost no write.
			_, err := q.Exec(ctx, `UPDATE webhook_endpoints SET failing_since = NULL, gave_up_in_a_row = 0
				WHERE id = $1 AND tenant_id = $2 AND (failing_since IS NOT NULL OR gave_up_in_a_row <> 0)`, id, tenantID)
			return err
		}
		gaveUp := 0
		if r.GaveUp {
			gaveUp = 1
		}
		rows, err := q.Query(ctx, `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $3),
				gave_up_in_a_row = gave_up_in_a_row + $4
			WHERE id = $1 AND tenant_id = $2
			RETURNING `+endpointCols, id, tenantID, s.t(at), gaveUp)
		e, err := one(rows, err, scanEndpoint)
		if err != nil {
			return err
		}
		if e.State != store.EndpointEnabled {
			return nil
		}
		var reason string
		switch {
		case r.PauseGaveUp > 0 && e.GaveUpInARow >= r.PauseGaveUp:
			reason = fmt.Sprintf("%d messages in a row given up", e.GaveUpInARow)
		case r.PauseAfter > 0 && !e.FailingSince.IsZero() && at.Sub(e.FailingSince) >= r.PauseAfter:
			reason = fmt.Sprintf("every attempt failed since %s", e.FailingSince.Format(time.RFC3339))
		default:
			return nil
		}
		if _, err := q.Exec(ctx, `UPDATE webhook_endpoints SET state = 'paused', paused_reason = $3, updated_at = $4
			WHERE id = $1 AND tenant_id = $2`, id, tenantID, reason, s.t(s.clock())); err != nil {
			return err
		}
		paused = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: record result of webhook endpoint %d: %w", id, err)
	}
	return paused, nil
}
