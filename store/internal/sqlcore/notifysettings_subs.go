package sqlcore

import (
	"context"
	"fmt"
	"strings"

	"github.com/waypost/waypost/store"
)

const subscriptionCols = `id, tenant_id, shipment_id, channel, target, p256dh, auth, language, active, created_at, updated_at`

func scanSubscription(r Rows) (store.Subscription, error) {
	var s store.Subscription
	err := r.Scan(&s.ID, &s.TenantID, &s.ShipmentID, &s.Channel, &s.Target, &s.P256dh, &s.Auth, &s.Language,
		&s.Active, tc(&s.CreatedAt), tc(&s.UpdatedAt))
	return s, err
}

// SaveSubscription implements store.NotifySettings. Keys and language
// given empty keep their stored values, so an unsubscribe does not wipe a
// push subscription's keys.
func (s *Store) SaveSubscription(ctx context.Context, tenantID int64, sub *store.Subscription) error {
	ns := *sub
	ns.Channel, ns.Target = strings.TrimSpace(ns.Channel), strings.TrimSpace(ns.Target)
	if ns.Channel == "" || ns.Target == "" {
		return fmt.Errorf("store: subscription: %w", store.Invalid(fmt.Errorf("channel and target are required")))
	}
	now := s.clock()
	ns.TenantID, ns.UpdatedAt = tenantID, now
	err := s.eng.Tx(ctx, func(q Querier) error {
		if err := s.notifyShipment(ctx, q, tenantID, ns.ShipmentID); err != nil {
			return err
		}
		rows, err := q.Query(ctx, `INSERT INTO notify_subscriptions (tenant_id, shipment_id, channel, target, p256dh,
			auth, language, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
			ON CONFLICT (tenant_id, shipment_id, channel, target) DO UPDATE SET
			p256dh = CASE WHEN excluded.p256dh <> '' THEN excluded.p256dh ELSE notify_subscriptions.p256dh END,
			auth = CASE WHEN excluded.auth <> '' THEN excluded.auth ELSE notify_subscriptions.auth END,
			language = CASE WHEN excluded.language <> '' THEN excluded.language ELSE notify_subscriptions.language END,
			active = excluded.active, updated_at = excluded.updated_at
			RETURNING `+subscriptionCols,
			tenantID, ns.ShipmentID, ns.Channel, ns.Target, ns.P256dh, ns.Auth, ns.Language, ns.Active, s.t(now))
		got, err := one(rows, err, scanSubscription)
		if err != nil {
			return err
		}
		ns = got
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save subscription of shipment %d: %w", sub.ShipmentID, err)
	}
	*sub = ns
	return nil
}

// Subscriptions implements store.NotifySettings.
func (s *Store) Subscriptions(ctx context.Context, tenantID, shipmentID int64) ([]store.Subscription, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+subscriptionCols+` FROM notify_subscriptions
		WHERE tenant_id = $1 AND shipment_id = $2 ORDER BY id`, tenantID, shipmentID)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions of shipment %d: %w", shipmentID, err)
	}
	list, err := collect(rows, scanSubscription)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions of shipment %d: %w", shipmentID, err)
	}
	return list, nil
}

// RecordSent implements store.NotifySettings.
func (s *Store) RecordSent(ctx context.Context, tenantID int64, sent []store.SentMoment) (int, error) {
	if len(sent) == 0 {
		return 0, nil
	}
	now := s.clock()
	var added int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		checked := map[int64]bool{}
		for _, m := range sent {
			if !checked[m.ShipmentID] {
				if err := s.notifyShipment(ctx, q, tenantID, m.ShipmentID); err != nil {
					return err
				}
				checked[m.ShipmentID] = true
			}
			at := m.SentAt
			if at.IsZero() {
				at = now
			}
			n, err := q.Exec(ctx, `INSERT INTO notify_sent (tenant_id, shipment_id, moment, channel, target, message_id, sent_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, shipment_id, moment, channel, target) DO NOTHING`,
				tenantID, m.ShipmentID, m.Moment, m.Channel, m.Target, m.MessageID, s.t(at))
			if err != nil {
				return err
			}
			added += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: record sent moments: %w", err)
	}
	return int(added), nil
}

// SentMoments implements store.NotifySettings.
func (s *Store) SentMoments(ctx context.Context, tenantID, shipmentID int64) ([]store.SentMoment, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT shipment_id, moment, channel, target, message_id, sent_at
		FROM notify_sent WHERE tenant_id = $1 AND shipment_id = $2 ORDER BY sent_at, moment, channel, target`,
		tenantID, shipmentID)
	if err != nil {
		return nil, fmt.Errorf("store: sent moments of shipment %d: %w", shipmentID, err)
	}
	list, err := collect(rows, func(r Rows) (store.SentMoment, error) {
		var m store.SentMoment
		err := r.Scan(&m.ShipmentID, &m.Moment, &m.Channel, &m.Target, &m.MessageID, tc(&m.SentAt))
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: sent moments of shipment %d: %w", shipmentID, err)
	}
	return list, nil
}
