package sqlcore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/waypost/waypost/store"
)

const shopLinkCols = `id, tenant_id, connection_id, shipment_id, parcel_id, order_id, order_name, fulfillment_id,
	tracking_number, company, posted_status, posted_at, created_at`

func scanShopLink(r Rows) (store.ShopLink, error) {
	var l store.ShopLink
	err := r.Scan(&l.ID, &l.TenantID, &l.ConnectionID, &l.ShipmentID, &l.ParcelID, &l.OrderID, &l.OrderName,
		&l.FulfillmentID, &l.TrackingNumber, &l.Company, &l.PostedStatus, tc(&l.PostedAt), tc(&l.CreatedAt))
	return l, err
}

// ShopDeliverySeen implements store.Shops.
func (s *Store) ShopDeliverySeen(ctx context.Context, tenantID, connectionID int64, deliveryID string) (bool, error) {
	ok, err := exists(ctx, s.eng.Reader(), `SELECT 1 FROM shop_deliveries
		WHERE connection_id = $1 AND delivery_id = $2 AND tenant_id = $3`, connectionID, deliveryID, tenantID)
	if err != nil {
		return false, fmt.Errorf("store: shop delivery: %w", err)
	}
	return ok, nil
}

// RecordShopDelivery implements store.Shops.
func (s *Store) RecordShopDelivery(ctx context.Context, tenantID, connectionID int64, deliveryID string, at time.Time) error {
	if deliveryID == "" || len(deliveryID) > 255 {
		return invalidShop("delivery_id", "empty or longer than 255 bytes")
	}
	return s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM shop_connections WHERE id = $1 AND tenant_id = $2`, connectionID, tenantID)
		if err != nil {
			return fmt.Errorf("store: shop delivery: %w", err)
		}
		if !ok {
			return fmt.Errorf("store: shop connection %d: %w", connectionID, store.ErrNotFound)
		}
		_, err = q.Exec(ctx, `INSERT INTO shop_deliveries (tenant_id, connection_id, delivery_id, received_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, tenantID, connectionID, deliveryID, s.t(at))
		if err != nil {
			return fmt.Errorf("store: shop delivery: %w", err)
		}
		return nil
	})
}

// PruneShopDeliveries implements store.Shops.
func (s *Store) PruneShopDeliveries(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.eng.Tx(ctx, func(q Querier) (err error) {
		n, err = q.Exec(ctx, `DELETE FROM shop_deliveries WHERE received_at < $1`, s.t(before))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune shop deliveries: %w", err)
	}
	return int(n), nil
}

// PutShopLink implements store.Shops.
func (s *Store) PutShopLink(ctx context.Context, tenantID int64, l *store.ShopLink) error {
	nl := *l
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"order_id", &nl.OrderID, 255}, {"order_name", &nl.OrderName, 255}, {"fulfillment_id", &nl.FulfillmentID, 255},
		{"tracking_number", &nl.TrackingNumber, 64}, {"company", &nl.Company, 255}} {
		*f.v = strings.TrimSpace(*f.v)
		if len(*f.v) > f.max {
			return invalidShop(f.name, fmt.Sprintf("longer than %d bytes", f.max))
		}
	}
	if nl.OrderID == "" {
		return invalidShop("order_id", "must not be empty")
	}
	now := s.clock()
	var got store.ShopLink
	err := s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM shop_connections WHERE id = $1 AND tenant_id = $2`, nl.ConnectionID, tenantID)
		if err == nil && ok {
			ok, err = exists(ctx, q, `SELECT 1 FROM shipments WHERE id = $1 AND tenant_id = $2`, nl.ShipmentID, tenantID)
		}
		if err == nil && ok && nl.ParcelID != 0 {
			ok, err = exists(ctx, q, `SELECT 1 FROM parcels WHERE id = $1 AND tenant_id = $2`, nl.ParcelID, tenantID)
		}
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		if _, err := q.Exec(ctx, `INSERT INTO shop_links (tenant_id, connection_id, shipment_id, parcel_id, order_id,
			order_name, fulfillment_id, tracking_number, company, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
			tenantID, nl.ConnectionID, nl.ShipmentID, nl.ParcelID, nl.OrderID, nl.OrderName, nl.FulfillmentID,
			nl.TrackingNumber, nl.Company, s.t(now)); err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT `+shopLinkCols+` FROM shop_links WHERE connection_id = $1 AND order_id = $2
			AND fulfillment_id = $3 AND tracking_number = $4`, nl.ConnectionID, nl.OrderID, nl.FulfillmentID, nl.TrackingNumber)
		got, err = one(rows, err, scanShopLink)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: shop link %s: %w", nl.OrderID, err)
	}
	*l = got
	return nil
}

// ListShopLinks implements store.Shops.
func (s *Store) ListShopLinks(ctx context.Context, tenantID, shipmentID int64) ([]store.ShopLink, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT `+shopLinkCols+` FROM shop_links
		WHERE tenant_id = $1 AND shipment_id = $2 ORDER BY id`, tenantID, shipmentID)
	if err != nil {
		return nil, fmt.Errorf("store: list shop links: %w", err)
	}
	list, err := collect(rows, scanShopLink)
	if err != nil {
		return nil, fmt.Errorf("store: list shop links: %w", err)
	}
	return list, nil
}

// FindShopOrder implements store.Shops.
func (s *Store) FindShopOrder(ctx context.Context, tenantID, connectionID int64, orderID string) (int64, error) {
	var id int64
	err := queryOne(ctx, s.eng.Reader(), &id, `SELECT shipment_id FROM shop_links
		WHERE connection_id = $1 AND order_id = $2 AND tenant_id = $3 ORDER BY id LIMIT 1`, connectionID, orderID, tenantID)
	if err != nil {
		return 0, fmt.Errorf("store: shop order %q: %w", orderID, err)
	}
	return id, nil
}

// MarkShopPosted implements store.Shops.
func (s *Store) MarkShopPosted(ctx context.Context, tenantID, linkID int64, status string, at time.Time) (bool, error) {
	var changed bool
	err := s.eng.Tx(ctx, func(q Querier) error {
		var prev string
		if err := queryOne(ctx, q, &prev, `SELECT posted_status FROM shop_links WHERE id = $1 AND tenant_id = $2`+s.eng.ForUpdate(),
			linkID, tenantID); err != nil {
			return err
		}
		if prev == status {
			return nil
		}
		changed = true
		_, err := q.Exec(ctx, `UPDATE shop_links SET posted_status = $1, posted_at = $2 WHERE id = $3 AND tenant_id = $4`,
			status, s.t(at), linkID, tenantID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: shop link %d: %w", linkID, err)
	}
	return changed, nil
}
