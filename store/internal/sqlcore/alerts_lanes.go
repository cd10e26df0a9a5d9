package sqlcore

import (
	"context"
	"fmt"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// LaneHistory implements store.Alerts. The most recent deliveries are
// picked first (bounded by limit), then their events are read through the
// parcel and event indexes.
func (s *Store) LaneHistory(ctx context.Context, tenantID int64, since time.Time, limit int) ([]store.LaneJourney, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.eng.Reader().Query(ctx, `SELECT sh.id, sh.origin_country, sh.destination_country, p.carrier, e.occurred_at, e.substatus
		FROM (SELECT id, origin_country, destination_country FROM shipments
			WHERE tenant_id = $1 AND status = 'delivered' AND ms_delivered >= $2
			ORDER BY ms_delivered DESC, id DESC LIMIT $3) sh
		JOIN parcels p ON p.shipment_id = sh.id AND p.tenant_id = $1
		JOIN events e ON e.parcel_id = p.id
		WHERE e.status <> ''
		ORDER BY sh.id, e.occurred_at`, tenantID, s.t(since), limit)
	if err != nil {
		return nil, fmt.Errorf("store: lane history: %w", err)
	}
	var out []store.LaneJourney
	err = alertEach(rows, func(r Rows) error {
		var id int64
		var o, d string
		var e store.LaneEvent
		if err := r.Scan(&id, &o, &d, &e.Carrier, tc(&e.At), &e.Substatus); err != nil {
			return err
		}
		if n := len(out); n == 0 || out[n-1].ShipmentID != id {
			out = append(out, store.LaneJourney{ShipmentID: id, OriginCountry: o, DestinationCountry: d})
		}
		j := &out[len(out)-1]
		j.Events = append(j.Events, e)
		return nil
	})
	return out, alertWrap("lane history", err)
}

// PutAlertSetting implements store.Alerts.
func (s *Store) PutAlertSetting(ctx context.Context, a store.AlertSetting) error {
	if a.Kind == "" {
		return store.Invalid(&shipment.InvalidError{Field: "kind", Reason: "required"})
	}
	if a.Threshold < 0 {
		return store.Invalid(&shipment.InvalidError{Field: "threshold", Reason: "must not be negative"})
	}
	disabled := 0
	if a.Disabled {
		disabled = 1
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM tenants WHERE id = $1`, a.TenantID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("tenant %d: %w", a.TenantID, store.ErrNotFound)
		}
		_, err = q.Exec(ctx, `INSERT INTO alert_settings (tenant_id, kind, carrier, origin, destination, threshold_s, disabled, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (tenant_id, kind, carrier, origin, destination)
			DO UPDATE SET threshold_s = excluded.threshold_s, disabled = excluded.disabled, updated_at = excluded.updated_at`,
			a.TenantID, a.Kind, a.Carrier, a.Origin, a.Destination, int64(a.Threshold/time.Second), disabled, s.t(s.clock()))
		return err
	})
	return alertWrap("put alert setting", err)
}

// DeleteAlertSetting implements store.Alerts.
func (s *Store) DeleteAlertSetting(ctx context.Context, a store.AlertSetting) error {
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, `DELETE FROM alert_settings WHERE tenant_id = $1 AND kind = $2 AND carrier = $3 AND origin = $4 AND destination = $5`,
			a.TenantID, a.Kind, a.Carrier, a.Origin, a.Destination)
		return err
	})
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	return alertWrap("delete alert setting", err)
}

// ListAlertSettings implements store.Alerts.
func (s *Store) ListAlertSettings(ctx context.Context, tenantID int64) ([]store.AlertSetting, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT tenant_id, kind, carrier, origin, destination, threshold_s, disabled, updated_at
		FROM alert_settings WHERE tenant_id = $1 ORDER BY kind, carrier, origin, destination`, tenantID)
	list, err := alertCollect(rows, err, func(r Rows) (store.AlertSetting, error) {
		var a store.AlertSetting
		var secs int64
		var disabled int
		err := r.Scan(&a.TenantID, &a.Kind, &a.Carrier, &a.Origin, &a.Destination, &secs, &disabled, tc(&a.UpdatedAt))
		a.Threshold, a.Disabled = time.Duration(secs)*time.Second, disabled != 0
		return a, err
	})
	return list, alertWrap("list alert settings", err)
}
