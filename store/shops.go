package store

import (
	"context"
	"log/slog"
	"time"
)

// Shops keeps a tenant's shop connections (Shopify, WooCommerce, Magento),
// the webhook deliveries already handled, and the links between shop
// orders and fulfilments and Waypost shipments and parcels.
//
// Like the rest of the store, every method takes the tenant and a row of
// another tenant is ErrNotFound. The exceptions are
// FindShopConnectionByHookKey and ListEnabledShopConnections, which serve
// the webhook endpoints and the pollers across tenants and return each
// connection with its TenantID.
type Shops interface {
	// CreateShopConnection stores c for the tenant, filling in ID,
	// TenantID, HookKey (random, unless given) and timestamps. An unknown
	// kind or an empty or malformed ShopURL is ErrInvalid; the same kind
	// and URL twice in one tenant is ErrConflict.
	CreateShopConnection(ctx context.Context, tenantID int64, c *ShopConnection) error
	// GetShopConnection returns one connection.
	GetShopConnection(ctx context.Context, tenantID, id int64) (ShopConnection, error)
	// ListShopConnections returns the tenant's connections by ID.
	ListShopConnections(ctx context.Context, tenantID int64) ([]ShopConnection, error)
	// UpdateShopConnection replaces Name, ShopURL, Secrets, Settings and
	// Enabled; c receives the stored connection.
	UpdateShopConnection(ctx context.Context, tenantID int64, c *ShopConnection) error
	// DeleteShopConnection removes a connection with its deliveries and
	// links; the shipments it created stay.
	DeleteShopConnection(ctx context.Context, tenantID, id int64) error
	// FindShopConnectionByHookKey returns the enabled connection of this
	// kind whose webhook URL carries hookKey, of any tenant.
	FindShopConnectionByHookKey(ctx context.Context, kind ShopKind, hookKey string) (ShopConnection, error)
	// ListEnabledShopConnections returns every enabled connection of this
	// kind, of any tenant, by ID.
	ListEnabledShopConnections(ctx context.Context, kind ShopKind) ([]ShopConnection, error)
	// SetShopSync records a poll: the new cursor (empty keeps the old
	// one), when, and the error ("" on success).
	SetShopSync(ctx context.Context, tenantID, id int64, cursor string, at time.Time, errText string) error

	// ShopDeliverySeen reports whether a webhook delivery ID was handled.
	ShopDeliverySeen(ctx context.Context, tenantID, connectionID int64, deliveryID string) (bool, error)
	// RecordShopDelivery marks a delivery ID as handled; again is harmless.
	RecordShopDelivery(ctx context.Context, tenantID, connectionID int64, deliveryID string, at time.Time) error
	// PruneShopDeliveries forgets deliveries recorded before before and
	// returns how many.
	PruneShopDeliveries(ctx context.Context, before time.Time) (int, error)

	// PutShopLink stores l unless a link with the same connection, order,
	// fulfilment and tracking number exists; either way l receives the
	// stored link. The connection and the shipment must be the tenant's.
	PutShopLink(ctx context.Context, tenantID int64, l *ShopLink) error
	// ListShopLinks returns the links of one shipment by ID.
	ListShopLinks(ctx context.Context, tenantID, shipmentID int64) ([]ShopLink, error)
	// FindShopOrder returns the shipment linked to a shop order.
	FindShopOrder(ctx context.Context, tenantID, connectionID int64, orderID string) (shipmentID int64, err error)
	// MarkShopPosted records that status was posted to the shop for a
	// link. It returns false, changing nothing, when that status was the
	// last one posted.
	MarkShopPosted(ctx context.Context, tenantID, linkID int64, status string, at time.Time) (bool, error)
}

// ShopKind names a shop platform.
type ShopKind string

// The shop platforms.
const (
	ShopShopify     ShopKind = "shopify"
	ShopWooCommerce ShopKind = "woocommerce"
	ShopMagento     ShopKind = "magento"
)

// Valid reports whether k is a known platform.
func (k ShopKind) Valid() bool {
	return k == ShopShopify || k == ShopWooCommerce || k == ShopMagento
}

// ShopConnection is one shop a tenant has connected.
type ShopConnection struct {
	ID       int64
	TenantID int64
	Kind     ShopKind
	Name     string
	// ShopURL is the shop's base URL, e.g. https://example.myshopify.com
	// or https://shop.example.com (scheme and host, optional path).
	ShopURL string
	// HookKey is the random public part of the connection's webhook URL
	// (/hooks/<kind>/<key>). It identifies, the signature authenticates.
	HookKey string
	// Secrets are the connection's credentials, sealed by package shop;
	// opaque to the store and never logged.
	Secrets  []byte
	Settings ShopSettings
	Enabled  bool
	// Cursor is where the last poll stopped (Magento: the updated_at of
	// the newest shipment seen).
	Cursor     string
	LastSyncAt time.Time
	LastError  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// LogValue keeps the sealed secrets out of logs.
func (c ShopConnection) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", c.ID), slog.Int64("tenant_id", c.TenantID),
		slog.String("kind", string(c.Kind)), slog.String("shop_url", c.ShopURL))
}

// ShopSettings are a connection's choices, stored as JSON.
type ShopSettings struct {
	// PostStatuses lists the Waypost statuses posted back to the shop;
	// nil means the package shop defaults, empty means none.
	PostStatuses []string `json:"post_statuses"`
	// SkipUnfulfilled: create a shipment only once an order has a
	// tracking number, not when it is placed.
	SkipUnfulfilled bool `json:"skip_unfulfilled,omitempty"`
	// CustomerVisible: notes and comments posted back are shown to the
	// buyer (WooCommerce customer notes, Magento comments on the front).
	CustomerVisible bool `json:"customer_visible,omitempty"`
	// APIVersion is the Shopify Admin API version, e.g. "2025-01".
	APIVersion string `json:"api_version,omitempty"`
}

// ShopLink ties a shop order (and, when known, one of its fulfilments and
// tracking numbers) to a Waypost shipment (and parcel). A link with an
// empty FulfillmentID and TrackingNumber is the order itself.
type ShopLink struct {
	ID            int64
	TenantID      int64
	ConnectionID  int64
	ShipmentID    int64
	ParcelID      int64 // 0 when no parcel was created (carrier unknown)
	OrderID       string
	OrderName     string
	FulfillmentID string
	// TrackingNumber and Company are as the shop sent them.
	TrackingNumber string
	Company        string
	// PostedStatus is the last status posted back, PostedAt when.
	PostedStatus string
	PostedAt     time.Time
	CreatedAt    time.Time
}
