package sqlcore

import (
	"context"
	"errors"
	"fmt"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// CreateTenant implements store.Store.
func (s *Store) CreateTenant(ctx context.Context, t *shipment.Tenant) error {
	nt, err := shipment.NormalizeTenant(*t)
	if err != nil {
		return store.Invalid(err)
	}
	nt.CreatedAt = s.clock()
	err = s.eng.Tx(ctx, func(q Querier) error {
		return queryOne(ctx, q, &nt.ID, `INSERT INTO tenants (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
			nt.Slug, nt.Name, s.t(nt.CreatedAt))
	})
	if err != nil {
		if s.eng.UniqueViolation(err) {
			return fmt.Errorf("store: tenant %q: %w", nt.Slug, store.ErrConflict)
		}
		return fmt.Errorf("store: create tenant: %w", err)
	}
	*t = nt
	return nil
}

// GetTenant implements store.Store.
func (s *Store) GetTenant(ctx context.Context, tenantID int64) (shipment.Tenant, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = $1`, tenantID)
	t, err := one(rows, err, scanTenant)
	if err != nil {
		return t, fmt.Errorf("store: tenant %d: %w", tenantID, err)
	}
	return t, nil
}

// queryOne scans the single value of a one-row result into dest;
// no row is store.ErrNotFound.
func queryOne(ctx context.Context, q Querier, dest any, sql string, args ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	_, err = one(rows, err, func(r Rows) (struct{}, error) { return struct{}{}, r.Scan(dest) })
	return err
}

// one returns the first row of rows scanned by scan; no row is
// store.ErrNotFound.
func one[T any](rows Rows, err error, scan func(Rows) (T, error)) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return zero, err
		}
		return zero, store.ErrNotFound
	}
	v, err := scan(rows)
	if err != nil {
		return zero, err
	}
	// Drain so that drivers report errors raised after the first row.
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return zero, err
	}
	return v, nil
}

// exists reports whether a query returns a row.
func exists(ctx context.Context, q Querier, sql string, args ...any) (bool, error) {
	var x int
	err := queryOne(ctx, q, &x, sql, args...)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
