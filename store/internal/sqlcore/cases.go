package sqlcore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

const (
	caseCols = `id, tenant_id, shipment_id, alert_id, state, resolution, owner, title, next_follow_up_at,
	created_at, updated_at, resolved_at`
	attachmentCols = `id, tenant_id, case_id, name, content_type, size, sha256, uploaded_by, created_at`
	historyCols    = `id, tenant_id, shipment_id, alert_id, case_id, action, actor, detail, occurred_at`
)

func scanCase(r Rows) (store.Case, error) {
	var c store.Case
	var alertID *int64
	err := r.Scan(&c.ID, &c.TenantID, &c.ShipmentID, &alertID, &c.State, &c.Resolution, &c.Owner, &c.Title,
		tc(&c.NextFollowUpAt), tc(&c.CreatedAt), tc(&c.UpdatedAt), tc(&c.ResolvedAt))
	if alertID != nil {
		c.AlertID = *alertID
	}
	return c, err
}

func scanAttachment(r Rows) (store.CaseAttachment, error) {
	var a store.CaseAttachment
	err := r.Scan(&a.ID, &a.TenantID, &a.CaseID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, tc(&a.CreatedAt))
	return a, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateCase implements store.Cases.
func (s *Store) CreateCase(ctx context.Context, tenantID int64, c *store.Case, actor string) error {
	nc := *c
	now := s.clock()
	nc.TenantID, nc.CreatedAt, nc.UpdatedAt = tenantID, now, now
	if nc.State == "" {
		nc.State = "open"
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM shipments WHERE id = $1 AND tenant_id = $2`, nc.ShipmentID, tenantID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("shipment %d: %w", nc.ShipmentID, store.ErrNotFound)
		}
		if nc.AlertID != 0 {
			ok, err := exists(ctx, q, `SELECT 1 FROM alerts WHERE id = $1 AND tenant_id = $2 AND shipment_id = $3`, nc.AlertID, tenantID, nc.ShipmentID)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("alert %d: %w", nc.AlertID, store.ErrNotFound)
			}
		}
		err = queryOne(ctx, q, &nc.ID, `INSERT INTO cases (tenant_id, shipment_id, alert_id, state, resolution, owner, title,
			next_follow_up_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			tenantID, nc.ShipmentID, nullID(nc.AlertID), nc.State, nc.Resolution, nc.Owner, nc.Title,
			s.t(nc.NextFollowUpAt), s.t(now), s.t(now))
		if err != nil {
			return err
		}
		return s.alertLog(ctx, q, store.AlertEvent{TenantID: tenantID, ShipmentID: nc.ShipmentID, AlertID: nc.AlertID,
			CaseID: nc.ID, Action: "case.opened", Actor: actor, Detail: nc.Title, At: now})
	})
	switch {
	case err == nil:
		*c = nc
		return nil
	case s.eng.UniqueViolation(err):
		return fmt.Errorf("store: alert %d already has an open case: %w", nc.AlertID, store.ErrConflict)
	}
	return alertWrap("create case", err)
}

// GetCase implements store.Cases.
func (s *Store) GetCase(ctx context.Context, tenantID, caseID int64) (store.Case, error) {
	return s.getCase(ctx, s.eng.Reader(), tenantID, caseID)
}

func (s *Store) getCase(ctx context.Context, q Querier, tenantID, caseID int64) (store.Case, error) {
	rows, err := q.Query(ctx, `SELECT `+caseCols+` FROM cases WHERE id = $1 AND tenant_id = $2`, caseID, tenantID)
	c, err := one(rows, err, scanCase)
	if err != nil {
		return c, fmt.Errorf("store: case %d: %w", caseID, err)
	}
	return c, nil
}

// ListCases implements store.Cases.
func (s *Store) ListCases(ctx context.Context, tenantID int64, cq store.CaseQuery) ([]store.Case, error) {
	limit, err := pageLimit(cq.Limit)
	if err != nil {
		return nil, err
	}
	c := tenantConds(tenantID)
	if cq.State != "" {
		c.add("state = ?", cq.State)
	}
	if cq.ShipmentID != 0 {
		c.add("shipment_id = ?", cq.ShipmentID)
	}
	lim := c.arg(limit)
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+caseCols+` FROM cases WHERE `+c.sql()+
		` ORDER BY id DESC LIMIT `+lim, c.args...)
	list, err := alertCollect(rows, err, scanCase)
	return list, alertWrap("list cases", err)
}

// MoveCase implements store.Cases.
func (s *Store) MoveCase(ctx context.Context, tenantID, caseID int64, from string, u store.CaseMove) (store.Case, error) {
	var out store.Case
	now := s.clock()
	var resolvedAt time.Time
	if u.Resolution != "" {
		resolvedAt = now
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		rows, err := q.Query(ctx, `UPDATE cases SET state = $1, resolution = $2, updated_at = $3, resolved_at = $4, next_follow_up_at = $5
			WHERE id = $6 AND tenant_id = $7 AND state = $8 RETURNING `+caseCols,
			u.State, u.Resolution, s.t(now), s.t(resolvedAt), s.t(u.NextFollowUpAt), caseID, tenantID, from)
		list, err := alertCollect(rows, err, scanCase)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			if _, err := s.getCase(ctx, q, tenantID, caseID); err != nil {
				return err
			}
			return fmt.Errorf("case %d is no longer %s: %w", caseID, from, store.ErrConflict)
		}
		out = list[0]
		detail := from + " -> " + u.State
		if u.Resolution != "" {
			detail += " (" + u.Resolution + ")"
		}
		ev := store.AlertEvent{TenantID: tenantID, ShipmentID: out.ShipmentID, AlertID: out.AlertID, CaseID: caseID,
			Action: "case.state", Actor: u.Actor, Detail: detail, At: now}
		if err := s.alertLog(ctx, q, ev); err != nil {
			return err
		}
		if u.Note != "" {
			ev.Action, ev.Detail = "case.note", u.Note
			if err := s.alertLog(ctx, q, ev); err != nil {
				return err
			}
		}
		if u.ClearAlert && out.AlertID != 0 {
			n, err := q.Exec(ctx, `UPDATE alerts SET cleared_at = $1, cleared_reason = $2, notice_due = 1
				WHERE id = $3 AND tenant_id = $4 AND cleared_at IS NULL`, s.t(now), u.ClearReason, out.AlertID, tenantID)
			if err != nil {
				return err
			}
			if n > 0 {
				ev.Action, ev.Detail = "alert.cleared", u.ClearReason
				return s.alertLog(ctx, q, ev)
			}
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("store: move case %d: %w", caseID, err)
	}
	return out, nil
}

// caseUpdate runs one UPDATE of a tenant's case and logs ev; a case that
// is not the tenant's is ErrNotFound.
func (s *Store) caseUpdate(ctx context.Context, tenantID, caseID int64, ev store.AlertEvent, sql string, args ...any) error {
	return s.eng.Tx(ctx, func(q Querier) error {
		c, err := s.getCase(ctx, q, tenantID, caseID)
		if err != nil {
			return err
		}
		if sql != "" {
			if _, err := q.Exec(ctx, sql, append(args, caseID, tenantID)...); err != nil {
				return err
			}
		}
		ev.TenantID, ev.ShipmentID, ev.AlertID, ev.CaseID = tenantID, c.ShipmentID, c.AlertID, caseID
		return s.alertLog(ctx, q, ev)
	})
}

// SetCaseOwner implements store.Cases.
func (s *Store) SetCaseOwner(ctx context.Context, tenantID, caseID int64, owner, actor string) error {
	now := s.clock()
	err := s.caseUpdate(ctx, tenantID, caseID, store.AlertEvent{Action: "case.owner", Actor: actor, Detail: owner, At: now},
		`UPDATE cases SET owner = $1, updated_at = $2 WHERE id = $3 AND tenant_id = $4`, owner, s.t(now))
	return alertWrap("set case owner", err)
}

// SetCaseFollowUp implements store.Cases.
func (s *Store) SetCaseFollowUp(ctx context.Context, tenantID, caseID int64, at time.Time, actor string) error {
	now := s.clock()
	detail := "none"
	if !at.IsZero() {
		detail = at.UTC().Format(time.RFC3339)
	}
	err := s.caseUpdate(ctx, tenantID, caseID, store.AlertEvent{Action: "case.follow_up", Actor: actor, Detail: detail, At: now},
		`UPDATE cases SET next_follow_up_at = $1, updated_at = $2 WHERE id = $3 AND tenant_id = $4`, s.t(at), s.t(now))
	return alertWrap("set case follow-up", err)
}

// AddCaseNote implements store.Cases.
func (s *Store) AddCaseNote(ctx context.Context, tenantID, caseID int64, author, body string) error {
	if strings.TrimSpace(body) == "" {
		return store.Invalid(&shipment.InvalidError{Field: "note", Reason: "empty"})
	}
	err := s.caseUpdate(ctx, tenantID, caseID, store.AlertEvent{Action: "case.note", Actor: author, Detail: body}, "")
	return alertWrap("add case note", err)
}

// AddCaseAttachment implements store.Cases.
func (s *Store) AddCaseAttachment(ctx context.Context, tenantID int64, a *store.CaseAttachment) error {
	na := *a
	na.TenantID, na.CreatedAt, na.Size = tenantID, s.clock(), int64(len(a.Data))
	err := s.eng.Tx(ctx, func(q Querier) error {
		c, err := s.getCase(ctx, q, tenantID, na.CaseID)
		if err != nil {
			return err
		}
		err = queryOne(ctx, q, &na.ID, `INSERT INTO case_attachments (tenant_id, case_id, name, content_type, size, sha256, data, uploaded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			tenantID, na.CaseID, na.Name, na.ContentType, na.Size, na.SHA256, na.Data, na.UploadedBy, s.t(na.CreatedAt))
		if err != nil {
			return err
		}
		return s.alertLog(ctx, q, store.AlertEvent{TenantID: tenantID, ShipmentID: c.ShipmentID, AlertID: c.AlertID, CaseID: c.ID,
			Action: "case.attachment", Actor: na.UploadedBy, Detail: na.Name + " (" + na.ContentType + ")", At: na.CreatedAt})
	})
	if err != nil {
		return alertWrap("add case attachment", err)
	}
	*a = na
	return nil
}

// ListCaseAttachments implements store.Cases.
func (s *Store) ListCaseAttachments(ctx context.Context, tenantID, caseID int64) ([]store.CaseAttachment, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+attachmentCols+` FROM case_attachments WHERE tenant_id = $1 AND case_id = $2 ORDER BY id`, tenantID, caseID)
	list, err := alertCollect(rows, err, scanAttachment)
	return list, alertWrap("list case attachments", err)
}

// GetCaseAttachment implements store.Cases.
func (s *Store) GetCaseAttachment(ctx context.Context, tenantID, id int64) (store.CaseAttachment, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+attachmentCols+`, data FROM case_attachments WHERE id = $1 AND tenant_id = $2`, id, tenantID)
	a, err := one(rows, err, func(r Rows) (store.CaseAttachment, error) {
		var a store.CaseAttachment
		err := r.Scan(&a.ID, &a.TenantID, &a.CaseID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, tc(&a.CreatedAt), &a.Data)
		return a, err
	})
	if err != nil {
		return a, fmt.Errorf("store: attachment %d: %w", id, err)
	}
	return a, nil
}

// DueFollowUps implements store.Cases.
func (s *Store) DueFollowUps(ctx context.Context, now time.Time, limit int) ([]store.Case, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+caseCols+` FROM cases
		WHERE next_follow_up_at IS NOT NULL AND next_follow_up_at <= $1 AND state <> 'resolved'
		ORDER BY next_follow_up_at, id LIMIT $2`, s.t(now), limit)
	list, err := alertCollect(rows, err, scanCase)
	return list, alertWrap("due follow-ups", err)
}

// AdvanceFollowUp implements store.Cases.
func (s *Store) AdvanceFollowUp(ctx context.Context, tenantID, caseID int64, due, next time.Time) (bool, error) {
	var moved bool
	err := s.eng.Tx(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `UPDATE cases SET next_follow_up_at = $1 WHERE id = $2 AND tenant_id = $3 AND next_follow_up_at = $4`,
			s.t(next), caseID, tenantID, s.t(due))
		if err != nil || n == 0 {
			return err
		}
		moved = true
		c, err := s.getCase(ctx, q, tenantID, caseID)
		if err != nil {
			return err
		}
		return s.alertLog(ctx, q, store.AlertEvent{TenantID: tenantID, ShipmentID: c.ShipmentID, AlertID: c.AlertID, CaseID: caseID,
			Action: "case.reminder", Actor: c.Owner, Detail: "follow-up due " + due.UTC().Format(time.RFC3339)})
	})
	return moved, alertWrap("advance follow-up", err)
}

// History implements store.Cases.
func (s *Store) History(ctx context.Context, tenantID, alertID, caseID int64) ([]store.AlertEvent, error) {
	var (
		rows Rows
		err  error
	)
	switch {
	case caseID > 0:
		rows, err = s.eng.Reader().Query(ctx, `SELECT `+historyCols+` FROM alert_events WHERE tenant_id = $1 AND case_id = $2 AND case_id <> 0 ORDER BY id`, tenantID, caseID)
	case alertID > 0:
		rows, err = s.eng.Reader().Query(ctx, `SELECT `+historyCols+` FROM alert_events WHERE tenant_id = $1 AND alert_id = $2 AND alert_id <> 0 ORDER BY id`, tenantID, alertID)
	default:
		return nil, store.Invalid(errors.New("history needs an alert or a case"))
	}
	list, err := alertCollect(rows, err, func(r Rows) (store.AlertEvent, error) {
		var e store.AlertEvent
		err := r.Scan(&e.ID, &e.TenantID, &e.ShipmentID, &e.AlertID, &e.CaseID, &e.Action, &e.Actor, &e.Detail, tc(&e.At))
		return e, err
	})
	return list, alertWrap("history", err)
}
