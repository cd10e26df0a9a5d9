package sqlcore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.Shops = (*Store)(nil)

const shopConnCols = `id, tenant_id, kind, name, shop_url, hook_key, secrets, settings, enabled,
	sync_cursor, last_sync_at, last_error, created_at, updated_at`

func scanShopConn(r Rows) (store.ShopConnection, error) {
	var c store.ShopConnection
	var kind, settings string
	err := r.Scan(&c.ID, &c.TenantID, &kind, &c.Name, &c.ShopURL, &c.HookKey, &c.Secrets, &settings, &c.Enabled,
		&c.Cursor, tc(&c.LastSyncAt), &c.LastError, tc(&c.CreatedAt), tc(&c.UpdatedAt))
	if err != nil {
		return c, err
	}
	c.Kind = store.ShopKind(kind)
	if settings != "" && settings != "{}" {
		if err := json.Unmarshal([]byte(settings), &c.Settings); err != nil {
			return c, fmt.Errorf("shop connection %d: settings: %w", c.ID, err)
		}
	}
	return c, nil
}

func invalidShop(field, reason string) error {
	return store.Invalid(&shipment.InvalidError{Field: field, Reason: reason})
}

// normalShopConn checks what the caller may set on a connection.
func normalShopConn(c store.ShopConnection) (store.ShopConnection, []byte, error) {
	if !c.Kind.Valid() {
		return c, nil, invalidShop("kind", fmt.Sprintf("%q is not shopify, woocommerce or magento", c.Kind))
	}
	c.Name = strings.TrimSpace(c.Name)
	if len(c.Name) > shipment.MaxShortBytes {
		return c, nil, invalidShop("name", "too long")
	}
	u, err := url.Parse(strings.TrimSpace(c.ShopURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || len(c.ShopURL) > 512 {
		return c, nil, invalidShop("shop_url", "must be an http(s) URL of the shop without query or credentials")
	}
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	c.ShopURL = u.String()
	if len(c.Secrets) > 16<<10 {
		return c, nil, invalidShop("secrets", "too large")
	}
	if c.Secrets == nil {
		c.Secrets = []byte{}
	}
	settings, err := json.Marshal(c.Settings)
	if err != nil {
		return c, nil, fmt.Errorf("settings: %w", err)
	}
	return c, settings, nil
}

func newHookKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

// CreateShopConnection implements store.Shops.
func (s *Store) CreateShopConnection(ctx context.Context, tenantID int64, c *store.ShopConnection) error {
	nc, settings, err := normalShopConn(*c)
	if err != nil {
		return err
	}
	if nc.HookKey == "" {
		nc.HookKey = newHookKey()
	} else if len(nc.HookKey) < 16 || len(nc.HookKey) > 64 {
		return invalidShop("hook_key", "must be 16 to 64 characters")
	}
	now := s.clock()
	nc.TenantID, nc.CreatedAt, nc.UpdatedAt = tenantID, now, now
	nc.Cursor, nc.LastSyncAt, nc.LastError = "", time.Time{}, ""
	err = s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM tenants WHERE id = $1`, tenantID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("tenant %d: %w", tenantID, store.ErrNotFound)
		}
		return queryOne(ctx, q, &nc.ID, `INSERT INTO shop_connections (tenant_id, kind, name, shop_url, hook_key,
			secrets, settings, enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			tenantID, string(nc.Kind), nc.Name, nc.ShopURL, nc.HookKey, nc.Secrets, string(settings), nc.Enabled,
			s.t(now), s.t(now))
	})
	switch {
	case err == nil:
		*c = nc
		return nil
	case s.eng.UniqueViolation(err):
		return fmt.Errorf("store: shop connection %s %s: %w", nc.Kind, nc.ShopURL, store.ErrConflict)
	}
	return fmt.Errorf("store: create shop connection: %w", err)
}

// GetShopConnection implements store.Shops.
func (s *Store) GetShopConnection(ctx context.Context, tenantID, id int64) (store.ShopConnection, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shopConnCols+` FROM shop_connections WHERE id = $1 AND tenant_id = $2`,
		id, tenantID)
	c, err := one(rows, err, scanShopConn)
	if err != nil {
		return c, fmt.Errorf("store: shop connection %d: %w", id, err)
	}
	return c, nil
}

// ListShopConnections implements store.Shops.
func (s *Store) ListShopConnections(ctx context.Context, tenantID int64) ([]store.ShopConnection, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shopConnCols+` FROM shop_connections WHERE tenant_id = $1 ORDER BY id`,
		tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: list shop connections: %w", err)
	}
	list, err := collect(rows, scanShopConn)
	if err != nil {
		return nil, fmt.Errorf("store: list shop connections: %w", err)
	}
	return list, nil
}

// UpdateShopConnection implements store.Shops.
func (s *Store) UpdateShopConnection(ctx context.Context, tenantID int64, c *store.ShopConnection) error {
	old, err := s.GetShopConnection(ctx, tenantID, c.ID)
	if err != nil {
		return err
	}
	in := *c
	in.Kind = old.Kind
	nc, settings, err := normalShopConn(in)
	if err != nil {
		return err
	}
	now := s.clock()
	var n int64
	err = s.eng.Tx(ctx, func(q Querier) (err error) {
		n, err = q.Exec(ctx, `UPDATE shop_connections SET name = $1, shop_url = $2, secrets = $3, settings = $4,
		enabled = $5, updated_at = $6 WHERE id = $7 AND tenant_id = $8`,
			nc.Name, nc.ShopURL, nc.Secrets, string(settings), nc.Enabled, s.t(now), nc.ID, tenantID)
		return err
	})
	switch {
	case err != nil && s.eng.UniqueViolation(err):
		return fmt.Errorf("store: shop connection %s %s: %w", nc.Kind, nc.ShopURL, store.ErrConflict)
	case err != nil:
		return fmt.Errorf("store: update shop connection: %w", err)
	case n == 0:
		return fmt.Errorf("store: shop connection %d: %w", nc.ID, store.ErrNotFound)
	}
	got, err := s.GetShopConnection(ctx, tenantID, nc.ID)
	if err != nil {
		return err
	}
	*c = got
	return nil
}

// DeleteShopConnection implements store.Shops.
func (s *Store) DeleteShopConnection(ctx context.Context, tenantID, id int64) error {
	return s.eng.Tx(ctx, func(q Querier) error {
		// Children first: SQLite enforces the cascade only with foreign
		// keys on, and explicit deletes keep both engines alike.
		if _, err := q.Exec(ctx, `DELETE FROM shop_links WHERE connection_id = $1 AND tenant_id = $2`, id, tenantID); err != nil {
			return fmt.Errorf("store: delete shop links: %w", err)
		}
		if _, err := q.Exec(ctx, `DELETE FROM shop_deliveries WHERE connection_id = $1 AND tenant_id = $2`, id, tenantID); err != nil {
			return fmt.Errorf("store: delete shop deliveries: %w", err)
		}
		n, err := q.Exec(ctx, `DELETE FROM shop_connections WHERE id = $1 AND tenant_id = $2`, id, tenantID)
		if err != nil {
			return fmt.Errorf("store: delete shop connection: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("store: shop connection %d: %w", id, store.ErrNotFound)
		}
		return nil
	})
}

// FindShopConnectionByHookKey implements store.Shops.
func (s *Store) FindShopConnectionByHookKey(ctx context.Context, kind store.ShopKind, hookKey string) (store.ShopConnection, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shopConnCols+` FROM shop_connections
		WHERE hook_key = $1 AND kind = $2 AND enabled = $3`, hookKey, string(kind), true)
	c, err := one(rows, err, scanShopConn)
	if err != nil {
		return c, fmt.Errorf("store: shop hook: %w", err)
	}
	return c, nil
}

// ListEnabledShopConnections implements store.Shops.
func (s *Store) ListEnabledShopConnections(ctx context.Context, kind store.ShopKind) ([]store.ShopConnection, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shopConnCols+` FROM shop_connections
		WHERE kind = $1 AND enabled = $2 ORDER BY id`, string(kind), true)
	if err != nil {
		return nil, fmt.Errorf("store: list shop connections: %w", err)
	}
	list, err := collect(rows, scanShopConn)
	if err != nil {
		return nil, fmt.Errorf("store: list shop connections: %w", err)
	}
	return list, nil
}

// SetShopSync implements store.Shops.
func (s *Store) SetShopSync(ctx context.Context, tenantID, id int64, cursor string, at time.Time, errText string) error {
	if len(errText) > 1000 {
		errText = errText[:1000]
	}
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) (err error) {
		n, err = q.Exec(ctx, `UPDATE shop_connections SET
		sync_cursor = CASE WHEN $1 = '' THEN sync_cursor ELSE $1 END, last_sync_at = $2, last_error = $3
		WHERE id = $4 AND tenant_id = $5`, cursor, s.t(at), errText, id, tenantID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: shop sync: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("store: shop connection %d: %w", id, store.ErrNotFound)
	}
	return nil
}
