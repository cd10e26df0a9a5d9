package sqlcore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/waypost/waypost/store"
)

var _ store.NotifySettings = (*Store)(nil)

// NotifyConfig implements store.NotifySettings.
func (s *Store) NotifyConfig(ctx context.Context, tenantID int64) (store.NotifyConfig, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT default_language, quiet_start, quiet_end, sms_max_segments,
		rules, updated_at FROM notify_settings WHERE tenant_id = $1`, tenantID)
	c, err := one(rows, err, func(r Rows) (store.NotifyConfig, error) {
		var c store.NotifyConfig
		var rules []byte
		if err := r.Scan(&c.DefaultLanguage, &c.QuietStart, &c.QuietEnd, &c.SMSMaxSegments, &rules, tc(&c.UpdatedAt)); err != nil {
			return c, err
		}
		if err := json.Unmarshal(rules, &c.Rules); err != nil {
			return c, fmt.Errorf("rules: %w", err)
		}
		return c, nil
	})
	if err != nil {
		return c, fmt.Errorf("store: notify settings of tenant %d: %w", tenantID, err)
	}
	return c, nil
}

// SaveNotifyConfig implements store.NotifySettings.
func (s *Store) SaveNotifyConfig(ctx context.Context, tenantID int64, c store.NotifyConfig) error {
	if c.Rules == nil {
		c.Rules = []store.NotifyRule{}
	}
	rules, err := json.Marshal(c.Rules)
	if err != nil {
		return fmt.Errorf("store: notify rules: %w", err)
	}
	now := s.clock()
	err = s.eng.Tx(ctx, func(q Querier) error {
		if err := s.notifyTenant(ctx, q, tenantID); err != nil {
			return err
		}
		_, err := q.Exec(ctx, `INSERT INTO notify_settings (tenant_id, default_language, quiet_start, quiet_end,
			sms_max_segments, rules, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (tenant_id) DO UPDATE SET default_language = excluded.default_language,
			quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
			sms_max_segments = excluded.sms_max_segments, rules = excluded.rules, updated_at = excluded.updated_at`,
			tenantID, c.DefaultLanguage, c.QuietStart, c.QuietEnd, c.SMSMaxSegments, string(rules), s.t(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save notify settings of tenant %d: %w", tenantID, err)
	}
	return nil
}

// SaveNotifyTemplate implements store.NotifySettings.
func (s *Store) SaveNotifyTemplate(ctx context.Context, tenantID int64, t store.NotifyTemplate) error {
	if t.Moment == "" || t.Part == "" || t.Language == "" {
		return fmt.Errorf("store: notify template: %w", errNotifyKey)
	}
	now := s.clock()
	err := s.eng.Tx(ctx, func(q Querier) error {
		if err := s.notifyTenant(ctx, q, tenantID); err != nil {
			return err
		}
		_, err := q.Exec(ctx, `INSERT INTO notify_templates (tenant_id, moment, part, language, body, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (tenant_id, moment, part, language) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
			tenantID, t.Moment, t.Part, t.Language, t.Text, s.t(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save notify template %s/%s/%s: %w", t.Moment, t.Part, t.Language, err)
	}
	return nil
}

// NotifyTemplates implements store.NotifySettings.
func (s *Store) NotifyTemplates(ctx context.Context, tenantID int64) ([]store.NotifyTemplate, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT moment, part, language, body, updated_at FROM notify_templates
		WHERE tenant_id = $1 ORDER BY moment, part, language`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: notify templates: %w", err)
	}
	list, err := collect(rows, func(r Rows) (store.NotifyTemplate, error) {
		var t store.NotifyTemplate
		err := r.Scan(&t.Moment, &t.Part, &t.Language, &t.Text, tc(&t.UpdatedAt))
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: notify templates: %w", err)
	}
	return list, nil
}

// DeleteNotifyTemplate implements store.NotifySettings.
func (s *Store) DeleteNotifyTemplate(ctx context.Context, tenantID int64, k store.NotifyTemplateKey) error {
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, `DELETE FROM notify_templates WHERE tenant_id = $1 AND moment = $2 AND part = $3 AND language = $4`,
			tenantID, k.Moment, k.Part, k.Language)
		return err
	})
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: delete notify template %s/%s/%s: %w", k.Moment, k.Part, k.Language, err)
	}
	return nil
}

// notifyTenant is ErrNotFound for an unknown tenant, so that writes for
// one fail the same way as reads.
func (s *Store) notifyTenant(ctx context.Context, q Querier, tenantID int64) error {
	ok, err := exists(ctx, q, `SELECT 1 FROM tenants WHERE id = $1`, tenantID)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("tenant %d: %w", tenantID, store.ErrNotFound)
	}
	return nil
}

// notifyShipment is ErrNotFound unless the shipment is the tenant's.
func (s *Store) notifyShipment(ctx context.Context, q Querier, tenantID, shipmentID int64) error {
	ok, err := exists(ctx, q, `SELECT 1 FROM shipments WHERE id = $1 AND tenant_id = $2`, shipmentID, tenantID)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("shipment %d: %w", shipmentID, store.ErrNotFound)
	}
	return nil
}

var errNotifyKey = store.Invalid(fmt.Errorf("moment, part and language are required"))
