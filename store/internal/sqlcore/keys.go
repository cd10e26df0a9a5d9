package sqlcore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.Keys = (*Store)(nil)

const apiKeyCols = `id, tenant_id, name, prefix, hash, scope, created_at, last_used_at, revoked_at`

func scanAPIKey(r Rows) (store.APIKey, error) {
	var k store.APIKey
	err := r.Scan(&k.ID, &k.TenantID, &k.Name, &k.Prefix, &k.Hash, &k.Scope, tc(&k.CreatedAt), tc(&k.LastUsedAt), tc(&k.RevokedAt))
	return k, err
}

// FindTenantBySlug implements store.Keys.
func (s *Store) FindTenantBySlug(ctx context.Context, slug string) (shipment.Tenant, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+tenantCols+` FROM tenants WHERE slug = $1`, strings.TrimSpace(slug))
	t, err := one(rows, err, scanTenant)
	if err != nil {
		return t, fmt.Errorf("store: tenant %q: %w", slug, err)
	}
	return t, nil
}

// ListTenants implements store.Keys.
func (s *Store) ListTenants(ctx context.Context) ([]shipment.Tenant, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+tenantCols+` FROM tenants ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: list tenants: %w", err)
	}
	list, err := collect(rows, scanTenant)
	if err != nil {
		return nil, fmt.Errorf("store: list tenants: %w", err)
	}
	return list, nil
}

// CreateAPIKey implements store.Keys.
func (s *Store) CreateAPIKey(ctx context.Context, k *store.APIKey) error {
	switch k.Scope {
	case store.ScopeRead, store.ScopeWrite, store.ScopeAdmin:
	default:
		return store.Invalid(&shipment.InvalidError{Field: "scope", Reason: fmt.Sprintf("%q is not read, write or admin", k.Scope)})
	}
	if len(k.Hash) != 64 || k.Prefix == "" {
		return store.Invalid(&shipment.InvalidError{Field: "hash", Reason: "want a hex SHA-256 and a prefix"})
	}
	var rs []shipment.Repair
	name := shipment.CleanString("name", k.Name, shipment.MaxShortBytes, &rs)
	now := s.clock()
	var id int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM tenants WHERE id = $1`, k.TenantID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("tenant %d: %w", k.TenantID, store.ErrNotFound)
		}
		return queryOne(ctx, q, &id, `INSERT INTO api_keys (tenant_id, name, prefix, hash, scope, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, k.TenantID, name, k.Prefix, k.Hash, k.Scope, s.t(now))
	})
	switch {
	case err == nil:
		k.ID, k.Name, k.CreatedAt, k.LastUsedAt, k.RevokedAt = id, name, now, time.Time{}, time.Time{}
		return nil
	case s.eng.UniqueViolation(err):
		return fmt.Errorf("store: api key %s: %w", k.Prefix, store.ErrConflict)
	}
	return fmt.Errorf("store: create api key: %w", err)
}

// FindAPIKey implements store.Keys.
func (s *Store) FindAPIKey(ctx context.Context, hash string) (store.APIKey, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE hash = $1`, hash)
	k, err := one(rows, err, scanAPIKey)
	if err != nil {
		return k, fmt.Errorf("store: api key: %w", err)
	}
	return k, nil
}

// ListAPIKeys implements store.Keys.
func (s *Store) ListAPIKeys(ctx context.Context, tenantID int64) ([]store.APIKey, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE tenant_id = $1 ORDER BY id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: list api keys: %w", err)
	}
	list, err := collect(rows, scanAPIKey)
	if err != nil {
		return nil, fmt.Errorf("store: list api keys: %w", err)
	}
	return list, nil
}

// RevokeAPIKey implements store.Keys.
func (s *Store) RevokeAPIKey(ctx context.Context, tenantID, keyID int64, at time.Time) error {
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND tenant_id = $3`,
			s.t(at), keyID, tenantID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: revoke api key %d: %w", keyID, err)
	}
	if n == 0 {
		return fmt.Errorf("store: api key %d: %w", keyID, store.ErrNotFound)
	}
	return nil
}

// TouchAPIKey implements store.Keys.
func (s *Store) TouchAPIKey(ctx context.Context, tenantID, keyID int64, at time.Time) error {
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) error {
		var err error
		n, err = q.Exec(ctx, `UPDATE api_keys SET last_used_at = $1
			WHERE id = $2 AND tenant_id = $3 AND (last_used_at IS NULL OR last_used_at < $1)`, s.t(at), keyID, tenantID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: touch api key %d: %w", keyID, err)
	}
	if n == 0 {
		ok, err := exists(ctx, s.eng.Reader(), `SELECT 1 FROM api_keys WHERE id = $1 AND tenant_id = $2`, keyID, tenantID)
		if err != nil {
			return fmt.Errorf("store: touch api key %d: %w", keyID, err)
		}
		if !ok {
			return fmt.Errorf("store: api key %d: %w", keyID, store.ErrNotFound)
		}
	}
	return nil
}
