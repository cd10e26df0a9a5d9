-- Shop connections (Shopify, WooCommerce, Magento), the webhook deliveries
-- already handled, and the links from shop orders and fulfilments to
-- shipments and parcels (SQLite). Keep version numbers in step with
-- store/postgres/migrations.

-- +goose Up
CREATE TABLE shop_connections (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    kind         TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    shop_url     TEXT    NOT NULL,
    hook_key     TEXT    NOT NULL UNIQUE,
    secrets      BLOB    NOT NULL,
    settings     TEXT    NOT NULL DEFAULT '{}',
    enabled      INTEGER NOT NULL DEFAULT 1,
    sync_cursor  TEXT    NOT NULL DEFAULT '',
    last_sync_at INTEGER,
    last_error   TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX shop_connections_tenant_url ON shop_connections (tenant_id, kind, shop_url);
CREATE INDEX shop_connections_kind ON shop_connections (kind, id) WHERE enabled = 1;

CREATE TABLE shop_deliveries (
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
    connection_id INTEGER NOT NULL REFERENCES shop_connections (id) ON DELETE CASCADE,
    delivery_id   TEXT    NOT NULL,
    received_at   INTEGER NOT NULL,
    PRIMARY KEY (connection_id, delivery_id)
);
CREATE INDEX shop_deliveries_received ON shop_deliveries (received_at);

CREATE TABLE shop_links (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    connection_id   INTEGER NOT NULL REFERENCES shop_connections (id) ON DELETE CASCADE,
    shipment_id     INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    parcel_id       INTEGER NOT NULL DEFAULT 0,
    order_id        TEXT    NOT NULL,
    order_name      TEXT    NOT NULL DEFAULT '',
    fulfillment_id  TEXT    NOT NULL DEFAULT '',
    tracking_number TEXT    NOT NULL DEFAULT '',
    company         TEXT    NOT NULL DEFAULT '',
    posted_status   TEXT    NOT NULL DEFAULT '',
    posted_at       INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX shop_links_key ON shop_links (connection_id, order_id, fulfillment_id, tracking_number);
CREATE INDEX shop_links_shipment ON shop_links (tenant_id, shipment_id, id);

-- +goose Down
DROP TABLE shop_links;
DROP TABLE shop_deliveries;
DROP TABLE shop_connections;
