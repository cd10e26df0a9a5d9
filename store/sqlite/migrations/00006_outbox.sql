-- The notification outbox, its delivery log and sellers' webhook
-- endpoints. A message row is written in the transaction that completes
-- the change task it came from and is the dispatcher's schedule: claimed
-- with a lease, retried at next_attempt_at, held back while an earlier
-- message with the same order_key is pending or paused. Keep version
-- numbers in step with store/postgres/migrations.

-- +goose Up
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    message_id      TEXT    NOT NULL,
    shipment_id     INTEGER NOT NULL DEFAULT 0,
    channel         TEXT    NOT NULL,
    moment          TEXT    NOT NULL DEFAULT '',
    target          TEXT    NOT NULL,
    order_key       TEXT    NOT NULL DEFAULT '',
    body            TEXT    NOT NULL DEFAULT '{}', -- JSON
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT    NOT NULL DEFAULT '',
    lease_until     INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
-- Dedupe: one message per ID and tenant.
CREATE UNIQUE INDEX outbox_tenant_message ON outbox (tenant_id, message_id);
-- The dispatcher's due scan, in claim order.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
-- The ordering check: is an earlier message with this key still open?
CREATE INDEX outbox_order ON outbox (tenant_id, order_key, id) WHERE state IN ('pending', 'paused') AND order_key <> '';
-- Listings for the seller: by target (webhook endpoint) and by shipment.
CREATE INDEX outbox_tenant_target ON outbox (tenant_id, channel, target, id);
CREATE INDEX outbox_tenant_shipment ON outbox (tenant_id, shipment_id, id);

CREATE TABLE outbox_attempts (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    message     INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    duration_us INTEGER NOT NULL DEFAULT 0,
    status_code INTEGER NOT NULL DEFAULT 0,
    error       TEXT    NOT NULL DEFAULT '',
    response    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_attempts_message ON outbox_attempts (message, id);

CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    url             TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    secret          TEXT    NOT NULL,
    events          TEXT    NOT NULL DEFAULT '', -- comma-separated moments; empty: all
    format          TEXT    NOT NULL DEFAULT 'waypost',
    state           TEXT    NOT NULL DEFAULT 'enabled',
    paused_reason   TEXT    NOT NULL DEFAULT '',
    failing_since   INTEGER,
    gave_up_in_a_row INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, id);

-- +goose Down
DROP TABLE webhook_endpoints;
DROP TABLE outbox_attempts;
DROP TABLE outbox;
