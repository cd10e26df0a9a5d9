package sqlcore

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// CreateShipment implements store.Store.
func (s *Store) CreateShipment(ctx context.Context, tenantID int64, sh *shipment.Shipment) error {
	ns, repairs, err := shipment.NormalizeShipment(*sh)
	if err != nil {
		s.log.WarnContext(ctx, "shipment rejected", "tenant_id", tenantID, "reference", sh.Reference, "error", err)
		return store.Invalid(err)
	}
	for _, r := range repairs {
		s.log.InfoContext(ctx, "shipment repaired", "tenant_id", tenantID, "field", r.Field, "reason", r.Reason)
	}
	now := s.clock()
	ns.TenantID, ns.CreatedAt, ns.UpdatedAt = tenantID, now, now
	ns.Progress = shipment.NewProgress()
	err = s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM tenants WHERE id = $1`, tenantID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("tenant %d: %w", tenantID, store.ErrNotFound)
		}
		args := []any{tenantID, ns.Reference, ns.Customer.Name, ns.Customer.Email, ns.Customer.Phone,
			ns.Customer.Language, ns.OriginCountry, ns.DestinationCountry, s.t(ns.PromisedDate)}
		args = append(args, s.progressArgs(ns.Progress)...)
		args = append(args, s.t(now), s.t(now))
		args = append(args, s.detailArgs(ns)...)
		return queryOne(ctx, q, &ns.ID, `INSERT INTO shipments (`+strings.Replace(shipmentCols, "id, ", "", 1)+`)
			VALUES (`+placeholders(1, len(args))+`) RETURNING id`, args...)
	})
	switch {
	case err == nil:
		*sh = ns
		return nil
	case s.eng.UniqueViolation(err):
		return fmt.Errorf("store: shipment reference %q: %w", ns.Reference, store.ErrConflict)
	}
	return fmt.Errorf("store: create shipment: %w", err)
}

// GetShipment implements store.Store.
func (s *Store) GetShipment(ctx context.Context, tenantID, id int64) (shipment.Shipment, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE id = $1 AND tenant_id = $2`, id, tenantID)
	sh, err := one(rows, err, scanShipment)
	if err != nil {
		return sh, fmt.Errorf("store: shipment %d: %w", id, err)
	}
	return sh, nil
}

// FindShipmentByReference implements store.Store.
func (s *Store) FindShipmentByReference(ctx context.Context, tenantID int64, ref string) (shipment.Shipment, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return shipment.Shipment{}, fmt.Errorf("store: empty reference: %w", store.ErrNotFound)
	}
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE tenant_id = $1 AND reference = $2`, tenantID, ref)
	sh, err := one(rows, err, scanShipment)
	if err != nil {
		return sh, fmt.Errorf("store: shipment reference %q: %w", ref, err)
	}
	return sh, nil
}

// FindShipmentsByTrackingNumber implements store.Store.
func (s *Store) FindShipmentsByTrackingNumber(ctx context.Context, tenantID int64, number string) ([]shipment.Shipment, error) {
	number = strings.TrimSpace(number)
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shipmentCols+` FROM shipments
		WHERE tenant_id = $1 AND id IN (SELECT shipment_id FROM parcels WHERE tenant_id = $1 AND tracking_number = $2)
		ORDER BY created_at DESC, id DESC`, tenantID, number)
	if err != nil {
		return nil, fmt.Errorf("store: find tracking number: %w", err)
	}
	list, err := collect(rows, scanShipment)
	if err != nil {
		return nil, fmt.Errorf("store: find tracking number: %w", err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("store: tracking number %q: %w", number, store.ErrNotFound)
	}
	return list, nil
}

// ListShipments implements store.Store. Pages are cut by keyset on
// (created_at, id), newest first, so a page costs the same however deep it is.
func (s *Store) ListShipments(ctx context.Context, tenantID int64, lq store.ListQuery) (store.Page, error) {
	limit, err := pageLimit(lq.Limit)
	if err != nil {
		return store.Page{}, err
	}
	c := tenantConds(tenantID)
	if lq.Status != "" {
		c.where = append(c.where, "status = "+c.arg(string(lq.Status)))
	}
	if lq.Carrier != "" {
		// Checked row by row while the newest-first index is walked, so a
		// page stops at its limit instead of collecting every shipment of
		// a busy carrier first.
		c.where = append(c.where, "EXISTS (SELECT 1 FROM parcels p WHERE p.shipment_id = shipments.id AND p.carrier = "+c.arg(lq.Carrier)+")")
	}
	if lq.OriginCountry != "" {
		c.where = append(c.where, "origin_country = "+c.arg(strings.ToUpper(lq.OriginCountry)))
	}
	if lq.DestinationCountry != "" {
		c.where = append(c.where, "destination_country = "+c.arg(strings.ToUpper(lq.DestinationCountry)))
	}
	if q := strings.TrimSpace(lq.Search); q != "" {
		ids, err := s.searchIDs(ctx, tenantID, q)
		if err != nil {
			return store.Page{}, fmt.Errorf("store: list shipments: %w", err)
		}
		if len(ids) == 0 {
			return store.Page{}, nil
		}
		ph := make([]string, len(ids))
		for i, id := range ids {
			ph[i] = c.arg(id)
		}
		c.where = append(c.where, "id IN ("+strings.Join(ph, ", ")+")")
	}
	if !lq.CreatedFrom.IsZero() {
		c.where = append(c.where, "created_at >= "+c.arg(s.t(lq.CreatedFrom)))
	}
	if !lq.CreatedTo.IsZero() {
		c.where = append(c.where, "created_at < "+c.arg(s.t(lq.CreatedTo)))
	}
	if lq.Cursor != "" {
		at, id, err := decodeCursor(lq.Cursor)
		if err != nil {
			return store.Page{}, store.Invalid(&shipment.InvalidError{Field: "cursor", Reason: err.Error()})
		}
		c.keyset("created_at", s.t(at), id)
	}
	lim := c.arg(limit + 1)
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE `+c.sql()+
		` ORDER BY created_at DESC, id DESC LIMIT `+lim, c.args...)
	if err != nil {
		return store.Page{}, fmt.Errorf("store: list shipments: %w", err)
	}
	list, err := collect(rows, scanShipment)
	if err != nil {
		return store.Page{}, fmt.Errorf("store: list shipments: %w", err)
	}
	var p store.Page
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		p.Next = encodeCursor(last.CreatedAt, last.ID)
	}
	p.Shipments = list
	return p, nil
}

func encodeCursor(at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (time.Time, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, 0, errors.New("malformed cursor")
	}
	a, i, ok := strings.Cut(string(b), ".")
	us, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(i, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return time.Time{}, 0, errors.New("malformed cursor")
	}
	return time.UnixMicro(us).UTC(), id, nil
}

// detailArgs returns the arguments for the columns after updated_at in
// shipmentCols, in order.
func (s *Store) detailArgs(sh shipment.Shipment) []any {
	a := sh.Customer.Address
	return []any{sh.Service, s.t(sh.OrderedAt), s.t(sh.CompletedAt),
		a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country}
}

// UpdateShipment implements store.Store.
func (s *Store) UpdateShipment(ctx context.Context, tenantID int64, sh *shipment.Shipment) error {
	ns, repairs, err := shipment.NormalizeShipment(*sh)
	if err != nil {
		return store.Invalid(err)
	}
	for _, r := range repairs {
		s.log.InfoContext(ctx, "shipment repaired", "tenant_id", tenantID, "shipment_id", sh.ID, "field", r.Field, "reason", r.Reason)
	}
	now := s.clock()
	var out shipment.Shipment
	err = s.eng.Tx(ctx, func(q Querier) error {
		rows, err := q.Query(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE id = $1 AND tenant_id = $2`+s.eng.ForUpdate(), ns.ID, tenantID)
		cur, err := one(rows, err, scanShipment)
		if err != nil {
			return err
		}
		a := ns.Customer.Address
		n, err := q.Exec(ctx, `UPDATE shipments SET reference = $1, customer_name = $2, customer_email = $3,
			customer_phone = $4, customer_language = $5, origin_country = $6, destination_country = $7,
			promised_date = $8, service = $9, ordered_at = $10, completed_at = $11, addr_line1 = $12,
			addr_line2 = $13, addr_city = $14, addr_region = $15, addr_postal_code = $16, addr_country = $17,
			updated_at = $18 WHERE id = $19 AND tenant_id = $20`,
			ns.Reference, ns.Customer.Name, ns.Customer.Email, ns.Customer.Phone, ns.Customer.Language,
			ns.OriginCountry, ns.DestinationCountry, s.t(ns.PromisedDate), ns.Service, s.t(ns.OrderedAt),
			s.t(ns.CompletedAt), a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, s.t(now), ns.ID, tenantID)
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		if cur.CompletedAt.IsZero() && !ns.CompletedAt.IsZero() {
			// A completed shipment is not tracked any more.
			if _, err := q.Exec(ctx, `UPDATE parcels SET next_check_at = NULL, next_check_reason = 'shipment completed',
				updated_at = $1 WHERE shipment_id = $2 AND tenant_id = $3`, s.t(now), ns.ID, tenantID); err != nil {
				return err
			}
		}
		rows, err = q.Query(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE id = $1 AND tenant_id = $2`, ns.ID, tenantID)
		out, err = one(rows, err, scanShipment)
		return err
	})
	switch {
	case err == nil:
		*sh = out
		return nil
	case s.eng.UniqueViolation(err):
		return fmt.Errorf("store: shipment reference %q: %w", ns.Reference, store.ErrConflict)
	}
	return fmt.Errorf("store: update shipment %d: %w", sh.ID, err)
}

// DeleteShipment implements store.Store. Rows are deleted explicitly,
// children first, rather than through cascades, so the outcome does not
// depend on which foreign keys an engine keeps.
func (s *Store) DeleteShipment(ctx context.Context, tenantID, shipmentID int64) error {
	err := s.eng.Tx(ctx, func(q Querier) error {
		// Take the rows an ingest locks, in its order, first: an ingest
		// for this shipment either finished before or waits, so none of
		// its events outlives the delete.
		if s.eng.ForUpdate() != "" {
			for _, lock := range []string{
				`SELECT id FROM shipments WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
				`SELECT id FROM parcels WHERE shipment_id = $1 AND tenant_id = $2 ORDER BY id FOR UPDATE`,
			} {
				rows, err := q.Query(ctx, lock, shipmentID, tenantID)
				if err != nil {
					return err
				}
				for rows.Next() {
				}
				err = rows.Err()
				rows.Close()
				if err != nil {
					return err
				}
			}
		}
		for _, stmt := range []string{
			`DELETE FROM events WHERE parcel_id IN (SELECT id FROM parcels WHERE shipment_id = $1 AND tenant_id = $2)`,
			`DELETE FROM parcels WHERE shipment_id = $1 AND tenant_id = $2`,
			`DELETE FROM tasks WHERE shipment_id = $1 AND tenant_id = $2`,
		} {
			if _, err := q.Exec(ctx, stmt, shipmentID, tenantID); err != nil {
				return err
			}
		}
		n, err := q.Exec(ctx, `DELETE FROM shipments WHERE id = $1 AND tenant_id = $2`, shipmentID, tenantID)
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete shipment %d: %w", shipmentID, err)
	}
	return nil
}

// searchMax bounds the shipments one search term can match.
const searchMax = 1000

// searchIDs returns the IDs of the tenant's shipments whose tracking
// number, reference or customer email (as typed or in lower case) is q.
// Each is one indexed lookup; one query ORing them would leave the
// engines' planners walking the whole table.
func (s *Store) searchIDs(ctx context.Context, tenantID int64, q string) ([]int64, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, sql := range []struct {
		text string
		args []any
	}{
		{`SELECT shipment_id FROM parcels WHERE tenant_id = $1 AND tracking_number = $2 LIMIT $3`, []any{tenantID, q, searchMax}},
		{`SELECT id FROM shipments WHERE tenant_id = $1 AND reference = $2 AND reference <> '' LIMIT $3`, []any{tenantID, q, searchMax}},
		{`SELECT id FROM shipments WHERE tenant_id = $1 AND customer_email IN ($2, $3) AND customer_email <> '' LIMIT $4`, []any{tenantID, q, strings.ToLower(q), searchMax}},
	} {
		rows, err := s.eng.Reader().Query(ctx, sql.text, sql.args...)
		if err != nil {
			return nil, err
		}
		got, err := collect(rows, func(r Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			if !seen[id] && len(ids) < searchMax {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}
