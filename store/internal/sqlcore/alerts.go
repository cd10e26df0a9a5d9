package sqlcore

import (
	"context"
	"fmt"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var (
	_ store.Alerts = (*Store)(nil)
	_ store.Cases  = (*Store)(nil)
)

const (
	alertCols = `id, tenant_id, shipment_id, kind, carrier, substatus, detail, raised_at, cleared_at,
	cleared_reason, notices_sent, digested_at`

	subjectCols = `id, tenant_id, origin_country, destination_country, promised_date, ` + progressCols + `, created_at`
)

func scanAlert(r Rows) (store.Alert, error) {
	var a store.Alert
	err := r.Scan(&a.ID, &a.TenantID, &a.ShipmentID, &a.Kind, &a.Carrier, &a.Substatus, &a.Detail,
		tc(&a.RaisedAt), tc(&a.ClearedAt), &a.ClearedReason, &a.NoticesSent, tc(&a.DigestedAt))
	return a, err
}

func scanSubject(r Rows) (store.AlertSubject, error) {
	return newSubjectScanner().scan(r)
}

// subjectScanner reuses one set of scan destinations for every row: the
// timer scan reads millions of rows, and boxing a destination per column
// per row cost more than the rules themselves.
type subjectScanner struct {
	s    store.AlertSubject
	dest []any
}

func newSubjectScanner() *subjectScanner {
	sc := &subjectScanner{}
	s := &sc.s
	sc.dest = append([]any{&s.ShipmentID, &s.TenantID, &s.OriginCountry, &s.DestinationCountry, tc(&s.PromisedDate)},
		progressDest(&s.Progress)...)
	sc.dest = append(sc.dest, tc(&s.CreatedAt))
	return sc
}

func (sc *subjectScanner) scan(r Rows) (store.AlertSubject, error) {
	sc.s = store.AlertSubject{}
	err := r.Scan(sc.dest...)
	return sc.s, err
}

// ScanAlertSubjects implements store.Alerts. It reads one page of
// shipments by primary key, then the carriers and open alerts of that ID
// range with two indexed range reads, so a page costs three statements
// however many shipments it holds.
func (s *Store) ScanAlertSubjects(ctx context.Context, afterID int64, limit int) ([]store.AlertSubject, error) {
	if limit <= 0 || limit > 10000 {
		return nil, store.Invalid(&shipment.InvalidError{Field: "limit", Reason: "must be between 1 and 10000"})
	}
	r := s.eng.Reader()
	rows, err := r.Query(ctx, `SELECT `+subjectCols+` FROM shipments s
		WHERE id > $1 AND (status NOT IN ('delivered', 'expired')
			OR EXISTS (SELECT 1 FROM alerts a WHERE a.shipment_id = s.id AND a.cleared_at IS NULL))
		ORDER BY id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: scan alert subjects: %w", err)
	}
	subs := make([]store.AlertSubject, 0, limit)
	sc := newSubjectScanner()
	err = alertEach(rows, func(r Rows) error {
		s, err := sc.scan(r)
		subs = append(subs, s)
		return err
	})
	if err != nil || len(subs) == 0 {
		return subs, alertWrap("scan alert subjects", err)
	}
	if err := s.fillSubjects(ctx, r, subs); err != nil {
		return nil, fmt.Errorf("store: scan alert subjects: %w", err)
	}
	return subs, nil
}

// fillSubjects sets the last-leg carrier and open alerts of subjects,
// which are in ID order.
func (s *Store) fillSubjects(ctx context.Context, r Querier, subs []store.AlertSubject) error {
	lo, hi := subs[0].ShipmentID, subs[len(subs)-1].ShipmentID
	idx := make(map[int64]int, len(subs))
	for i := range subs {
		idx[subs[i].ShipmentID] = i
	}
	rows, err := r.Query(ctx, `SELECT shipment_id, carrier FROM parcels
		WHERE shipment_id >= $1 AND shipment_id <= $2 ORDER BY shipment_id, leg, id`, lo, hi)
	if err != nil {
		return err
	}
	err = alertEach(rows, func(r Rows) error {
		var id int64
		var carrier string
		if err := r.Scan(&id, &carrier); err != nil {
			return err
		}
		if i, ok := idx[id]; ok {
			subs[i].Carrier = carrier // the last leg read wins
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows, err = r.Query(ctx, `SELECT id, shipment_id, kind FROM alerts
		WHERE shipment_id >= $1 AND shipment_id <= $2 AND cleared_at IS NULL`, lo, hi)
	if err != nil {
		return err
	}
	return alertEach(rows, func(r Rows) error {
		var a store.OpenAlert
		var sid int64
		if err := r.Scan(&a.ID, &sid, &a.Kind); err != nil {
			return err
		}
		if i, ok := idx[sid]; ok {
			subs[i].Open = append(subs[i].Open, a)
		}
		return nil
	})
}

// GetAlertSubject implements store.Alerts.
func (s *Store) GetAlertSubject(ctx context.Context, tenantID, shipmentID int64) (store.AlertSubject, error) {
	r := s.eng.Reader()
	rows, err := r.Query(ctx, `SELECT `+subjectCols+` FROM shipments WHERE id = $1 AND tenant_id = $2`, shipmentID, tenantID)
	sub, err := one(rows, err, scanSubject)
	if err != nil {
		return sub, fmt.Errorf("store: alert subject %d: %w", shipmentID, err)
	}
	subs := []store.AlertSubject{sub}
	if err := s.fillSubjects(ctx, r, subs); err != nil {
		return sub, fmt.Errorf("store: alert subject %d: %w", shipmentID, err)
	}
	return subs[0], nil
}

// ApplyAlerts implements store.Alerts.
func (s *Store) ApplyAlerts(ctx context.Context, raise []store.AlertRaise, clear []store.AlertClear) (store.AlertChanges, error) {
	var out store.AlertChanges
	if len(raise) == 0 && len(clear) == 0 {
		return out, nil
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		out = store.AlertChanges{}
		for _, c := range clear {
			at := c.At
			if at.IsZero() {
				at = s.clock()
			}
			rows, err := q.Query(ctx, `UPDATE alerts SET cleared_at = $1, cleared_reason = $2, notice_due = 1
				WHERE id = $3 AND tenant_id = $4 AND cleared_at IS NULL RETURNING `+alertCols,
				s.t(at), c.Reason, c.AlertID, c.TenantID)
			list, err := alertCollect(rows, err, scanAlert)
			if err != nil {
				return fmt.Errorf("clear alert %d: %w", c.AlertID, err)
			}
			for _, a := range list {
				if err := s.alertLog(ctx, q, store.AlertEvent{TenantID: a.TenantID, ShipmentID: a.ShipmentID,
					AlertID: a.ID, Action: "alert.cleared", Actor: c.Actor, Detail: c.Reason, At: at}); err != nil {
					return err
				}
				out.Cleared = append(out.Cleared, a)
			}
		}
		for _, r := range raise {
			at := r.At
			if at.IsZero() {
				at = s.clock()
			}
			a := store.Alert{TenantID: r.TenantID, ShipmentID: r.ShipmentID, Kind: r.Kind, Carrier: r.Carrier,
				Substatus: r.Substatus, Detail: r.Detail, RaisedAt: at.UTC().Truncate(time.Microsecond)}
			rows, err := q.Query(ctx, `INSERT INTO alerts (tenant_id, shipment_id, kind, carrier, substatus, detail, raised_at)
				SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM shipments WHERE id = $2 AND tenant_id = $1)
				ON CONFLICT (tenant_id, shipment_id, kind) WHERE cleared_at IS NULL DO NOTHING RETURNING id`,
				r.TenantID, r.ShipmentID, r.Kind, r.Carrier, r.Substatus, r.Detail, s.t(at))
			ids, err := alertCollect(rows, err, func(r Rows) (int64, error) {
				var id int64
				return id, r.Scan(&id)
			})
			if err != nil {
				return fmt.Errorf("raise %s on shipment %d: %w", r.Kind, r.ShipmentID, err)
			}
			if len(ids) == 0 {
				continue // already open, or not the tenant's shipment
			}
			a.ID = ids[0]
			if err := s.alertLog(ctx, q, store.AlertEvent{TenantID: a.TenantID, ShipmentID: a.ShipmentID,
				AlertID: a.ID, Action: "alert.raised", Detail: r.Kind + ": " + r.Detail, At: at}); err != nil {
				return err
			}
			out.Raised = append(out.Raised, a)
		}
		return nil
	})
	if err != nil {
		return store.AlertChanges{}, fmt.Errorf("store: apply alerts: %w", err)
	}
	return out, nil
}

// alertLog appends one history entry.
func (s *Store) alertLog(ctx context.Context, q Querier, e store.AlertEvent) error {
	if e.At.IsZero() {
		e.At = s.clock()
	}
	_, err := q.Exec(ctx, `INSERT INTO alert_events (tenant_id, shipment_id, alert_id, case_id, action, actor, detail, occurred_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.TenantID, e.ShipmentID, e.AlertID, e.CaseID, e.Action, e.Actor, e.Detail, s.t(e.At))
	if err != nil {
		return fmt.Errorf("history %s: %w", e.Action, err)
	}
	return nil
}

// GetAlert implements store.Alerts.
func (s *Store) GetAlert(ctx context.Context, tenantID, alertID int64) (store.Alert, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+alertCols+` FROM alerts WHERE id = $1 AND tenant_id = $2`, alertID, tenantID)
	a, err := one(rows, err, scanAlert)
	if err != nil {
		return a, fmt.Errorf("store: alert %d: %w", alertID, err)
	}
	return a, nil
}

// ListAlerts implements store.Alerts; pages are cut by keyset on
// (raised_at, id), newest first.
func (s *Store) ListAlerts(ctx context.Context, tenantID int64, aq store.AlertQuery) (store.AlertPage, error) {
	limit, err := pageLimit(aq.Limit)
	if err != nil {
		return store.AlertPage{}, err
	}
	c := tenantConds(tenantID)
	if !aq.All {
		c.where = append(c.where, "cleared_at IS NULL")
	}
	if aq.Kind != "" {
		c.add("kind = ?", aq.Kind)
	}
	if aq.Carrier != "" {
		c.add("carrier = ?", aq.Carrier)
	}
	if aq.ShipmentID != 0 {
		c.add("shipment_id = ?", aq.ShipmentID)
	}
	if aq.Cursor != "" {
		at, id, err := decodeCursor(aq.Cursor)
		if err != nil {
			return store.AlertPage{}, store.Invalid(&shipment.InvalidError{Field: "cursor", Reason: err.Error()})
		}
		c.keyset("raised_at", s.t(at), id)
	}
	lim := c.arg(limit + 1)
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+alertCols+` FROM alerts WHERE `+c.sql()+
		` ORDER BY raised_at DESC, id DESC LIMIT `+lim, c.args...)
	list, err := alertCollect(rows, err, scanAlert)
	if err != nil {
		return store.AlertPage{}, fmt.Errorf("store: list alerts: %w", err)
	}
	var p store.AlertPage
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		p.Next = encodeCursor(last.RaisedAt, last.ID)
	}
	p.Alerts = list
	return p, nil
}

// PendingAlertNotices implements store.Alerts.
func (s *Store) PendingAlertNotices(ctx context.Context, limit int) ([]store.Alert, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+alertCols+` FROM alerts WHERE notice_due = 1 ORDER BY id LIMIT $1`, limit)
	list, err := alertCollect(rows, err, scanAlert)
	return list, alertWrap("pending alert notices", err)
}

// MarkAlertNotices implements store.Alerts. A clear that happened after
// the raised notice was read keeps the row due, for its cleared notice.
func (s *Store) MarkAlertNotices(ctx context.Context, tenantID, alertID int64, sent int) error {
	err := s.eng.Tx(ctx, func(q Querier) error {
		_, err := q.Exec(ctx, `UPDATE alerts SET notices_sent = $1,
			notice_due = CASE WHEN cleared_at IS NULL OR $1 >= 2 THEN 0 ELSE 1 END
			WHERE id = $2 AND tenant_id = $3 AND notices_sent < $1`, sent, alertID, tenantID)
		return err
	})
	return alertWrap("mark alert notices", err)
}

// UndigestedAlerts implements store.Alerts.
func (s *Store) UndigestedAlerts(ctx context.Context, tenantID int64, limit int) ([]store.Alert, error) {
	if tenantID == 0 {
		rows, err := s.eng.Reader().Query(ctx, `SELECT DISTINCT tenant_id FROM alerts WHERE digested_at IS NULL ORDER BY tenant_id LIMIT $1`, limit)
		list, err := alertCollect(rows, err, func(r Rows) (store.Alert, error) {
			var a store.Alert
			return a, r.Scan(&a.TenantID)
		})
		return list, alertWrap("undigested alerts", err)
	}
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+alertCols+` FROM alerts
		WHERE tenant_id = $1 AND digested_at IS NULL ORDER BY id LIMIT $2`, tenantID, limit)
	list, err := alertCollect(rows, err, scanAlert)
	return list, alertWrap("undigested alerts", err)
}

// MarkAlertsDigested implements store.Alerts.
func (s *Store) MarkAlertsDigested(ctx context.Context, tenantID int64, at time.Time, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		args := [][]any{}
		for _, id := range ids {
			args = append(args, []any{s.t(at), id, tenantID})
		}
		return q.ExecBatch(ctx, `UPDATE alerts SET digested_at = $1 WHERE id = $2 AND tenant_id = $3 AND digested_at IS NULL`, args)
	})
	return alertWrap("mark alerts digested", err)
}

// alertEach runs fn on every row, closing rows.
func alertEach(rows Rows, fn func(Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// alertCollect is collect for a Query whose error is not yet checked.
func alertCollect[T any](rows Rows, err error, scan func(Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return collect(rows, scan)
}

// alertWrap adds the store prefix and what failed; nil stays nil.
func alertWrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s: %w", what, err)
}
